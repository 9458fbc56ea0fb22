using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ConversationEngine.Bench.Limits;
using static System.FormattableString;

namespace ConversationEngine.Bench.Failover;

/// <summary>
/// <c>kill -9</c> of a silo under load, all real processes: stand-alone silos and a front end in
/// client mode on a fresh PostgreSQL database, message creates in a closed loop over 60
/// conversations, one silo killed. It measures how long the requests in flight waited, how soon
/// new requests succeeded again, what callers were told (and whether that was true: every body is
/// unique, so a 503 "nothing was written" that was written would show), and whether every
/// acknowledged message is there.
/// </summary>
internal sealed class FailoverRun
{
    private const string Account = "AC0fa11e0fa11e0fa11e0fa11e0fa11e0f";
    private const string Token = "0fa11e0fa11e0fa11e0fa11e0fa11e0f";
    private const int Conversations = 60;

    /// <summary>What one request saw; times in seconds from the kill (negative before it).</summary>
    private sealed record Attempt(double Start, double End, int Status, string Conversation, string Body, string? Sid, bool Probe = false)
    {
        public double Latency => End - Start;
    }

    private readonly BenchArguments settings;
    private readonly string admin;
    private readonly string scratch = Directory.CreateTempSubdirectory("engine-failover-").FullName;

    private FailoverRun(BenchArguments settings, string admin) => (this.settings, this.admin) = (settings, admin);

    private int Silos => (int)settings.Number("--silos", 3);

    private int Connections => (int)settings.Number("--connections", 8);

    private TimeSpan Before => TimeSpan.FromSeconds(settings.Number("--before", 10));

    private TimeSpan After => TimeSpan.FromSeconds(settings.Number("--after", 25));

    /// <summary>The front end's configured grain-call timeout (Orleans:ResponseTimeout), passed to it as given.</summary>
    private double ResponseTimeout => settings.Number("--response-timeout", 8);

    private string SiloDll => Path.GetFullPath(settings.Value("--silo")
        ?? Path.Combine(LimitsRun.RepositoryRoot, "src", "ConversationEngine.Silo", "bin", "Release", "net10.0", "ConversationEngine.Silo.dll"));

    public static async Task RunAsync(string[] args)
    {
        var settings = new BenchArguments(args);
        var admin = settings.Postgres ?? throw new InvalidOperationException("failover runs a cluster on PostgreSQL: pass --postgres CS or set ENGINE_BENCH_POSTGRES.");
        var run = new FailoverRun(settings, admin);
        var machine = await LimitsRun.MachineAsync();
        string? report = null;
        await BenchArguments.RunAsync(settings.ApiDll, settings.Has("--keep"), run.scratch, async () =>
        {
            var database = await BenchDatabase.CreateAsync(admin, "failover");
            try
            {
                report = await run.MeasureAsync(database.ConnectionString, machine);
            }
            finally
            {
                await BenchDatabase.DropAsync(admin, database.Name);
            }
        });

        var output = settings.Output("failover");
        await File.WriteAllTextAsync(output, report);
        Console.WriteLine(report);
        Console.WriteLine($"written to {output}");
    }

    private async Task<string> MeasureAsync(string database, string machine)
    {
        var front = new Uri(Invariant($"http://127.0.0.1:{ChildProcess.FreePort()}"));
        var silos = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < Silos; i++)
            {
                silos.Add(await StartSiloAsync(i, database, front));
            }

            var data = Directory.CreateDirectory(Path.Combine(scratch, "front")).FullName;
            var args = BenchArguments.EngineProcess(front, data, Account, Token, database);
            args.AddRange(["--Orleans:Mode", "Client", "--Orleans:ResponseTimeout", Invariant($"00:00:{ResponseTimeout:00}")]);
            await using var api = await ChildProcess.StartAsync(settings.ApiDll, args, front, Path.Combine(data, "front.log"));
            using var client = LimitsRun.Client(front, Connections, Account, Token, TimeSpan.FromSeconds(120));
            var conversations = new List<string>();
            for (var i = 0; i < Conversations; i++)
            {
                using var created = await client.PostAsync("/v1/Conversations", new FormUrlEncodedContent([new("FriendlyName", Invariant($"failover {i}"))]));
                conversations.Add((string)JsonNode.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["sid"]!);
            }

            Console.WriteLine($"{Silos} silos and a front end up; {Connections} connections posting; the last silo is killed at {Before.TotalSeconds:0} s");
            var attempts = await LoadAsync(client, conversations, () => silos[^1].Kill());
            var stored = await StoredBodiesAsync(client, conversations);
            return Report(machine, attempts, stored);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private async Task<ChildProcess> StartSiloAsync(int index, string database, Uri front)
    {
        var health = new Uri(Invariant($"http://127.0.0.1:{ChildProcess.FreePort()}"));
        string[] args =
        [
            "--Urls", health.ToString().TrimEnd('/'),
            "--Storage:Provider", "PostgreSql",
            "--Storage:ConnectionString", database,
            "--Engine:AccountSid", Account,
            "--Engine:AuthToken", Token,
            "--Engine:PublicBaseUrl", front.ToString().TrimEnd('/'),
            "--Orleans:SiloPort", Invariant($"{ChildProcess.FreePort()}"),
            "--Orleans:GatewayPort", Invariant($"{ChildProcess.FreePort()}"),
            "--Orleans:AdvertisedIPAddress", "127.0.0.1",
        ];
        return await ChildProcess.StartAsync(SiloDll, args, health, Path.Combine(scratch, Invariant($"silo-{index}.log")));
    }

    /// <summary>Closed loop until <see cref="After"/> past the kill, which comes at <see cref="Before"/>.</summary>
    private async Task<List<Attempt>> LoadAsync(HttpClient client, List<string> conversations, Action kill)
    {
        var clock = Stopwatch.StartNew();
        var attempts = new ConcurrentBag<Attempt>();
        var killAt = Before.TotalSeconds;
        var end = killAt + After.TotalSeconds;
        var killer = Task.Run(async () =>
        {
            await Task.Delay(Before);
            kill();
            killAt = clock.Elapsed.TotalSeconds;
        });
        async Task SendAsync(string conversation, string body, bool probe)
        {
            var start = clock.Elapsed.TotalSeconds;
            var (status, sid) = await PostAsync(client, conversation, body);
            attempts.Add(new Attempt(start, clock.Elapsed.TotalSeconds, status, conversation, body, sid, probe));
        }

        // Closed-loop workers block on a dead silo's calls; the probes, sent every 50 ms whatever
        // happens, show when a new request succeeds again.
        var probes = new List<Task>();
        var prober = Task.Run(async () =>
        {
            using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            for (var i = 0; clock.Elapsed.TotalSeconds < end && await every.WaitForNextTickAsync(); i++)
            {
                probes.Add(SendAsync(conversations[i % conversations.Count], Invariant($"probe-{i}"), probe: true));
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed.TotalSeconds < end; i++)
            {
                await SendAsync(conversations[((worker * 7) + i) % conversations.Count], Invariant($"w{worker}-{i}"), probe: false);
            }
        })));
        await Task.WhenAll(killer, prober);
        await Task.WhenAll(probes);
        return attempts.Select(a => a with { Start = a.Start - killAt, End = a.End - killAt }).OrderBy(a => a.Start).ToList();
    }

    /// <summary>The status and SID of one create; -1 when the connection failed, -2 when the client gave up.</summary>
    private static async Task<(int Status, string? Sid)> PostAsync(HttpClient client, string conversation, string body)
    {
        try
        {
            using var response = await client.PostAsync($"/v1/Conversations/{conversation}/Messages", new FormUrlEncodedContent([new("Body", body)]));
            var sid = response.StatusCode == System.Net.HttpStatusCode.Created
                ? (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["sid"]
                : null;
            return ((int)response.StatusCode, sid);
        }
        catch (HttpRequestException)
        {
            return (-1, null);
        }
        catch (TaskCanceledException)
        {
            return (-2, null);
        }
    }

    /// <summary>Every message body stored, with its SID, read back page by page once the load is over.</summary>
    private static async Task<Dictionary<string, string>> StoredBodiesAsync(HttpClient client, List<string> conversations)
    {
        var stored = new Dictionary<string, string>();
        foreach (var conversation in conversations)
        {
            string? next = $"/v1/Conversations/{conversation}/Messages?PageSize=100";
            while (next is not null)
            {
                using var page = await client.GetAsync(new Uri(next, UriKind.RelativeOrAbsolute));
                var json = JsonNode.Parse(await page.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
                foreach (var message in json["messages"]!.AsArray())
                {
                    stored[(string)message!["body"]!] = (string)message["sid"]!;
                }

                next = (string?)json["meta"]?["next_page_url"];
            }
        }

        return stored;
    }

    private string Report(string machine, List<Attempt> attempts, Dictionary<string, string> stored)
    {
        // The first 2 s warm the front end and the silos up.
        var baseline = attempts.Where(a => a.Start >= -Before.TotalSeconds + 2 && a.End < 0).ToList();
        var baselineSeconds = Before.TotalSeconds - 2;
        var inFlight = attempts.Where(a => a.Start < 0 && a.End >= 0).ToList();
        var afterKill = attempts.Where(a => a.Start >= 0).ToList();
        var failedAfter = afterKill.Where(a => a.Status != 201).ToList();
        var probesAfter = afterKill.Where(a => a.Probe).ToList();
        var failedProbes = probesAfter.Where(a => a.Status != 201).ToList();
        var recovered = failedProbes.Count == 0 ? 0 : failedProbes.Max(a => a.Start) + 0.05;
        var lastFailure = failedAfter.Count == 0 ? 0 : failedAfter.Max(a => a.End);
        var settled = afterKill.Where(a => a.Start >= lastFailure + 1 && a.End <= After.TotalSeconds).ToList();
        var settledSeconds = After.TotalSeconds - lastFailure - 1;
        var acknowledged = attempts.Where(a => a.Status == 201).ToList();
        var lost = acknowledged.Count(a => !stored.TryGetValue(a.Body, out var sid) || sid != a.Sid);
        var refused = attempts.Where(a => a.Status is not 201).GroupBy(a => a.Status).OrderBy(g => g.Key).ToList();
        var maxLatency = attempts.Max(a => a.Latency);

        var report = new StringBuilder();
        report.AppendLine(Invariant($"# Failover: kill -9 of one silo of {Silos}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        report.AppendLine();
        report.AppendLine(machine);
        report.AppendLine();
        report.AppendLine(Invariant($"Real processes: {Silos} stand-alone silos (`ConversationEngine.Silo`, Release) and one front end in client mode (`Orleans:ResponseTimeout` {ResponseTimeout:0} s, the other failover settings at their defaults) on a fresh PostgreSQL database; {Connections} connections creating messages in a closed loop over {Conversations} conversations; the last silo started is killed with SIGKILL {Before.TotalSeconds:0} s in, the load goes on {After.TotalSeconds:0} s after. Times are from the kill."));
        report.AppendLine();
        report.AppendLine("| measure | value | ratio |");
        report.AppendLine("|---|---:|---:|");
        report.AppendLine(Invariant($"| baseline before the kill | {baseline.Count / baselineSeconds:F0}/s, p50 {Percentile(baseline, 0.5):F1} ms, p99 {Percentile(baseline, 0.99):F1} ms | 1 |"));
        report.AppendLine(Invariant($"| requests in flight at the kill | {inFlight.Count} ({Statuses(inFlight)}), longest {(inFlight.Count == 0 ? 0 : inFlight.Max(a => a.Latency)):F2} s | {(inFlight.Count == 0 ? 0 : inFlight.Max(a => a.Latency)) / ResponseTimeout:F2} of the timeout |"));
        report.AppendLine(Invariant($"| longest request of the run | {maxLatency:F2} s | {maxLatency / ResponseTimeout:F2} of the timeout |"));
        report.AppendLine(Invariant($"| requests sent after the kill that failed | {failedAfter.Count} of {afterKill.Count} ({Statuses(failedAfter)}) | |"));
        report.AppendLine(Invariant($"| probes (one new request every 50 ms) sent after the kill that failed | {failedProbes.Count} of {probesAfter.Count} ({Statuses(failedProbes)}) | |"));
        report.AppendLine(Invariant($"| every probe sent from then on succeeded | {recovered:F2} s | {recovered / 10:F2} of the 10 s goal |"));
        report.AppendLine(Invariant($"| last failure answered at | {lastFailure:F2} s | |"));
        report.AppendLine(Invariant($"| rate once settled (from {lastFailure + 1:F1} s) | {(settledSeconds > 0 ? settled.Count / settledSeconds : 0):F0}/s, p99 {Percentile(settled, 0.99):F1} ms | {(settledSeconds > 0 && baseline.Count > 0 ? settled.Count / settledSeconds / (baseline.Count / baselineSeconds) : 0):F2} |"));
        report.AppendLine(Invariant($"| acknowledged (201) messages missing afterwards | {lost} of {acknowledged.Count} | |"));
        foreach (var group in refused)
        {
            var written = group.Count(a => stored.ContainsKey(a.Body));
            report.AppendLine(Invariant($"| answered {Describe(group.Key)}: stored after all | {written} of {group.Count()} | |"));
        }

        report.AppendLine();
        report.AppendLine("Per second from the kill, requests sent (workers and probes): answered 201 / refused (longest wait, s)");
        report.AppendLine();
        report.AppendLine("| second | 201 | refused | longest |");
        report.AppendLine("|---:|---:|---:|---:|");
        foreach (var second in afterKill.Where(a => a.Start < Math.Max(lastFailure, 3) + 2).GroupBy(a => (int)a.Start).OrderBy(g => g.Key))
        {
            report.AppendLine(Invariant($"| {second.Key} | {second.Count(a => a.Status == 201)} | {second.Count(a => a.Status != 201)} | {second.Max(a => a.Latency):F2} |"));
        }

        report.AppendLine();
        report.AppendLine("A 503 says nothing was written (retry); a 504 says the outcome is unknown. \"Stored after all\" reads every conversation back and looks for the request's unique body.");
        return report.ToString();
    }

    private static string Describe(int status) => status switch
    {
        -1 => "with a broken connection",
        -2 => "by the client giving up (120 s)",
        _ => Invariant($"{status}"),
    };

    private static string Statuses(List<Attempt> attempts) =>
        attempts.Count == 0 ? "none" : string.Join(", ", attempts.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => Invariant($"{g.Count()}× {Describe(g.Key)}")));

    private static double Percentile(List<Attempt> attempts, double p)
    {
        if (attempts.Count == 0)
        {
            return 0;
        }

        var sorted = attempts.Select(a => a.Latency * 1000).Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }
}
