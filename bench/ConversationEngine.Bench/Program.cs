// Benchmarks on a one-silo cluster with the embedded default storage (a SQLite file):
//
//   append [messages=100000] [window=10000]
//     Does appending the 100 000th message cost what the 10th does? Latency percentiles per
//     window of one conversation's log.
//   timers [conversations=100000]
//     What do idle conversations with pending timers cost once their grains are collected?
//     Managed heap and reminder rows before and after.
//
//   dotnet run -c Release --project bench/ConversationEngine.Bench -- append 100000 10000
using System.Diagnostics;
using System.Globalization;
using ConversationEngine;
using ConversationEngine.Conversations;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using Orleans.TestingHost;

var mode = args.Length > 0 ? args[0] : "append";
var total = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
var window = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000;

var directory = Directory.CreateTempSubdirectory("engine-bench-").FullName;
var connectionString = SqliteSchema.BuildConnectionString(Path.Combine(directory, "bench.db"));
await SqliteSchema.EnsureCreatedAsync(connectionString);
var builder = new InProcessTestClusterBuilder(1);
builder.Options.ConfigureFileLogging = false;
builder.ConfigureSilo((_, silo) => silo.UseSqliteStorage(connectionString).AddConversationEngineGrains());
var cluster = builder.Build();
await cluster.DeployAsync();

if (mode == "timers")
{
    await TimersAsync();
}
else
{
    await AppendAsync();
}

await cluster.StopAllSilosAsync();
await cluster.DisposeAsync();
Directory.Delete(directory, recursive: true);

async Task TimersAsync()
{
    var service = Sids.New(Sids.ChatService);
    var before = Heap();
    Console.WriteLine($"creating {total} conversations with inactive and closed timers (1 h / 1 day)");
    var clock = Stopwatch.StartNew();
    var created = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, _) =>
    {
        var conversation = cluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        await conversation.CreateAsync(new CreateConversation
        {
            ChatServiceSid = service,
            State = ConversationStates.Active,
            InactiveTimer = TimeSpan.FromHours(1),
            ClosedTimer = TimeSpan.FromDays(1),
        });
        if (Interlocked.Increment(ref created) % 10_000 == 0)
        {
            Console.WriteLine($"  {created} in {clock.Elapsed.TotalSeconds:F0} s");
        }
    });
    var active = Heap();
    await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
    await Task.Delay(TimeSpan.FromSeconds(5));
    var idle = Heap();
    var activations = (await cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
        .Where(s => s.GrainType.Contains("Conversation", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
    await connection.OpenAsync();
    await using var count = connection.CreateCommand();
    count.CommandText = "SELECT COUNT(*) FROM OrleansRemindersTable";
    var reminders = (long)(await count.ExecuteScalarAsync())!;
    Console.WriteLine($"created in {clock.Elapsed.TotalSeconds:F0} s ({total / clock.Elapsed.TotalSeconds:F0}/s)");
    Console.WriteLine($"managed heap: {before / 1e6:F0} MB empty, {active / 1e6:F0} MB with grains active, {idle / 1e6:F0} MB after collection");
    Console.WriteLine($"conversation activations left: {activations}; reminder rows: {reminders}");
}

async Task AppendAsync()
{
var conversation = cluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
await conversation.CreateAsync(new CreateConversation { ChatServiceSid = Sids.New(Sids.ChatService) });

Console.WriteLine($"appending {total} messages, one at a time, SQLite at {directory}");
Console.WriteLine("messages         p50 ms   p99 ms   max ms   msg/s");
var latencies = new List<double>(window);
var windowClock = Stopwatch.StartNew();
for (var i = 0; i < total; i++)
{
    var started = Stopwatch.GetTimestamp();
    await conversation.AddMessageAsync(new AddMessage { Author = "bench", Body = "message " + i.ToString(CultureInfo.InvariantCulture) });
    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    if (latencies.Count == window || i == total - 1)
    {
        latencies.Sort();
        var rate = latencies.Count / windowClock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{i + 1 - latencies.Count,7}-{i,-7} {Percentile(latencies, 0.50),8:F2} {Percentile(latencies, 0.99),8:F2} {latencies[^1],8:F2} {rate,7:F0}"));
        latencies.Clear();
        windowClock.Restart();
    }
}

}

static long Heap()
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    return GC.GetTotalMemory(forceFullCollection: true);
}

static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
