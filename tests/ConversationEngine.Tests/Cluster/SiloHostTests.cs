using System.Diagnostics;
using System.Globalization;
using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Cluster;

/// <summary>The stand-alone silo as its image runs it: a real process whose readiness the health-check command asks.</summary>
public sealed class SiloHostTests
{
    [PostgresFact]
    public async Task A_standalone_silo_is_ready_once_active_with_its_database_the_healthcheck_command_says_so_and_its_metrics_need_credentials()
    {
        // The silo is built in the tests' own configuration (bin/<Configuration>/<framework>/).
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var silo = Path.Combine(SolutionRoot(), "src", "ConversationEngine.Silo", "bin", output.Parent!.Name, output.Name, "ConversationEngine.Silo.dll");
        Assert.True(File.Exists(silo), $"the silo is built with the solution: {silo}");
        var id = "silo-" + Guid.NewGuid().ToString("N")[..12];
        var url = $"http://127.0.0.1:{EngineHost.FreePort()}";
        var environment = new Dictionary<string, string>
        {
            ["Urls"] = url,
            ["Storage__Provider"] = "PostgreSql",
            ["Storage__ConnectionString"] = Postgres.Get(),
            ["Orleans__ClusterId"] = id,
            ["Orleans__ServiceId"] = id,
            ["Orleans__AdvertisedIPAddress"] = "127.0.0.1",
            ["Orleans__SiloPort"] = EngineHost.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = EngineHost.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Engine__AccountSid"] = EngineHost.AccountSid,
            ["Engine__AuthToken"] = "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            ["Engine__PublicBaseUrl"] = "http://127.0.0.1:5080",
            ["Engine__ApiKeys__0__Sid"] = EngineHost.ApiKeySid,
            ["Engine__ApiKeys__0__Secret"] = "an-api-key-secret-of-32-chars-ok",
            ["Security__FailedAuth__PermitLimit"] = "4",
        };
        using var process = Start(silo, [], environment);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            var ready = await Eventually.ValueAsync(
                async () =>
                {
                    try
                    {
                        using var response = await client.GetAsync("/readyz");
                        return response.StatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return HttpStatusCode.ServiceUnavailable;
                    }
                },
                status => status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(60),
                "the silo to be ready");
            Assert.Equal(HttpStatusCode.OK, ready);
            var body = await client.GetStringAsync("/readyz");
            Assert.Contains("\"storage\":\"healthy\"", body, StringComparison.Ordinal);
            Assert.Contains("\"cluster\":\"healthy\"", body, StringComparison.Ordinal);

            using var probe = Start(silo, ["healthcheck"], new Dictionary<string, string> { ["Urls"] = url });
            await probe.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, probe.ExitCode);

            // The probes stay open; /metrics takes the account's Basic credentials, or an API key's.
            using (var health = await client.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            await client.GetAsync("/metrics").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
            using var wrong = Authenticated(url, EngineHost.AccountSid, "not-the-token");
            await wrong.GetAsync("/metrics").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
            foreach (var (user, password) in new[] { (EngineHost.AccountSid, environment["Engine__AuthToken"]), (EngineHost.ApiKeySid, environment["Engine__ApiKeys__0__Secret"]) })
            {
                using var scraper = Authenticated(url, user, password);
                var scrape = PrometheusText.Parse(await scraper.GetStringAsync("/metrics"));
                Assert.Equal(0, scrape.Sum("engine_outbox_pending"));
                Assert.Contains(scrape.Samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));
            }

            // The Orleans Dashboard is served here too, behind the same credentials, without grain state.
            await client.GetAsync("/dashboard/").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
            using var operatorClient = Authenticated(url, EngineHost.AccountSid, environment["Engine__AuthToken"]);
            var counters = await Eventually.ValueAsync(
                async () => System.Text.Json.Nodes.JsonNode.Parse(await operatorClient.GetStringAsync("/dashboard/DashboardCounters"))!,
                c => (int)c["totalActiveHostCount"]! >= 1,
                TimeSpan.FromSeconds(15),
                "the silo's dashboard showing it active");
            Assert.Equal("Active", (string)counters["hosts"]![0]!["status"]!);
            await operatorClient.GetAsync("/dashboard/GrainState?grainId=x&grainType=y").ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);

            // Guessing is limited as on the front end: three more wrong tries (four in all), then even the right token waits.
            for (var i = 0; i < 3; i++)
            {
                await wrong.GetAsync("/metrics").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
            }

            using (var limited = await operatorClient.GetAsync("/metrics"))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
                Assert.NotNull(limited.Headers.RetryAfter);
            }

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static HttpClient Authenticated(string url, string user, string password)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    private static Process Start(string dll, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string SolutionRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ConversationEngine.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("solution root not found");
    }
}
