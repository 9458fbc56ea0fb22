using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ConversationEngine.Bench.Limits;
using Twilio.Jwt.AccessToken;

namespace ConversationEngine.Bench.Live;

/// <summary>
/// The agents' live stream under load, on one engine process (the Release front end on SQLite):
/// --agents WebSocket clients, each with its own Access Token and a chat participant of
/// --per-agent conversations; messages posted over REST at --rate, spread over the
/// conversations. Measures POST → onMessageAdded frame at the agent's client, every event checked
/// (once, in order, per conversation), the engine's memory per connected agent, and a reconnect of
/// every agent with its positions after messages posted while all were away; against the same
/// posts with no agent connected, and the first connect of every agent, in the same run.
/// </summary>
internal sealed class LiveRun
{
    private const string Account = "AC5a1e0000c0ffee5a1e0000c0ffee5a1e";
    private const string AuthToken = "5a1e0000c0ffee5a1e0000c0ffee5a1e";
    private const string KeySid = "SK5a1e0000c0ffee5a1e0000c0ffee5a1e";
    private const string KeySecret = "live-bench-api-key-secret-0123456";
    private const string MessageAdded = "onMessageAdded";

    private readonly Settings settings;
    private readonly string scratch = Directory.CreateTempSubdirectory("engine-live-").FullName;
    private readonly List<string> rows = [];
    private readonly List<string> notes = [];

    private LiveRun(Settings settings) => this.settings = settings;

    public static async Task RunAsync(string[] args)
    {
        var settings = Settings.Parse(args);
        var run = new LiveRun(settings);
        await BenchArguments.RunAsync(settings.ApiDll, settings.Keep, run.scratch, run.MeasureAsync);
    }

    private sealed record Latencies(int Count, double P50, double P95, double P99, double Max)
    {
        public static Latencies Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0
                ? new Latencies(0, double.NaN, double.NaN, double.NaN, double.NaN)
                : new Latencies(sorted.Length, LoadGenerator.Percentile(sorted, 0.5), LoadGenerator.Percentile(sorted, 0.95), LoadGenerator.Percentile(sorted, 0.99), sorted[^1]);
        }

        public override string ToString() => Invariant($"p50 {P50:F1} / p95 {P95:F1} / p99 {P99:F1} / max {Max:F1} ms");
    }

    /// <summary>One post phase: per sequence the send and answer timestamps, and what was accepted.</summary>
    private sealed class Posts(int capacity)
    {
        public long[] Sent { get; } = new long[capacity];

        public long[] Answered { get; } = new long[capacity];

        /// <summary>Accepted message sid → (conversation index, sequence).</summary>
        public ConcurrentDictionary<string, (int Conversation, long Sequence)> Accepted { get; } = new(StringComparer.Ordinal);

        public CellResult? Load { get; set; }

        /// <summary>CPU over the whole phase (warm-up included).</summary>
        public Cpu? Cpu { get; set; }

        public double Seconds { get; set; }
    }

    /// <summary>CPU time so far, in seconds: the engine process, this process, and the whole machine (busy and all, from /proc/stat).</summary>
    private sealed record Cpu(double Engine, double Bench, double MachineBusy, double MachineAll)
    {
        public static async Task<Cpu> ReadAsync(int engine)
        {
            var hertz = 100.0;
            var stat = await File.ReadAllTextAsync($"/proc/{engine}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command: state is field 3, utime 14 and stime 15 (1-based, of the whole line).
            var engineSeconds = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / hertz;
            var machine = (await File.ReadAllLinesAsync("/proc/stat"))[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var idle = machine[3] + machine[4];
            return new Cpu(engineSeconds, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, (machine.Sum() - idle) / hertz, machine.Sum() / hertz);
        }

        public static Cpu operator -(Cpu a, Cpu b) => new(a.Engine - b.Engine, a.Bench - b.Bench, a.MachineBusy - b.MachineBusy, a.MachineAll - b.MachineAll);

        public string Describe(double seconds, long messages) => Invariant(
            $"engine {Engine / seconds:P0} of a core ({Engine * 1000 / messages:F2} ms CPU per message), bench {Bench / seconds:P0}, other processes {(MachineBusy - Engine - Bench) / seconds:P0}; machine busy {MachineBusy / MachineAll:P0} of {Environment.ProcessorCount} cores");
    }

    private sealed record Memory(long HeapBytes, long RssBytes)
    {
        public override string ToString() => Invariant($"managed heap {HeapBytes / 1e6:F1} MB, working set {RssBytes / 1e6:F1} MB");
    }

    private async Task MeasureAsync()
    {
        var machine = await LimitsRun.MachineAsync();
        Console.WriteLine(machine);
        var conversations = settings.Agents * settings.PerAgent;
        Console.WriteLine(Invariant($"{settings.Agents} agents × {settings.PerAgent} conversations = {conversations}; {settings.Rate:F0} messages/s, {settings.Warmup.TotalSeconds:F0} s warm-up + {settings.Duration.TotalSeconds:F0} s measured; {settings.Away} messages while away"));

        var data = Directory.CreateDirectory(Path.Combine(scratch, "engine")).FullName;
        var url = new Uri(Invariant($"http://127.0.0.1:{ChildProcess.FreePort()}"));
        var args = BenchArguments.EngineProcess(url, data, Account, AuthToken, postgres: null);
        args.AddRange(["--Engine:ApiKeys:0:Sid", KeySid, "--Engine:ApiKeys:0:Secret", KeySecret]);
        await using var engine = await ChildProcess.StartAsync(settings.ApiDll, args, url, Path.Combine(data, "engine.log"));
        var engineUp = Stopwatch.GetTimestamp();
        using var client = Client(url, settings.Connections);

        // Set-up: a service, its users, the conversations, one agent (chat participant) in each.
        var clock = Stopwatch.StartNew();
        var service = await CreateAsync(client, "/v1/Services", [("FriendlyName", "live bench")]);
        var identities = Enumerable.Range(0, settings.Agents).Select(i => Invariant($"agent-{i:D4}")).ToArray();
        await ParallelAsync(settings.Agents, i => CreateAsync(client, $"/v1/Services/{service}/Users", [("Identity", identities[i])]));
        var sids = new string[conversations];
        await ParallelAsync(conversations, async j =>
        {
            sids[j] = await CreateAsync(client, $"/v1/Services/{service}/Conversations", [("FriendlyName", Invariant($"support {j}"))]);
            await CreateAsync(client, $"/v1/Services/{service}/Conversations/{sids[j]}/Participants", [("Identity", identities[AgentOf(j)])]);
        });
        Console.WriteLine(Invariant($"set up {settings.Agents} users, {conversations} conversations with their agent in {clock.Elapsed.TotalSeconds:F1} s"));
        var agents = identities.Select(identity => new LiveAgent(identity,
            new Token(Account, KeySid, KeySecret, identity: identity, expiration: DateTime.UtcNow.AddHours(2),
                grants: new HashSet<IGrant> { new ChatGrant { ServiceSid = service } }).ToJwt())).ToArray();
        var stream = new Uri(url.ToString().Replace("http", "ws", StringComparison.Ordinal).TrimEnd('/') + "/engine/v1/Stream");

        // Baseline: the same posts with no agent connected.
        Console.Write(Invariant($"{"baseline: posts, no agent connected",-44} "));
        var baseline = await PostPhaseAsync(client, service, sids, "b", engine.Id);
        Console.WriteLine(Invariant($"POST {baseline.Load!.Rate:F0}/s p50 {baseline.Load.P50:F1} ms p99 {baseline.Load.P99:F1} ms non-2xx {baseline.Load.Errors} late {baseline.Load.Behind}"));
        var baselineSent = SentToAnswered(baseline);

        var none = await MemoryAsync(engine, "none");
        Console.WriteLine($"memory, no agent connected: {none}");

        // First connect of every agent (fresh: streamed from each feed's end).
        Console.Write(Invariant($"{$"connect {settings.Agents} agents ({settings.ConnectParallel} at a time)",-44} "));
        var connectStart = Stopwatch.GetTimestamp();
        var connectFailures = await ConnectAllAsync(agents, stream, resume: null);
        var connected = Milliseconds(agents.Max(a => a.ReadyAt) - connectStart);
        var readyLatencies = Latencies.Of(agents.Select(a => Milliseconds(a.ReadyAt - connectStart)));
        var readyConversations = agents.Sum(a => a.ReadyPositions.Count);
        Console.WriteLine(Invariant($"all ready in {connected:F0} ms; {readyConversations} conversations in ready frames (expected {conversations}); failures {connectFailures}"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var withAgents = await MemoryAsync(engine, "connected");
        Console.WriteLine($"memory, {settings.Agents} agents connected: {withAgents}");

        // The live phase: the same posts with every agent connected.
        Console.Write(Invariant($"{"live: posts, every agent connected",-44} "));
        var live = await PostPhaseAsync(client, service, sids, "l", engine.Id);
        var liveExpected = live.Accepted.Count;
        await WaitForAsync(() => agents.Sum(a => a.Frames.Count(f => f.Body?.StartsWith('l') == true)) >= liveExpected, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var liveFrames = agents.SelectMany(a => a.Frames).Where(f => f.Body?.StartsWith('l') == true).ToList();
        var firstMeasured = (long)Math.Ceiling(settings.Rate * settings.Warmup.TotalSeconds);
        var measured = liveFrames.Where(f => f.EventType == MessageAdded && Key(f.Body) is { } k && k >= firstMeasured && live.Sent[k] != 0).ToList();
        var endToEnd = Latencies.Of(measured.Select(f => Milliseconds(f.Received - live.Sent[Key(f.Body)!.Value])));
        var afterAnswer = Latencies.Of(measured.Where(f => live.Answered[Key(f.Body)!.Value] != 0).Select(f => Milliseconds(f.Received - live.Answered[Key(f.Body)!.Value])));
        // The slowest 1 % of frames: how much of each was the POST (sent → answered) and how much came after the answer.
        var tail = measured.Where(f => live.Answered[Key(f.Body)!.Value] != 0)
            .Select(f => (Total: Milliseconds(f.Received - live.Sent[Key(f.Body)!.Value]), Post: Milliseconds(live.Answered[Key(f.Body)!.Value] - live.Sent[Key(f.Body)!.Value])))
            .OrderByDescending(t => t.Total).Take(Math.Max(1, measured.Count / 100)).ToList();
        var tailPost = Latencies.Of(tail.Select(t => t.Post));
        var tailAfter = Latencies.Of(tail.Select(t => t.Total - t.Post));
        // When the slow frames came, in seconds since the engine answered /healthz (its hosted services, the live hub's minute timer among them, start then).
        var slowSeconds = measured.Where(f => Milliseconds(f.Received - live.Sent[Key(f.Body)!.Value]) > 50)
            .GroupBy(f => (int)(Milliseconds(live.Sent[Key(f.Body)!.Value] - engineUp) / 1000))
            .OrderBy(g => g.Key).Select(g => Invariant($"{g.Key} s: {g.Count()}")).ToList();
        var tailShare = tail.Sum(t => Math.Min(t.Post, t.Total)) / Math.Max(1e-9, tail.Sum(t => t.Total));
        var fromDate = Latencies.Of(measured.Select(f => (double)(f.ReceivedUnixMs - f.DateUnixMs)));
        var liveSent = SentToAnswered(live);
        var (liveCheck, liveFailed) = Check(agents, live, liveFrames, sids, "live", connection: 1);
        Console.WriteLine(Invariant($"POST {live.Load!.Rate:F0}/s p50 {live.Load.P50:F1} ms p99 {live.Load.P99:F1} ms non-2xx {live.Load.Errors} late {live.Load.Behind}; sent → frame {endToEnd}"));
        Console.WriteLine("  " + liveCheck);

        // Reconnect: every agent dropped, messages posted meanwhile, every agent back with its positions.
        var seen = agents.Select(a => a.Positions).ToArray();
        await Task.WhenAll(agents.Select(a => a.DropAsync()));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var away = new Posts(settings.Away);
        clock.Restart();
        await ParallelAsync(settings.Away, i => PostMessageAsync(client, service, sids, "a", i, away), settings.Connections);
        var awayPosted = clock.Elapsed;
        var perAgent = new int[settings.Agents];
        foreach (var (conversation, _) in away.Accepted.Values)
        {
            perAgent[AgentOf(conversation)]++;
        }

        var remaining = settings.Agents;
        var allCaughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < agents.Length; i++)
        {
            agents[i].AwaitedPrefix = "a";
            agents[i].Await(perAgent[i], () =>
            {
                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    allCaughtUp.TrySetResult();
                }
            });
        }

        Console.Write(Invariant($"{$"reconnect {settings.Agents} agents with positions",-44} "));
        var reconnectStart = Stopwatch.GetTimestamp();
        var reconnectFailures = await ConnectAllAsync(agents, stream, seen);
        await Task.WhenAny(allCaughtUp.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        var caughtUp = allCaughtUp.Task.IsCompleted ? Milliseconds(agents.Max(a => a.CaughtUpAt) - reconnectStart) : double.NaN;
        var reconnectReady = Milliseconds(agents.Max(a => a.ReadyAt) - reconnectStart);
        var caughtUpLatencies = Latencies.Of(agents.Where(a => a.CaughtUpAt != 0).Select(a => Milliseconds(a.CaughtUpAt - reconnectStart)));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var awayFrames = agents.SelectMany(a => a.Frames).Where(f => f.Body?.StartsWith('a') == true).ToList();
        var (resumeCheck, resumeFailed) = CheckResume(agents, seen, away, awayFrames, sids);
        Console.WriteLine(Invariant($"all ready in {reconnectReady:F0} ms, all caught up in {caughtUp:F0} ms; failures {reconnectFailures}"));
        Console.WriteLine("  " + resumeCheck);
        var others = agents.SelectMany(a => a.Others).GroupBy(o => o.Key).Select(g => Invariant($"{g.Key} {g.Sum(o => o.Value)}")).ToList();

        await Task.WhenAll(agents.Select(a => a.CloseAsync()));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await MemoryAsync(engine, "closed");
        Console.WriteLine($"memory, every agent gone again: {after}");

        // The report.
        var heapPer = (withAgents.HeapBytes - none.HeapBytes) / (double)settings.Agents;
        var rssPer = (withAgents.RssBytes - none.RssBytes) / (double)settings.Agents;
        var rate = Invariant($"open {settings.Rate:F0}/s, {settings.Duration.TotalSeconds:F0} s");
        rows.Add(Invariant($"| baseline: POST …/Messages, no agent connected, {rate} | POST latency from the scheduled send (load generator) | {baseline.Load.Rate:F0}/s | p50 {baseline.Load.P50:F1} / p99 {baseline.Load.P99:F1} ms | {baseline.Load.Errors} ({baseline.Load.Behind} late) | 1 |"));
        rows.Add(Invariant($"| ″ | POST sent → answered | | {baselineSent} | | 1 |"));
        rows.Add(Invariant($"| live: POST …/Messages, {settings.Agents} agents connected, {rate} | POST latency from the scheduled send | {live.Load.Rate:F0}/s | p50 {live.Load.P50:F1} / p99 {live.Load.P99:F1} ms | {live.Load.Errors} ({live.Load.Behind} late) | p99 {Ratio(live.Load.P99, baseline.Load.P99)} |"));
        rows.Add(Invariant($"| ″ | POST sent → answered | | {liveSent} | | p99 {Ratio(liveSent.P99, baselineSent.P99)} |"));
        rows.Add(Invariant($"| ″{(liveFailed ? " **(check failed)**" : "")} | **POST sent → onMessageAdded frame read by the agent's client** ({endToEnd.Count} messages) | | **{endToEnd}** | | p99 {Ratio(endToEnd.P99, baselineSent.P99)} of the baseline POST |"));
        rows.Add(Invariant($"| ″ | POST answered → frame read (negative: the frame came first) | | {afterAnswer} | | |"));
        rows.Add(Invariant($"| ″ | the event's `date` (engine clock, ms) → frame read (wall clock) | | {fromDate} | | |"));
        rows.Add(Invariant($"| ″ | the slowest 1 % of frames ({tail.Count}, from {(tail.Count > 0 ? tail[^1].Total : double.NaN):F1} ms): their POST sent → answered | | {tailPost} | | {tailShare:P0} of their time |"));
        rows.Add(Invariant($"| ″ | ″ their POST answered → frame read | | {tailAfter} | | |"));
        rows.Add(Invariant($"| CPU over each post phase (warm-up included) | baseline, no agent | | {baseline.Cpu!.Describe(baseline.Seconds, baseline.Accepted.Count)} | | 1 |"));
        rows.Add(Invariant($"| ″ | live, {settings.Agents} agents | | {live.Cpu!.Describe(live.Seconds, live.Accepted.Count)} | | engine CPU {Ratio(live.Cpu.Engine / live.Accepted.Count, baseline.Cpu.Engine / baseline.Accepted.Count)} |"));
        rows.Add(Invariant($"| first connect, {settings.Agents} agents ({settings.ConnectParallel} at a time) | connect + hello → ready, per agent | | {readyLatencies} | {connectFailures} | |"));
        rows.Add(Invariant($"| ″ | all {settings.Agents} ready | | {connected:F0} ms | | 1 |"));
        rows.Add(Invariant($"| reconnect with positions, {settings.Agents} agents, {away.Accepted.Count} messages missed{(resumeFailed ? " **(check failed)**" : "")} | all ready | | {reconnectReady:F0} ms | {reconnectFailures} | {Ratio(reconnectReady, connected)} |"));
        rows.Add(Invariant($"| ″ | **all caught up** (every missed onMessageAdded read), per agent | | {caughtUpLatencies} | | |"));
        rows.Add(Invariant($"| ″ | **all caught up**, the last agent | | **{caughtUp:F0} ms** | | {Ratio(caughtUp, connected)} of the first connect |"));
        rows.Add(Invariant($"| memory, engine process, after a full GC | no agent connected ({conversations} conversations, {baseline.Accepted.Count} messages posted) | | {none} | | |"));
        rows.Add(Invariant($"| ″ | {settings.Agents} agents connected | | {withAgents} | | |"));
        rows.Add(Invariant($"| ″ | **per connected agent** ((connected − none) / {settings.Agents}) | | **managed heap {heapPer / 1024:F1} KiB, working set {rssPer / 1024:F1} KiB** | | |"));
        rows.Add(Invariant($"| ″ | every agent gone again (after the reconnect phase) | | {after} | | |"));

        notes.Add("live: " + liveCheck);
        notes.Add(Invariant($"live: frames slower than 50 ms (POST sent → frame read) by the second their POST was sent, counted from the engine's /healthz answer (its hosted services start then, and the live hub's refresh runs every minute after): {(slowSeconds.Count == 0 ? "none" : string.Join(", ", slowSeconds))}."));
        notes.Add("reconnect: " + resumeCheck);
        notes.Add(Invariant($"reconnect: {away.Accepted.Count} of {settings.Away} messages accepted while every agent was away, posted in {awayPosted.TotalSeconds:F1} s ({settings.Connections} connections, as fast as answered) after every socket was aborted (no close handshake) and 2 s for the engine to notice."));
        notes.Add("frames other than ready/event: " + (others.Count == 0 ? "none" : string.Join(", ", others)) + ".");

        var report = Report(machine, await LimitsRun.LoadAsync());
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(settings.Output)!);
        await File.WriteAllTextAsync(settings.Output, report);
        Console.WriteLine($"written to {settings.Output}");
        if (settings.Keep)
        {
            Console.WriteLine($"engine log: {engine.LogPath}");
        }
    }

    private int AgentOf(int conversation) => conversation / settings.PerAgent;

    /// <summary>Message i goes to conversation (i × 7919) mod n: consecutive messages to different agents, every conversation in turn.</summary>
    private static int ConversationOf(long sequence, int count) => (int)(sequence * 7919 % count);

    private static long? Key(string? body)
    {
        if (body is null || body.Length < 2)
        {
            return null;
        }

        var space = body.IndexOf(' ', StringComparison.Ordinal);
        return long.TryParse(body.AsSpan(1, (space < 0 ? body.Length : space) - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var key) ? key : null;
    }

    private static Latencies SentToAnswered(Posts posts) =>
        Latencies.Of(Enumerable.Range(0, posts.Sent.Length).Where(i => posts.Sent[i] != 0 && posts.Answered[i] != 0).Select(i => Milliseconds(posts.Answered[i] - posts.Sent[i])));

    private async Task<Posts> PostPhaseAsync(HttpClient client, string service, string[] sids, string prefix, int engine)
    {
        var posts = new Posts((int)Math.Ceiling(settings.Rate * (settings.Warmup + settings.Duration).TotalSeconds) + settings.Connections + 1);
        var before = await Cpu.ReadAsync(engine);
        var clock = Stopwatch.StartNew();
        posts.Load = await LoadGenerator.OpenAsync(settings.Connections, settings.Rate, settings.Warmup, settings.Duration, async (_, sequence) =>
            (await PostMessageAsync(client, service, sids, prefix, sequence, posts)).Sid is not null);
        posts.Seconds = clock.Elapsed.TotalSeconds;
        posts.Cpu = await Cpu.ReadAsync(engine) - before;
        return posts;
    }

    private static async Task<(string? Sid, long Sent, long Answered)> PostMessageAsync(HttpClient client, string service, string[] sids, string prefix, long sequence, Posts posts)
    {
        var conversation = ConversationOf(sequence, sids.Length);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v1/Services/{service}/Conversations/{sids[conversation]}/Messages", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Author"] = "customer",
                ["Body"] = prefix + sequence.ToString(CultureInfo.InvariantCulture) + " Your order has shipped and arrives on Tuesday between 9 and 11.",
            }),
        };
        var sent = Stopwatch.GetTimestamp();
        posts.Sent[sequence] = sent;
        using var answer = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var answered = Stopwatch.GetTimestamp();
        var body = await answer.Content.ReadAsByteArrayAsync();
        if (!answer.IsSuccessStatusCode)
        {
            return (null, sent, answered);
        }

        posts.Answered[sequence] = answered;
        using var json = JsonDocument.Parse(body);
        var sid = json.RootElement.GetProperty("sid").GetString()!;
        posts.Accepted[sid] = (conversation, sequence);
        return (sid, sent, answered);
    }

    /// <summary>Connects every agent (resuming from <paramref name="resume"/> when given), --connect-parallel at a time, each until its ready; the failures.</summary>
    private async Task<int> ConnectAllAsync(LiveAgent[] agents, Uri stream, Dictionary<string, long>[]? resume)
    {
        var failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, agents.Length), new ParallelOptions { MaxDegreeOfParallelism = settings.ConnectParallel }, async (i, _) =>
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await agents[i].ConnectAsync(stream, resume?[i], timeout.Token);
                    await agents[i].Ready.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
                    return;
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or TimeoutException)
                {
                    Interlocked.Increment(ref failures);
                    await agents[i].DropAsync();
                }
            }
        });
        return failures;
    }

    /// <summary>
    /// Every accepted message's onMessageAdded reached its agent exactly once, nothing else
    /// arrived, and each agent's events of each conversation came gapless and in order after the
    /// position its ready gave.
    /// </summary>
    private static (string Check, bool Failed) Check(LiveAgent[] agents, Posts posts, List<LiveFrame> phaseFrames, string[] sids, string phase, int connection)
    {
        var bySid = phaseFrames.Where(f => f.MessageSid is not null).GroupBy(f => f.MessageSid!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var missing = posts.Accepted.Keys.Count(sid => !bySid.ContainsKey(sid));
        var duplicates = bySid.Values.Sum(c => c - 1);
        var unasked = bySid.Keys.Count(sid => !posts.Accepted.ContainsKey(sid));
        var wrongAgent = phaseFrames.Count(f => f.MessageSid is not null && posts.Accepted.TryGetValue(f.MessageSid, out var a) && sids[a.Conversation] != f.ConversationSid);
        var otherTypes = agents.Sum(a => a.Frames.Count(f => f.EventType != MessageAdded));
        var (streams, gapless) = Sequences(agents, connection);
        var ok = missing == 0 && duplicates == 0 && unasked == 0 && wrongAgent == 0 && otherTypes == 0 && gapless == streams;
        return (Invariant(
            $"{phase} check {(ok ? "OK" : "FAILED")}: {posts.Accepted.Count} posts answered 2xx = events expected, {phaseFrames.Count} onMessageAdded frames received, {bySid.Count} distinct messages; {missing} missing, {duplicates} duplicates, {unasked} for messages not answered 2xx, {wrongAgent} in the wrong conversation, {otherTypes} events of other types; sequences gapless and in order after the ready position in {gapless} of {streams} (agent, conversation) streams."), !ok);
    }

    /// <summary>After the reconnect: exactly the messages missed, once each, each stream resuming at its position + 1.</summary>
    private static (string Check, bool Failed) CheckResume(LiveAgent[] agents, Dictionary<string, long>[] seen, Posts away, List<LiveFrame> awayFrames, string[] sids)
    {
        var (check, failed) = Check(agents, away, awayFrames, sids, "resume", connection: 2);
        var readyMatches = agents.Select((a, i) => a.ReadyPositions.Count == seen[i].Count && seen[i].All(p => a.ReadyPositions.TryGetValue(p.Key, out var r) && r == p.Value)).Count(m => m);
        var repeated = agents.Select((a, i) => a.Frames.Count(f => f.Connection == 2 && seen[i].TryGetValue(f.ConversationSid, out var p) && f.Sequence <= p)).Sum();
        var ok = !failed && readyMatches == agents.Length && repeated == 0;
        return (check + Invariant($" Ready gave back exactly the positions sent for {readyMatches} of {agents.Length} agents; {repeated} frames at or before a given position."), !ok);
    }

    /// <summary>
    /// The (agent, conversation) streams of the given connection (1: the first, 2: the reconnect),
    /// and how many of them start at the position that connection's ready gave + 1 and go on
    /// without a gap or a repeat, in arrival order.
    /// </summary>
    private static (int Streams, int Gapless) Sequences(LiveAgent[] agents, int connection)
    {
        var streams = 0;
        var gapless = 0;
        foreach (var agent in agents)
        {
            foreach (var group in agent.Frames.Where(f => f.Connection == connection).GroupBy(f => f.ConversationSid, StringComparer.Ordinal))
            {
                streams++;
                var sequences = group.Select(f => f.Sequence).ToList();
                if (agent.ReadyPositions.TryGetValue(group.Key, out var start) && sequences[0] == start + 1
                    && sequences.Zip(sequences.Skip(1)).All(p => p.Second == p.First + 1))
                {
                    gapless++;
                }
            }
        }

        return (streams, gapless);
    }

    /// <summary>The engine's managed heap after a full blocking GC (dotnet-gcdump, which induces one) and its working set (VmRSS) right after.</summary>
    private async Task<Memory> MemoryAsync(ChildProcess engine, string label)
    {
        var dump = Path.Combine(scratch, label + ".gcdump");
        long heap = -1;
        if (await RunAsync("dotnet-gcdump", ["collect", "-p", engine.Id.ToString(CultureInfo.InvariantCulture), "-o", dump]) is not null)
        {
            var report = await RunAsync("dotnet-gcdump", ["report", dump]);
            var line = report?.Split('\n').FirstOrDefault(l => l.Contains("GC Heap bytes", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line.Trim().Split(' ', 2)[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var bytes))
            {
                heap = bytes;
            }
        }

        var status = await File.ReadAllLinesAsync($"/proc/{engine.Id}/status");
        var rss = status.Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024).FirstOrDefault(-1);
        return new Memory(heap, rss);
    }

    private static async Task<string?> RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await error}");
                return null;
            }

            return await output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine($"{file} not found (dotnet tool install -g dotnet-gcdump): managed heap not measured");
            return null;
        }
    }

    private static async Task WaitForAsync(Func<bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < limit)
        {
            await Task.Delay(100);
        }
    }

    private static Task ParallelAsync(int count, Func<int, Task> body, int parallel = 16) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) => await body(i));

    private static async Task<string> CreateAsync(HttpClient client, string path, (string Key, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        using var answer = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)answer.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    private static HttpClient Client(Uri baseAddress, int connections) => Limits.LimitsRun.Client(baseAddress, connections, Account, AuthToken);

    private static string Ratio(double value, double baseline) => double.IsFinite(value) && baseline > 0 ? Invariant($"{value / baseline:F2}") : "—";

    private string Report(string machine, string loadAtEnd)
    {
        var text = new StringBuilder();
        text.AppendLine("# ConversationEngine live stream under load").AppendLine();
        text.AppendLine(machine + "; at end " + loadAtEnd + ".").AppendLine();
        text.AppendLine(Invariant(
            $"One engine process (the Release front end, SQLite in a fresh data directory, an API key for the tokens); {settings.Agents} agents, each a user of one service with its own Access Token (Twilio's C# library) and the chat participant of {settings.PerAgent} conversations ({settings.Agents * settings.PerAgent} conversations, one agent each), each a ClientWebSocket in the bench process on loopback reading every frame as it comes. Messages are posted as the account (`POST /v1/Services/IS…/Conversations/CH…/Messages`, Author=customer) over {settings.Connections} pooled HTTP connections, open loop at {settings.Rate:F0}/s ({settings.Warmup.TotalSeconds:F0} s warm-up then {settings.Duration.TotalSeconds:F0} s measured), message i to conversation (i × 7919) mod {settings.Agents * settings.PerAgent}. The baseline is the same posts on the same engine before any agent connected. 'POST sent' is the Stopwatch just before the request is handed to HttpClient; 'frame read' is the same process's Stopwatch when the client's ReceiveAsync returned the frame's last byte: the figure includes the HTTP request, the append and its commit, the grain hint to the front end, the feed read, the WebSocket send and the client's receive, on the machine's cores, which the bench's {settings.Agents} clients and load generator share with the engine. Ratio column: against the baseline row named (latency ratios: higher is slower). Memory: `dotnet-gcdump` (which induces a full blocking GC) for the live managed heap, then VmRSS from /proc."));
        text.AppendLine();
        text.AppendLine("| phase | measured | rate | latency / figure | non-2xx or failures (late) | ratio |");
        text.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }

        text.AppendLine();
        foreach (var note in notes)
        {
            text.AppendLine("- " + note);
        }

        return text.ToString();
    }

    private static double Milliseconds(long ticks) => LoadGenerator.Milliseconds(ticks);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private sealed record Settings(
        int Agents,
        int PerAgent,
        double Rate,
        TimeSpan Warmup,
        TimeSpan Duration,
        int Connections,
        int Away,
        int ConnectParallel,
        string ApiDll,
        string Output,
        bool Keep)
    {
        public static Settings Parse(string[] args)
        {
            var arguments = new BenchArguments(args);
            var agents = (int)arguments.Number("--agents", 1000);
            return new Settings(
                agents,
                (int)arguments.Number("--per-agent", 5),
                arguments.Number("--rate", 200),
                TimeSpan.FromSeconds(arguments.Number("--warmup", 5)),
                TimeSpan.FromSeconds(arguments.Number("--duration", 60)),
                (int)arguments.Number("--connections", 16),
                (int)arguments.Number("--away", 5000),
                (int)arguments.Number("--connect-parallel", 64),
                arguments.ApiDll,
                arguments.Output("live"),
                args.Contains("--keep"));
        }
    }
}
