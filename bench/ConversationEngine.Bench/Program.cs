// Append benchmark: does appending the 100 000th message cost what the 10th does?
// Runs a one-silo cluster on a SQLite file (the embedded default) and appends messages to one
// conversation, reporting latency percentiles per window of the log.
//
//   dotnet run -c Release --project bench/ConversationEngine.Bench -- [messages=100000] [window=10000]
using System.Diagnostics;
using System.Globalization;
using ConversationEngine;
using ConversationEngine.Conversations;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using Orleans.TestingHost;

var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var window = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;

var directory = Directory.CreateTempSubdirectory("engine-bench-").FullName;
var connectionString = SqliteSchema.BuildConnectionString(Path.Combine(directory, "bench.db"));
await SqliteSchema.EnsureCreatedAsync(connectionString);
var builder = new InProcessTestClusterBuilder(1);
builder.Options.ConfigureFileLogging = false;
builder.ConfigureSilo((_, silo) => silo.UseSqliteStorage(connectionString).AddConversationEngineGrains());
var cluster = builder.Build();
await cluster.DeployAsync();

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
            $"{i + 1 - latencies.Count,7}-{i,-7} {Percentile(0.50),8:F2} {Percentile(0.99),8:F2} {latencies[^1],8:F2} {rate,7:F0}"));
        latencies.Clear();
        windowClock.Restart();
    }
}

await cluster.StopAllSilosAsync();
await cluster.DisposeAsync();
Directory.Delete(directory, recursive: true);

double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Floor(p * latencies.Count))];
