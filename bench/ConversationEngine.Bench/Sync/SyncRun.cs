using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ConversationEngine.Bench.Limits;
using ConversationEngine.Tests.Support;
using Twilio.Clients;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using static System.FormattableString;
using MessagingV1 = Twilio.Rest.Messaging.V1;

namespace ConversationEngine.Bench.Sync;

/// <summary>
/// The Twilio account import on one engine process (the Release front end, SQLite) connected to the
/// spec-checking Twilio stand-in, holding --numbers numbers and --services Messaging Services of
/// --pool numbers each. Baseline: reading the same listing straight from the stand-in with
/// Twilio's C# library (what the sync must read anyway). Then the first import, a resync with
/// nothing changed, and a resync after 1 % of the numbers were renamed at Twilio; each the median
/// of --runs, reported as a ratio to the baseline. Written to bench/results/sync-&lt;date&gt;.md.
/// </summary>
internal sealed class SyncRun
{
    private const string Account = "AC3ed1a0000c0ffee3ed1a0000c0ffee3e";
    private const string AuthToken = "3ed1a0000c0ffee3ed1a0000c0ffee3ed";

    private readonly BenchArguments arguments;
    private readonly string scratch = Directory.CreateTempSubdirectory("engine-sync-").FullName;
    private readonly int numbers;
    private readonly int services;
    private readonly int pool;
    private readonly int runs;

    private SyncRun(BenchArguments arguments)
    {
        this.arguments = arguments;
        numbers = (int)arguments.Number("--numbers", 2000);
        services = (int)arguments.Number("--services", 20);
        pool = (int)arguments.Number("--pool", 10);
        runs = (int)arguments.Number("--runs", 5);
    }

    public static async Task RunAsync(string[] args)
    {
        var run = new SyncRun(new BenchArguments(args));
        await BenchArguments.RunAsync(run.arguments.ApiDll, run.arguments.Has("--keep"), run.scratch, run.MeasureAsync);
    }

    private async Task MeasureAsync()
    {
        await using var twilio = await TwilioStandIn.StartAsync(Account, AuthToken);
        var sids = Enumerable.Range(0, numbers).Select(i => twilio.AddIncomingNumber(Invariant($"+1415{i:D7}"))).ToList();
        for (var s = 0; s < services; s++)
        {
            var mg = twilio.AddMessagingService(Invariant($"Service {s}"), "https://app.example.com/inbound");
            foreach (var sid in sids.Skip(s * pool).Take(pool))
            {
                twilio.AddToService(mg, sid);
            }
        }

        var url = new Uri(Invariant($"http://127.0.0.1:{ChildProcess.FreePort()}/"));
        var data = Directory.CreateDirectory(Path.Combine(scratch, "sqlite")).FullName;
        var args = BenchArguments.EngineProcess(url, data, Account, AuthToken, postgres: null);
        args.AddRange(["--Twilio:AccountSid", Account, "--Twilio:AuthToken", AuthToken, "--Twilio:BaseUrl", twilio.BaseUrl, "--Twilio:SyncInterval", "00:00:00",
            "--Orleans:ResponseTimeout", "00:05:00"]);
        await using var engine = await ChildProcess.StartAsync(arguments.ApiDll, args, url, Path.Combine(data, "engine.log"));
        using var http = new System.Net.Http.HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(Account + ":" + AuthToken)));

        var baseline = Median(await RepeatAsync(() => Task.Run(() => ReadListing(twilio.BaseUrl))));
        var first = await TimeAsync(() => SyncAsync(http, expectAdded: numbers));
        var unchanged = Median(await RepeatAsync(() => SyncAsync(http, expectAdded: 0)));
        var changedTimes = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            foreach (var sid in sids.Where((_, i) => i % 100 == r % 100))
            {
                twilio.ChangeIncomingNumber(sid, n => n with { FriendlyName = Invariant($"Renamed {r} {n.PhoneNumber}") });
            }

            changedTimes.Add(await TimeAsync(() => SyncAsync(http, expectAdded: 0)));
        }

        var changed = Median(changedTimes);
        var table = new StringBuilder()
            .AppendLine(Invariant($"# Twilio account import ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)"))
            .AppendLine()
            .AppendLine(Invariant($"{Environment.ProcessorCount} cores; SQLite; {numbers} numbers, {services} Messaging Services of {pool} numbers; medians of {runs} runs; the stand-in checks every request and answer against Twilio's OpenAPI documents (in all rows)."))
            .AppendLine()
            .AppendLine("| workload | ms | × baseline |")
            .AppendLine("|---|---|---|")
            .AppendLine(Invariant($"| read the listing with Twilio's C# library (baseline) | {baseline:F0} | 1.00 |"))
            .AppendLine(Invariant($"| first import (everything added) | {first:F0} | {first / baseline:F2} |"))
            .AppendLine(Invariant($"| resync, nothing changed | {unchanged:F0} | {unchanged / baseline:F2} |"))
            .AppendLine(Invariant($"| resync, 1 % of numbers renamed at Twilio | {changed:F0} | {changed / baseline:F2} |"))
            .AppendLine()
            .AppendLine(Invariant($"Violations of Twilio's specs seen by the stand-in: {twilio.SpecViolations.Count}."));
        var text = table.ToString();
        Console.WriteLine(text);
        var output = arguments.Output("sync");
        await File.WriteAllTextAsync(output, text);
        Console.WriteLine($"written to {output}");
    }

    private static async Task SyncAsync(System.Net.Http.HttpClient http, int expectAdded)
    {
        using var response = await http.PostAsync("/engine/v1/Twilio/Sync", null);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"sync failed: {(int)response.StatusCode} {body}");
        }

        var added = JsonDocument.Parse(body).RootElement.GetProperty("phone_numbers").GetProperty("added").GetInt32();
        if (added != expectAdded)
        {
            throw new InvalidOperationException($"sync added {added} numbers, expected {expectAdded}");
        }
    }

    /// <summary>What the sync reads, read by Twilio's library alone.</summary>
    private static void ReadListing(string baseUrl)
    {
        var client = new TwilioRestClient(Account, AuthToken, httpClient: new SystemNetHttpClient(new System.Net.Http.HttpClient(new Rewrite(baseUrl))));
        _ = IncomingPhoneNumberResource.Read(new ReadIncomingPhoneNumberOptions { PathAccountSid = Account, PageSize = 1000 }, client).Count();
        _ = ShortCodeResource.Read(new ReadShortCodeOptions { PathAccountSid = Account, PageSize = 1000 }, client).Count();
        foreach (var service in MessagingV1.ServiceResource.Read(new MessagingV1.ReadServiceOptions { PageSize = 1000 }, client).ToList())
        {
            _ = MessagingV1.Service.PhoneNumberResource.Read(new MessagingV1.Service.ReadPhoneNumberOptions(service.Sid) { PageSize = 1000 }, client).Count();
            _ = MessagingV1.Service.ShortCodeResource.Read(new MessagingV1.Service.ReadShortCodeOptions(service.Sid) { PageSize = 1000 }, client).Count();
            _ = MessagingV1.Service.AlphaSenderResource.Read(new MessagingV1.Service.ReadAlphaSenderOptions(service.Sid) { PageSize = 1000 }, client).Count();
            _ = MessagingV1.Service.ChannelSenderResource.Read(new MessagingV1.Service.ReadChannelSenderOptions(service.Sid) { PageSize = 1000 }, client).Count();
        }
    }

    private async Task<List<double>> RepeatAsync(Func<Task> work)
    {
        var times = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            times.Add(await TimeAsync(work));
        }

        return times;
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Sends Twilio's hosts to the stand-in, path and query kept.</summary>
    private sealed class Rewrite(string baseUrl) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(baseUrl.TrimEnd('/') + request.RequestUri!.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
