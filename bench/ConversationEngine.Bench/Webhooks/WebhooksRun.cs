using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ConversationEngine.Bench.Limits;
using Npgsql;

namespace ConversationEngine.Bench.Webhooks;

/// <summary>
/// Conversations webhooks under load, in one run, each phase on a fresh engine process (the Release
/// front end) delivering to a receiver in this process on loopback: post-event delivery throughput
/// with every event checked (once per idempotency token, in index order per conversation); message
/// accepted → webhook received at a fixed rate; what a configured post-event webhook adds to
/// <c>POST …/Messages</c> (nothing, if delivery is truly asynchronous); what a pre-action hook adds
/// beyond its own time.
/// </summary>
internal sealed class WebhooksRun
{
    private const string Account = "AC7e6b00c0ffee7e6b00c0ffee7e6b00c0";
    private const string Token = "7e6b00c0ffee7e6b00c0ffee7e6b00c0";
    private const int Conversations = 100;
    private const string MessageAdded = "onMessageAdded";
    private const string MessageAdd = "onMessageAdd";

    private readonly Settings settings;
    private readonly string scratch = Directory.CreateTempSubdirectory("engine-webhooks-").FullName;
    private readonly List<string> rows = [];
    private readonly List<string> notes = [];
    private TimedReceiver receiver = null!;

    private WebhooksRun(Settings settings) => this.settings = settings;

    /// <summary>What one open-loop phase measured: POST latency, and (with a post-event webhook) accepted → received.</summary>
    /// <param name="Service">Measured creates by sequence: sent → answer's headers, in milliseconds (no queueing behind the schedule).</param>
    private sealed record OpenPhase(CellResult Post, IReadOnlyDictionary<long, double> Service, Latencies? EndToEnd, string? Check, bool Failed, long LogLines);

    private sealed record Latencies(int Count, double P50, double P99, double Max, double Min, double Negative)
    {
        public static Latencies Of(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0
                ? new Latencies(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
                : new Latencies(sorted.Length, LoadGenerator.Percentile(sorted, 0.5), LoadGenerator.Percentile(sorted, 0.99), sorted[^1], sorted[0], sorted.Count(v => v < 0) / (double)sorted.Length);
        }
    }

    public static async Task RunAsync(string[] args)
    {
        var settings = Settings.Parse(args);
        var run = new WebhooksRun(settings);
        await BenchArguments.RunAsync(settings.ApiDll, settings.Keep, run.scratch, run.MeasureAsync);
    }

    private async Task MeasureAsync()
    {
        var machine = await LimitsRun.MachineAsync();
        Console.WriteLine(machine);
        Console.WriteLine(Invariant($"store {Store}; closed loop {settings.Connections} connections, {settings.Warmup.TotalSeconds:F0} s warm-up + {settings.Duration.TotalSeconds:F0} s; open loop {settings.Rate:F0}/s, {settings.Warmup.TotalSeconds:F0} s warm-up + {settings.OpenDuration.TotalSeconds:F0} s; pre-action hook answers after {settings.HookDelay.TotalMilliseconds:F0} ms"));
        await using (receiver = await TimedReceiver.StartAsync(settings.HookDelay))
        {
            await ThroughputAsync();
            await BareThroughputAsync();
            var none = await OpenAsync("none", configure: null);
            var post = await OpenAsync("post", configure: [("PostWebhookUrl", receiver.Url("/post/latency")), ("Filters", MessageAdded)]);
            var pre = await OpenAsync("pre", configure: [("PreWebhookUrl", receiver.Url("/pre")), ("Filters", MessageAdd)]);
            Compare(none, post, pre);
        }

        var report = Report(machine, await LimitsRun.LoadAsync());
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(settings.Output)!);
        await File.WriteAllTextAsync(settings.Output, report);
        Console.WriteLine($"written to {settings.Output}");
    }

    private string Store => settings.Postgres is null ? "SQLite" : "PostgreSQL";

    /// <summary>
    /// 1. Messages created as fast as the connections can over 100 conversations with an account
    /// post-event webhook for onMessageAdded; creates/s, webhooks delivered/s in the same window,
    /// the drain after the last create, and every accepted message's event checked.
    /// </summary>
    private async Task ThroughputAsync()
    {
        const string Phase = "throughput";
        Console.Write(Invariant($"{"post-event webhook, closed " + settings.Connections.ToString(CultureInfo.InvariantCulture),-44} "));
        await using var engine = await EngineAsync(Phase);
        using var client = Client(engine.Process.BaseAddress, settings.Connections);
        var sids = await CreateConversationsAsync(client);
        await ConfigureAsync(client, [("PostWebhookUrl", receiver.Url("/post/" + Phase)), ("Filters", MessageAdded)]);

        var accepted = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long lastAnswer = 0;
        var measureFrom = Stopwatch.GetTimestamp() + Ticks(settings.Warmup);
        var end = measureFrom + Ticks(settings.Duration);
        var creates = await LoadGenerator.ClosedAsync(settings.Connections, settings.Warmup, settings.Duration, async (_, sequence) =>
        {
            var (sid, answered, _) = await CreateMessageAsync(client, sids, sequence);
            if (sid is null)
            {
                return false;
            }

            accepted[sid] = answered;
            InterlockedMax(ref lastAnswer, answered);
            return true;
        });

        await receiver.WaitForAsync(Phase, accepted.Count, settings.Quiet, settings.DrainLimit);
        var deliveries = receiver.Deliveries(Phase);
        var (check, failed) = Check(deliveries, accepted.Keys);
        var inWindow = deliveries.Count(d => d.Received >= measureFrom && d.Received < end);
        var lastArrival = deliveries.Count == 0 ? 0 : deliveries.Max(d => d.Received);
        var firstAnswer = accepted.IsEmpty ? 0 : accepted.Values.Min();
        var drain = Milliseconds(lastArrival - lastAnswer);
        var overall = deliveries.Count / Math.Max(1e-3, Milliseconds(lastArrival - firstAnswer) / 1000);
        var logLines = await engine.LogLinesAsync();
        Console.WriteLine(Invariant($"creates {creates.Rate:F0}/s (p50 {creates.P50:F1} ms, p99 {creates.P99:F1} ms, non-2xx {creates.Errors}), delivered {inWindow / settings.Duration.TotalSeconds:F0}/s in the same window, drain {drain:F0} ms; {check}"));

        rows.Add(Invariant($"| 1. post-event delivery, 100 conversations, closed {settings.Connections}{(failed ? " **(check failed)**" : "")} | creates | {creates.Rate:F0}/s | p50 {creates.P50:F1} / p99 {creates.P99:F1} ms (POST) | {creates.Errors} |"));
        rows.Add(Invariant($"| ″ | webhooks delivered (same {settings.Duration.TotalSeconds:F0} s window) | {inWindow / settings.Duration.TotalSeconds:F0}/s | | |"));
        rows.Add(Invariant($"| ″ | webhooks delivered, first create → last webhook ({deliveries.Count} in all) | {overall:F0}/s | | |"));
        rows.Add(Invariant($"| ″ | drain: last create answered → last webhook received | {drain:F0} ms | | |"));
        notes.Add("1. " + check);
        notes.Add(Invariant($"1. engine log: {logLines} lines for {deliveries.Count} webhooks (the front end's default logging, written to a file)."));
    }

    /// <summary>For reference: the same closed loop on a fresh engine with no webhook configured.</summary>
    private async Task BareThroughputAsync()
    {
        Console.Write(Invariant($"{"no webhook, closed " + settings.Connections.ToString(CultureInfo.InvariantCulture),-44} "));
        await using var engine = await EngineAsync("bare");
        using var client = Client(engine.Process.BaseAddress, settings.Connections);
        var sids = await CreateConversationsAsync(client);
        var creates = await LoadGenerator.ClosedAsync(settings.Connections, settings.Warmup, settings.Duration, async (_, sequence) =>
            (await CreateMessageAsync(client, sids, sequence)).Sid is not null);
        Console.WriteLine(Invariant($"creates {creates.Rate:F0}/s (p50 {creates.P50:F1} ms, p99 {creates.P99:F1} ms, non-2xx {creates.Errors})"));
        rows.Add(Invariant($"| ″ (reference: same closed loop, no webhook configured) | creates | {creates.Rate:F0}/s | p50 {creates.P50:F1} / p99 {creates.P99:F1} ms (POST) | {creates.Errors} |"));
    }

    /// <summary>
    /// An open-loop phase at the fixed rate on a fresh engine with the given account webhook
    /// configuration (none: no configuration at all); every create carries
    /// <c>X-Twilio-Webhook-Enabled: true</c> in every phase, so the hook configuration is the only difference.
    /// </summary>
    private async Task<OpenPhase> OpenAsync(string phase, (string Key, string Value)[]? configure)
    {
        Console.Write(Invariant($"{$"open {settings.Rate:F0}/s, webhook: {phase}",-44} "));
        await using var engine = await EngineAsync(phase);
        using var client = Client(engine.Process.BaseAddress, settings.Connections);
        var sids = await CreateConversationsAsync(client);
        if (configure is not null)
        {
            await ConfigureAsync(client, configure);
        }

        var firstMeasured = (long)Math.Ceiling(settings.Rate * settings.Warmup.TotalSeconds);
        var accepted = new ConcurrentDictionary<string, (long Sequence, long Answered)>(StringComparer.Ordinal);
        var service = new ConcurrentDictionary<long, double>();
        var result = await LoadGenerator.OpenAsync(settings.Connections, settings.Rate, settings.Warmup, settings.OpenDuration, async (_, sequence) =>
        {
            var (sid, answered, milliseconds) = await CreateMessageAsync(client, sids, sequence);
            if (sid is null)
            {
                return false;
            }

            accepted[sid] = (sequence, answered);
            if (sequence >= firstMeasured)
            {
                service[sequence] = milliseconds;
            }

            return true;
        });

        Latencies? endToEnd = null;
        string? check = null;
        var failed = result.Errors > 0;
        if (phase == "post")
        {
            await receiver.WaitForAsync("latency", accepted.Count, settings.Quiet, settings.DrainLimit);
            var deliveries = receiver.Deliveries("latency");
            (check, var wrong) = Check(deliveries, accepted.Keys);
            failed |= wrong;
            endToEnd = Latencies.Of(deliveries
                .Where(d => d.EventType == MessageAdded && accepted.TryGetValue(d.MessageSid, out var a) && a.Sequence >= firstMeasured)
                .GroupBy(d => d.Token, StringComparer.Ordinal)
                .Select(g => Milliseconds(g.Min(d => d.Received) - accepted[g.First().MessageSid].Answered)));
        }

        var logLines = await engine.LogLinesAsync();
        Console.WriteLine(Invariant($"POST p50 {result.P50:F2} ms  p99 {result.P99:F2} ms  {result.Rate:F0}/s  n {result.Count}  non-2xx {result.Errors}  late {result.Behind}")
            + (endToEnd is { } e ? Invariant($"; accepted → received p50 {e.P50:F2} ms  p99 {e.P99:F2} ms  max {e.Max:F2} ms; {check}") : ""));
        if (result.Errors > 0)
        {
            Console.WriteLine($"  engine log tail ({engine.Process.LogPath}):{Environment.NewLine}{ChildProcess.Tail(engine.Process.LogPath)}");
        }

        return new OpenPhase(result, service, endToEnd, check, failed, logLines);
    }

    /// <summary>2., 3. and 4. as rows: the open-loop phases side by side.</summary>
    private void Compare(OpenPhase none, OpenPhase post, OpenPhase pre)
    {
        var rate = Invariant($"open {settings.Rate:F0}/s, {settings.OpenDuration.TotalSeconds:F0} s");
        if (post.EndToEnd is { } e)
        {
            rows.Add(Invariant($"| 2. end to end, {rate}{(post.Failed ? " **(check failed)**" : "")} | POST answered → receiver has the webhook ({e.Count} messages) | | p50 {e.P50:F1} / p99 {e.P99:F1} / max {e.Max:F1} ms | {post.Post.Errors} |"));
            notes.Add("2. " + post.Check);
            notes.Add(Invariant($"2. accepted = the POST's answer headers reached the load generator; received = the webhook request reached the receiver (same process, same clock). {e.Negative:P0} of the webhooks arrived before the answer to their own POST (shortest {e.Min:F1} ms): the engine sends the webhook as it answers the POST."));
        }

        rows.Add(Invariant($"| 3. POST …/Messages, {rate} | no webhook configured | {none.Post.Rate:F0}/s | p50 {none.Post.P50:F1} / p99 {none.Post.P99:F1} ms | {none.Post.Errors} ({none.Post.Behind} late) |"));
        rows.Add(Invariant($"| ″ | post-event webhook (onMessageAdded) configured | {post.Post.Rate:F0}/s | p50 {post.Post.P50:F1} / p99 {post.Post.P99:F1} ms | {post.Post.Errors} ({post.Post.Behind} late) |"));
        rows.Add(Invariant($"| ″ | added by the post-event webhook | | p50 {post.Post.P50 - none.Post.P50:+0.0;-0.0} / p99 {post.Post.P99 - none.Post.P99:+0.0;-0.0} ms | |"));

        var hook = settings.HookDelay.TotalMilliseconds;
        var holds = receiver.Holds.Values.Order().ToArray();
        var bare = Latencies.Of(none.Service.Values);
        var beyond = Latencies.Of(pre.Service.Where(s => receiver.Holds.ContainsKey(s.Key)).Select(s => s.Value - receiver.Holds[s.Key]));
        rows.Add(Invariant($"| 4. POST …/Messages, {rate} | pre-action hook (onMessageAdd) answering {{}} after {hook:F0} ms | {pre.Post.Rate:F0}/s | p50 {pre.Post.P50:F1} / p99 {pre.Post.P99:F1} ms | {pre.Post.Errors} ({pre.Post.Behind} late) |"));
        rows.Add(Invariant($"| ″ | POST minus the hook's {hook:F0} ms | | p50 {pre.Post.P50 - hook:F1} / p99 {pre.Post.P99 - hook:F1} ms | |"));
        rows.Add(Invariant($"| ″ | added beyond the hook's {hook:F0} ms, against no hook | | p50 {pre.Post.P50 - hook - none.Post.P50:+0.0;-0.0} / p99 {pre.Post.P99 - hook - none.Post.P99:+0.0;-0.0} ms | |"));
        rows.Add(Invariant($"| ″ | per request: sent → answered minus the receiver's measured hold of its hook call ({beyond.Count} matched) | | p50 {beyond.P50:F1} / p99 {beyond.P99:F1} ms | |"));
        rows.Add(Invariant($"| ″ | per request, no hook: sent → answered | | p50 {bare.P50:F1} / p99 {bare.P99:F1} ms | |"));
        if (holds.Length > 0)
        {
            notes.Add(Invariant($"4. the receiver held each of the {holds.Length} pre-action calls (arrival → answer written) p50 {LoadGenerator.Percentile(holds, 0.5):F1} / p99 {LoadGenerator.Percentile(holds, 0.99):F1} ms: Task.Delay's overshoot beyond {hook:F0} ms is in \"POST minus the hook\"."));
        }

        notes.Add(Invariant($"3./4. engine log lines in the open-loop phases: {none.LogLines} (no webhook), {post.LogLines} (post-event), {pre.LogLines} (pre-action), for {none.Post.Count + (long)Math.Ceiling(settings.Rate * settings.Warmup.TotalSeconds)} creates each. The front end's default logging keeps IHttpClientFactory's request logging (System.Net.Http.HttpClient.WebhookClient.*) at Information: four entries (eight lines) per webhook sent, and PreActionHook adds one entry per pre-action call; measured as shipped."));
    }

    /// <summary>
    /// Every accepted message's onMessageAdded arrived once per idempotency token, nothing else
    /// arrived, and each conversation's events arrived in index order from 0 without gaps.
    /// </summary>
    private static (string Check, bool Failed) Check(IReadOnlyList<Delivery> deliveries, ICollection<string> accepted)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        var repeated = deliveries.Count(d => !tokens.Add(d.Token));
        var firsts = deliveries.GroupBy(d => d.Token, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var wrongType = firsts.Count(d => d.EventType != MessageAdded);
        var delivered = firsts.Select(d => d.MessageSid).ToHashSet(StringComparer.Ordinal);
        var missing = accepted.Count(sid => !delivered.Contains(sid));
        var unasked = delivered.Count(sid => !accepted.Contains(sid));
        var sidsTwice = firsts.Count - delivered.Count;
        var conversations = firsts.GroupBy(d => d.ConversationSid, StringComparer.Ordinal).ToList();
        var ordered = conversations.Count(g => g.Select(d => d.Index).SequenceEqual(Enumerable.Range(0, g.Count()).Select(i => (long)i)));
        var ok = repeated == 0 && wrongType == 0 && missing == 0 && unasked == 0 && sidsTwice == 0 && ordered == conversations.Count && conversations.Count > 0;
        return (Invariant(
            $"delivery check {(ok ? "OK" : "FAILED")}: {accepted.Count} creates answered 2xx, {deliveries.Count} webhooks received, {firsts.Count} distinct idempotency tokens ({repeated} repeated), {missing} accepted messages without their onMessageAdded, {unasked} for messages not answered 2xx, {sidsTwice} messages under two tokens, {wrongType} other event types; index order 0..n-1 in arrival order in {ordered} of {conversations.Count} conversations."), !ok);
    }

    private sealed class Engine(ChildProcess process, string? database, WebhooksRun run) : IAsyncDisposable
    {
        public ChildProcess Process => process;

        public async Task<long> LogLinesAsync()
        {
            await Task.Delay(200);
            try
            {
                using var stream = new FileStream(process.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                long lines = 0;
                while (await reader.ReadLineAsync() is not null)
                {
                    lines++;
                }

                return lines;
            }
            catch (IOException)
            {
                return -1;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await process.DisposeAsync();
            if (database is not null)
            {
                await BenchDatabase.DropAsync(run.settings.Postgres!, database);
            }
        }
    }

    /// <summary>A fresh engine: the Release front end in a process of its own on a new data directory (and a new database on PostgreSQL).</summary>
    private async Task<Engine> EngineAsync(string phase)
    {
        BenchDatabase? database = settings.Postgres is null ? null : await BenchDatabase.CreateAsync(settings.Postgres, "webhooks");
        var data = Directory.CreateDirectory(Path.Combine(scratch, Invariant($"engine-{phase}-{Guid.NewGuid():N}"))).FullName;
        var url = new Uri(Invariant($"http://127.0.0.1:{ChildProcess.FreePort()}"));
        var args = BenchArguments.EngineProcess(url, data, Account, Token, database?.ConnectionString);

        try
        {
            return new Engine(await ChildProcess.StartAsync(settings.ApiDll, args, url, Path.Combine(data, "engine.log")), database?.Name, this);
        }
        catch
        {
            if (database is not null)
            {
                await BenchDatabase.DropAsync(settings.Postgres!, database.Name);
            }

            throw;
        }
    }

    private static async Task<string[]> CreateConversationsAsync(HttpClient client)
    {
        var sids = new string[Conversations];
        await Parallel.ForEachAsync(Enumerable.Range(0, Conversations), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/Conversations", UriKind.Relative))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["FriendlyName"] = "webhooks bench" }),
            };
            // Set-up is not measured: no webhooks for it (a header on the request wins over the client's default).
            request.Headers.Add("X-Twilio-Webhook-Enabled", "false");
            using var answer = await client.SendAsync(request, cancellationToken);
            answer.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken));
            sids[i] = json.RootElement.GetProperty("sid").GetString()!;
        });
        return sids;
    }

    /// <summary>The account's webhook configuration (<c>POST /v1/Configuration/Webhooks</c>, Target=webhook, Method=POST).</summary>
    private static async Task ConfigureAsync(HttpClient client, (string Key, string Value)[] settings)
    {
        var form = new List<KeyValuePair<string, string>> { new("Target", "webhook"), new("Method", "POST") };
        form.AddRange(settings.Select(s => new KeyValuePair<string, string>(s.Key, s.Value)));
        using var content = new FormUrlEncodedContent(form);
        using var answer = await client.PostAsync(new Uri("/v1/Configuration/Webhooks", UriKind.Relative), content);
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /v1/Configuration/Webhooks answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// One message create: the new message's sid when the engine answered 2xx (else null), the
    /// <see cref="Stopwatch"/> timestamp when the answer's headers arrived, and the time from sending.
    /// </summary>
    private static async Task<(string? Sid, long Answered, double Milliseconds)> CreateMessageAsync(HttpClient client, string[] sids, long sequence)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v1/Conversations/{sids[(int)(sequence % sids.Length)]}/Messages", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Author"] = "agent-7",
                ["Body"] = "Your order #" + sequence.ToString(CultureInfo.InvariantCulture) + " has shipped and arrives on Tuesday between 9 and 11.",
            }),
        };
        var sent = Stopwatch.GetTimestamp();
        using var answer = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var answered = Stopwatch.GetTimestamp();
        var body = await answer.Content.ReadAsByteArrayAsync();
        if (!answer.IsSuccessStatusCode)
        {
            return (null, answered, Milliseconds(answered - sent));
        }

        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("sid").GetString(), answered, Milliseconds(answered - sent));
    }

    /// <summary>One pooled client per phase, HTTP Basic as the account, every write with <c>X-Twilio-Webhook-Enabled: true</c>.</summary>
    private static HttpClient Client(Uri baseAddress, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
        };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(Account + ":" + Token)));
        client.DefaultRequestHeaders.Add("X-Twilio-Webhook-Enabled", "true");
        return client;
    }

    private string Report(string machine, string loadAtEnd)
    {
        var text = new StringBuilder();
        text.AppendLine("# ConversationEngine webhooks under load").AppendLine();
        text.AppendLine(machine + "; at end " + loadAtEnd + ".").AppendLine();
        text.AppendLine(Invariant(
            $"Store: {Store}. Each numbered phase on a fresh engine process (the Release front end) with 100 conversations; webhooks go to a Kestrel receiver in the bench process on loopback that answers 200 at once and timestamps each request on arrival. Every create carries `X-Twilio-Webhook-Enabled: true` in every phase. Webhooks are configured on the account (`POST /v1/Configuration/Webhooks`, Target=webhook, Method=POST). Closed loop: {settings.Connections} connections, {settings.Warmup.TotalSeconds:F0} s warm-up then {settings.Duration.TotalSeconds:F0} s measured. Open loop: {settings.Rate:F0} creates/s over {settings.Connections} connections, {settings.Warmup.TotalSeconds:F0} s warm-up then {settings.OpenDuration.TotalSeconds:F0} s measured, POST latency from the scheduled send time (coordinated omission corrected); 'late' counts requests that left more than {LoadGenerator.Late.TotalMilliseconds:F0} ms behind schedule. The load generator, the receiver and the engine share the machine's cores: a load average above the core count means other work shared it too, so compare the rows of one run, not runs."));
        text.AppendLine();
        text.AppendLine("| phase | measured | rate | latency | non-2xx (late) |");
        text.AppendLine("|---|---|---:|---:|---:|");
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

    private static long Ticks(TimeSpan span) => LoadGenerator.Ticks(span);

    private static double Milliseconds(long ticks) => LoadGenerator.Milliseconds(ticks);

    private static void InterlockedMax(ref long target, long value) => LoadGenerator.InterlockedMax(ref target, value);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private sealed record Settings(
        TimeSpan Warmup,
        TimeSpan Duration,
        TimeSpan OpenDuration,
        int Connections,
        double Rate,
        TimeSpan HookDelay,
        TimeSpan Quiet,
        TimeSpan DrainLimit,
        string? Postgres,
        string ApiDll,
        string Output,
        bool Keep)
    {
        public static Settings Parse(string[] args)
        {
            var arguments = new BenchArguments(args);
            double Number(string name, double fallback) => arguments.Number(name, fallback);
            return new Settings(
                TimeSpan.FromSeconds(Number("--warmup", 5)),
                TimeSpan.FromSeconds(Number("--duration", 10)),
                TimeSpan.FromSeconds(Number("--open-duration", 15)),
                (int)Number("--connections", 16),
                Number("--rate", 200),
                TimeSpan.FromMilliseconds(Number("--hook-ms", 20)),
                TimeSpan.FromSeconds(30),
                TimeSpan.FromSeconds(Number("--drain-limit", 300)),
                arguments.Postgres,
                arguments.ApiDll,
                arguments.Output("webhooks"),
                args.Contains("--keep"));
        }
    }
}
