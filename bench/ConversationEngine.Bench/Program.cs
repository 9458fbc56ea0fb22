// Benchmarks on a one-silo cluster with the embedded default storage (a SQLite file):
//
//   append [messages=100000] [window=10000]
//     Does appending the 100 000th message cost what the 10th does? Latency percentiles per
//     window of one conversation's log.
//   timers [conversations=100000]
//     What do idle conversations with pending timers cost once their grains are collected?
//     Managed heap and reminder rows before and after.
//
//   delivery [messages=5000]
//     Deliveries per second through the outbox to a Twilio stand-in on loopback, 10 senders
//     unthrottled (100 conversations, one SMS participant each); then status callbacks per second
//     ("sent", then "delivered" for every delivery, 32 at a time, through the path the status
//     webhook takes), while 32 clients keep reading message pages; then the pacing error of one
//     sender throttled to 20 MPS sending 200 single-segment messages.
//
//   state [messages=5000]
//     Orleans' default JSON grain state against the compact binary form, each with a pooled
//     connection per command and (compact) with the single queued writer, side by side in one run:
//     bytes written per append (the page row's size after each of a page's 50 appends), sequential
//     appends to one conversation, and 32 concurrent writers over 100 conversations.
//
//   limits [--warmup 5] [--duration 10] [--connections 16] [--wide 64] [--rate R]
//          [--postgres CS | --no-postgres] [--no-sqlite] [--only spread,wide,open,hot,create,read]
//          [--api PATH] [--out FILE] [--keep]
//     The engine over HTTP beside what this machine can do at best, in one run, as a markdown
//     table (printed and written to bench/results/limits-<date>.md). Each engine cell starts the
//     Release front end (src/ConversationEngine.Api/bin/Release/net10.0, or --api) as a process of
//     its own on a fresh store: a new data directory for SQLite, a new database for PostgreSQL
//     (--postgres or ENGINE_BENCH_POSTGRES; its user needs CREATEDB). Workloads: message create
//     over 100 conversations (closed loop at --connections, on SQLite also at --wide, and open loop
//     at --rate, by default half the closed-loop rate), message create into one hot conversation
//     (then every index read back: 0..n-1, one per accepted create), conversation create, a page of
//     50 messages. Limits, measured in the same run with the same load generator: (a) Kestrel
//     answering a constant JSON; (f) Kestrel answering the bytes of a page the engine answered; (b) an ASP.NET endpoint doing one Npgsql INSERT per POST over 16
//     pooled connections; (c) 16 Npgsql clients committing single-row INSERTs, no HTTP; (d) one
//     SQLite writer committing single-row INSERTs on a file set up as the engine's (WAL, its
//     connection string); (e) the ASP.NET endpoint doing one SQLite INSERT per POST through one
//     writer. Non-2xx answers are counted per cell and mark it. --keep leaves the logs and files.
//     Build first: dotnet build -c Release ConversationEngine.sln; then
//     ENGINE_BENCH_POSTGRES="$(bash .ci/postgres.sh | tail -n 1)" dotnet bench/ConversationEngine.Bench/bin/Release/net10.0/ConversationEngine.Bench.dll limits
//
//   sync [--numbers 2000] [--services 20] [--pool 10] [--runs 5]
//     The Twilio account import against the spec-checking stand-in: first import, resync unchanged,
//     resync with 1 % changed, as ratios to reading the same listing with Twilio's C# library.
//   media [--warmup 3] [--duration 10] [--connections 16] [--size 100000] [--postgres CS | --no-postgres]
//         [--api PATH] [--out FILE] [--keep]
//     Media on the message path, per store (SQLite with media files on disk; PostgreSQL with media
//     in the database, with --postgres or ENGINE_BENCH_POSTGRES): text message creates (the
//     baseline), uploads, upload + message create with the item, and reads through signed URLs;
//     rates as ratios to the baseline, written to bench/results/media-<date>.md.
//
//   webhooks [--warmup 5] [--duration 10] [--open-duration 15] [--connections 16] [--rate 200]
//            [--hook-ms 20] [--postgres CS | --no-postgres] [--api PATH] [--out FILE] [--keep]
//     Conversations webhooks under load, in one run, each phase on a fresh engine process (the
//     Release front end, as limits starts it; SQLite, or PostgreSQL with --postgres or
//     ENGINE_BENCH_POSTGRES) with 100 conversations, every create sent with
//     X-Twilio-Webhook-Enabled: true, webhooks configured on the account (POST
//     /v1/Configuration/Webhooks) and received by a Kestrel app in the bench process on loopback
//     (200 at once, each request timestamped). (1) Post-event delivery throughput: messages created
//     as fast as --connections can (closed loop) with a PostWebhookUrl for onMessageAdded; creates/s,
//     webhooks delivered/s, drain time after the last create, and every accepted message's
//     onMessageAdded checked once per I-Twilio-Idempotency-Token and in index order per
//     conversation. (2) Accepted → received latency at --rate (open loop). (3) POST …/Messages
//     latency at --rate without any webhook configured and with the post-event webhook. (4) POST
//     latency with a pre-action hook (onMessageAdd) answering {} after --hook-ms, minus the hook's
//     time, against no hook. A markdown table, printed and written to bench/results/webhooks-<date>.md.
//     Build first: dotnet build -c Release ConversationEngine.sln; then
//     dotnet bench/ConversationEngine.Bench/bin/Release/net10.0/ConversationEngine.Bench.dll webhooks
//
//   failover [--silos 3] [--connections 8] [--before 10] [--after 25] [--response-timeout 8]
//            [--postgres CS] [--api PATH] [--silo PATH] [--out FILE] [--keep]
//     kill -9 of a silo under load, all real processes: --silos stand-alone Release silos and a
//     Release front end in client mode on a fresh PostgreSQL database (--postgres or
//     ENGINE_BENCH_POSTGRES), message creates in a closed loop over 60 conversations, the last
//     silo SIGKILLed --before seconds in. Reports the requests in flight and how long they waited
//     (against the configured timeout), when the last failure came (against the 10 s goal), the
//     rate once settled against the rate before, whether every acknowledged message is stored, and
//     for each refusal (503, 504, broken connection) how many were stored after all.
//
//   live [--agents 1000] [--per-agent 5] [--rate 200] [--warmup 5] [--duration 60] [--connections 16]
//        [--away 5000] [--connect-parallel 64] [--api PATH] [--out FILE] [--keep]
//     The agents' live stream (/engine/v1/Stream) on one Release front end process (SQLite): --agents
//     WebSocket clients in this process, each with its own Access Token (Twilio's C# library) and
//     the agent of --per-agent conversations; messages posted over REST at --rate (open loop). POST
//     sent → onMessageAdded frame read by the agent's client, every event checked (once, in order,
//     gapless per conversation); the engine's managed heap (dotnet-gcdump, which needs
//     `dotnet tool install -g dotnet-gcdump`) and working set per connected agent; every socket
//     aborted, --away messages posted, every agent reconnected with its positions: time until all
//     caught up, every missed event once. Baselines in the same run: the same posts before any
//     agent connected, the first connect of every agent. Written to bench/results/live-<date>.md.
//     Build first: dotnet build -c Release ConversationEngine.sln; then
//     dotnet bench/ConversationEngine.Bench/bin/Release/net10.0/ConversationEngine.Bench.dll live
//
//   dotnet run -c Release --project bench/ConversationEngine.Bench -- append 100000 10000
using System.Diagnostics;
using System.Globalization;
using ConversationEngine;
using ConversationEngine.Bench.Limits;
using ConversationEngine.Bench.Webhooks;
using ConversationEngine.Conversations;
using ConversationEngine.Delivery;
using ConversationEngine.Senders;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.Configuration;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using Orleans.TestingHost;

var mode = args.Length > 0 ? args[0] : "append";
if (mode == "limits")
{
    await LimitsRun.RunAsync(args[1..]);
    return;
}

if (mode == "webhooks")
{
    await WebhooksRun.RunAsync(args[1..]);
    return;
}

if (mode == "failover")
{
    await ConversationEngine.Bench.Failover.FailoverRun.RunAsync(args[1..]);
    return;
}

if (mode == "media")
{
    await ConversationEngine.Bench.Media.MediaRun.RunAsync(args[1..]);
    return;
}

if (mode == "sync")
{
    await ConversationEngine.Bench.Sync.SyncRun.RunAsync(args[1..]);
    return;
}

if (mode == "live")
{
    await ConversationEngine.Bench.Live.LiveRun.RunAsync(args[1..]);
    return;
}

if (mode == LimitServer.Command)
{
    await LimitServer.RunAsync(args);
    return;
}

var total = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : mode == "delivery" ? 5_000 : 100_000;
var window = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000;

if (mode == "state")
{
    await StateFormatsAsync();
    return;
}

var directory = Directory.CreateTempSubdirectory("engine-bench-").FullName;
var connectionString = SqliteSchema.BuildConnectionString(Path.Combine(directory, "bench.db"));
await SqliteSchema.EnsureCreatedAsync(connectionString);
var builder = new InProcessTestClusterBuilder(1);
builder.Options.ConfigureFileLogging = false;
const string Account = "AC0123456789abcdef0123456789abcdef";
await using var twilio = await TwilioStandIn.StartAsync(Account, "bench-token");
twilio.Callbacks = StatusCallbackPlan.None;
var twilioSettings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Twilio:AccountSid"] = Account,
    ["Twilio:AuthToken"] = "bench-token",
    ["Twilio:BaseUrl"] = twilio.BaseUrl,
}).Build();
builder.ConfigureSilo((_, silo) =>
{
    silo.UseSqliteStorage(connectionString).AddConversationEngineGrains();
    if (mode == "delivery")
    {
        silo.Services.AddConversationEngineDelivery(twilioSettings, o =>
        {
            o.AccountSid = Account;
            o.Mps.LongCode = 1_000_000;
        });
    }
});
var cluster = builder.Build();
await cluster.DeployAsync();

if (mode == "timers")
{
    await TimersAsync();
}
else if (mode == "delivery")
{
    await DeliveryAsync();
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

async Task DeliveryAsync()
{
    var service = Sids.New(Sids.ChatService);
    var senders = Enumerable.Range(0, 10).Select(i => "+1415555" + (1000 + i).ToString(CultureInfo.InvariantCulture)).ToList();
    var conversations = new List<IConversationGrain>();
    for (var i = 0; i < 100; i++)
    {
        var conversation = cluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        await conversation.CreateAsync(new CreateConversation { ChatServiceSid = service });
        await conversation.AddParticipantAsync(new AddParticipant
        {
            Address = "+1212555" + (1000 + i).ToString(CultureInfo.InvariantCulture),
            ProxyAddress = senders[i % senders.Count],
        });
        conversations.Add(conversation);
    }

    Console.WriteLine($"{total} messages into 100 conversations (10 senders, unthrottled), 32 at a time");
    var latencies = new List<double>(total);
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
    {
        var started = Stopwatch.GetTimestamp();
        await conversations[i % conversations.Count].AddMessageAsync(new AddMessage { Author = "agent", Body = "delivery " + i.ToString(CultureInfo.InvariantCulture) });
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        lock (latencies)
        {
            latencies.Add(elapsed);
        }
    });
    var accepted = clock.Elapsed;
    await twilio.WaitForMessagesAsync(total, TimeSpan.FromMinutes(10));
    var delivered = clock.Elapsed;
    latencies.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"API: {total / accepted.TotalSeconds:F0} msg/s accepted, p50 {Percentile(latencies, 0.5):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"outbox: {total} delivered to the stand-in in {delivered.TotalSeconds:F1} s = {total / delivered.TotalSeconds:F0} deliveries/s; requests {twilio.Requests.Count}"));

    await CallbacksAsync(conversations);

    // Pacing: one sender at 20 MPS.
    const double Rate = 20;
    const int Count = 200;
    var paced = "+14155559999";
    await cluster.Client.GetGrain<ISenderRegistryGrain>(Account).RegisterNumberAsync(new SenderRegistration { Address = paced, Mps = Rate });
    var customer = cluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
    await customer.CreateAsync(new CreateConversation { ChatServiceSid = service });
    await customer.AddParticipantAsync(new AddParticipant { Address = "+12125559999", ProxyAddress = paced });
    for (var i = 0; i < Count; i++)
    {
        await customer.AddMessageAsync(new AddMessage { Author = "agent", Body = "paced " + i.ToString(CultureInfo.InvariantCulture) });
    }

    await twilio.WaitForMessagesAsync(total + Count, TimeSpan.FromMinutes(5));
    var arrivals = twilio.Messages.Where(m => m.To == "+12125559999").Select(m => m.Received).Order().ToList();
    var first = arrivals[0];
    var errors = arrivals.Select((at, i) => ((at - first).TotalMilliseconds - i * 1000 / Rate)).ToList();
    var span = (arrivals[^1] - first).TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"pacing at {Rate} MPS: {Count} messages over {span:F2} s (ideal {(Count - 1) / Rate:F2} s) = {(Count - 1) / span:F2} MPS; " +
        $"arrival vs schedule: min {errors.Min():F0} ms, max {errors.Max():F0} ms; never faster: {errors.All(e => e > -25)}"));
}

async Task CallbacksAsync(List<IConversationGrain> conversations)
{
    var sids = twilio.Messages.Select(m => m.Sid).ToList();
    await Task.WhenAll(sids.Select(async sid =>
    {
        while (await cluster.Client.GetGrain<IChannelMessageGrain>(sid).GetAsync() is null)
        {
            await Task.Delay(50);
        }
    }));

    Console.WriteLine($"{sids.Count * 2} status callbacks (sent, delivered), 32 at a time, with 32 readers listing messages");
    using var reading = new CancellationTokenSource();
    var reads = 0;
    var readers = Enumerable.Range(0, 32).Select(r => Task.Run(async () =>
    {
        while (!reading.IsCancellationRequested)
        {
            await conversations[(r + reads) % conversations.Count].ListMessagesAsync(null, true, 50);
            Interlocked.Increment(ref reads);
        }
    })).ToList();
    var latencies = new List<double>(sids.Count * 2);
    var clock = Stopwatch.StartNew();
    foreach (var status in new[] { "sent", "delivered" })
    {
        await Parallel.ForEachAsync(sids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (sid, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            await ApplyStatusAsync(sid, status);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (latencies)
            {
                latencies.Add(elapsed);
            }
        });
    }

    var took = clock.Elapsed;
    await reading.CancelAsync();
    await Task.WhenAll(readers);
    latencies.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"callbacks: {latencies.Count / took.TotalSeconds:F0}/s, p50 {Percentile(latencies, 0.5):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms; " +
        $"message pages read meanwhile: {reads / took.TotalSeconds:F0}/s"));
}

// The status webhook's path from a channel message SID to its receipt.
Task ApplyStatusAsync(string channelMessageSid, string status) =>
    DeliveryStatusPath.ApplyAsync(cluster.Client, channelMessageSid, status, null);

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

async Task StateFormatsAsync()
{
    var results = new Dictionary<string, (double Bytes, double Sequential, double P50, double P99, double Concurrent)>();
    foreach (var (name, compact, singleWriter, table) in new[]
    {
        ("json, pages, pooled", false, false, false),
        ("compact, pages, pooled", true, false, false),
        ("compact, pages, 1 writer", true, true, false),
        ("compact, table, 1 writer", true, true, true),
    })
    {
        var folder = Directory.CreateTempSubdirectory("engine-bench-state-").FullName;
        var database = SqliteSchema.BuildConnectionString(Path.Combine(folder, "bench.db"));
        await SqliteSchema.EnsureCreatedAsync(database);
        var stateBuilder = new InProcessTestClusterBuilder(1);
        stateBuilder.Options.ConfigureFileLogging = false;
        stateBuilder.ConfigureSilo((_, silo) => silo.UseSqliteStorage(database, compactState: compact, singleWriter: singleWriter, messageTable: table).AddConversationEngineGrains());
        var stateCluster = stateBuilder.Build();
        await stateCluster.DeployAsync();
        var service = Sids.New(Sids.ChatService);

        // Bytes: each append rewrites its page, so what one costs is the page's size after it.
        var sampled = stateCluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        await sampled.CreateAsync(new CreateConversation { ChatServiceSid = service });
        long written = 0;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(database))
        {
            await connection.OpenAsync();
            for (var i = 0; i < 50; i++)
            {
                await sampled.AddMessageAsync(new AddMessage { Author = "agent-7", Body = "Your order #" + i.ToString(CultureInfo.InvariantCulture) + " has shipped and arrives on Tuesday." });
                await using var size = connection.CreateCommand();
                // With pages, an append rewrites its page; with the table, it writes its own row.
                size.CommandText = table
                    ? "SELECT LENGTH(Payload) + LENGTH(ServiceId) + LENGTH(ConversationSid) + LENGTH(MessageSid) + 8 FROM EngineMessages ORDER BY MessageIndex DESC LIMIT 1"
                    : "SELECT MAX(LENGTH(PayloadBinary)) FROM OrleansStorage WHERE GrainTypeString = 'messages'";
                written += (long)(await size.ExecuteScalarAsync())!;
            }
        }

        var one = stateCluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        await one.CreateAsync(new CreateConversation { ChatServiceSid = service });
        var latencies = new List<double>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await one.AddMessageAsync(new AddMessage { Author = "agent-7", Body = "message " + i.ToString(CultureInfo.InvariantCulture) });
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var sequential = total / clock.Elapsed.TotalSeconds;
        latencies.Sort();

        var many = new List<IConversationGrain>();
        for (var i = 0; i < 100; i++)
        {
            var conversation = stateCluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
            await conversation.CreateAsync(new CreateConversation { ChatServiceSid = service });
            many.Add(conversation);
        }

        clock.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            await many[i % many.Count].AddMessageAsync(new AddMessage { Author = "agent-7", Body = "message " + i.ToString(CultureInfo.InvariantCulture) }));
        var concurrent = total / clock.Elapsed.TotalSeconds;
        results[name] = (written / 50.0, sequential, Percentile(latencies, 0.5), Percentile(latencies, 0.99), concurrent);
        await stateCluster.StopAllSilosAsync();
        await stateCluster.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    Console.WriteLine("storage                   bytes/append   sequential msg/s   p50 ms   p99 ms   32 writers msg/s   ratios to the first (bytes, sequential, 32 writers)");
    var baseline = results["json, pages, pooled"];
    foreach (var (name, r) in results)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-25} {r.Bytes,12:F0} {r.Sequential,18:F0} {r.P50,8:F2} {r.P99,8:F2} {r.Concurrent,18:F0}   {r.Bytes / baseline.Bytes:F2} {r.Sequential / baseline.Sequential:F2} {r.Concurrent / baseline.Concurrent:F2}"));
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
