using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>The Orleans Dashboard on the front end: the account's operators only, where it is configured.</summary>
[Collection(SharedEngine.Name)]
public sealed class DashboardTests(EngineFixture fixture)
{
    private EngineHost Host => fixture.Host;

    [Fact]
    public async Task The_dashboard_answers_the_accounts_credentials_with_the_clusters_silos()
    {
        var page = await Host.Client.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Its data: this host's silo, active (sampled once a second: the first sample may be empty).
        var counters = await Eventually.ValueAsync(
            async () => JsonNode.Parse(await Host.Client.GetStringAsync("/dashboard/DashboardCounters"))!,
            body => (int)body["totalActiveHostCount"]! >= 1,
            TimeSpan.FromSeconds(15),
            "the dashboard's counters showing this host's silo");
        var host = Assert.Single(counters["hosts"]!.AsArray());
        Assert.Equal("Active", (string)host!["status"]!);

        // An API key is the account's credential too.
        using var key = Host.CreateClient(EngineHost.ApiKeySid, EngineHost.ApiKeySecret);
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync("/dashboard/ClusterStats")).StatusCode);
    }

    [Theory]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/index.min.js")]
    [InlineData("/dashboard/DashboardCounters")]
    [InlineData("/dashboard/Reminders")]
    public async Task Without_credentials_every_part_of_the_dashboard_is_refused_with_a_browser_prompt(string path)
    {
        using var anonymous = Host.CreateClient();
        using var response = await anonymous.GetAsync(path);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        await anonymous.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Unauthorized, Errors.Unauthorized);

        using var wrong = Host.CreateClient(EngineHost.AccountSid, "not-the-token");
        await wrong.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Unauthorized, Errors.Unauthorized);
    }

    [Fact]
    public async Task An_agents_access_token_is_refused_whatever_its_roles()
    {
        var service = (string)(await Host.Client.PostFormAsync("/v1/Services", ("FriendlyName", "dashboard")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        using var agent = Host.CreateUserClient(AccessTokens.Mint("agent.dash", service));
        var error = await agent.GetAsync("/dashboard/DashboardCounters").ExpectErrorAsync(HttpStatusCode.Forbidden, Errors.UserNotAuthorized);
        Assert.Contains("account's credentials", (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grain_state_is_not_shown_unless_configured()
    {
        var conversation = (string)(await Host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "secret things")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var error = await Host.Client.GetAsync($"/dashboard/GrainState?grainId={conversation}&grainType=ConversationEngine.Conversations.ConversationGrain")
            .ExpectErrorAsync(HttpStatusCode.Forbidden, Errors.Forbidden);
        Assert.Contains("Dashboard:GrainState", (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switched_off_it_is_not_there_at_all()
    {
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Dashboard:Enabled"] = "false" });
        await host.Client.GetAsync("/dashboard/").ExpectErrorAsync(HttpStatusCode.NotFound, Errors.NotFound);
        await host.Client.GetAsync("/dashboard/DashboardCounters").ExpectErrorAsync(HttpStatusCode.NotFound, Errors.NotFound);
    }

    [Fact]
    public async Task On_a_port_of_its_own_and_a_path_of_its_own_it_answers_only_there_and_still_needs_credentials()
    {
        var port = EngineHost.FreePort();
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Dashboard:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Dashboard:Path"] = "/ops/orleans",
        });
        using var own = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await own.GetAsync("/ops/orleans/").ExpectErrorAsync(HttpStatusCode.Unauthorized, Errors.Unauthorized);
        own.DefaultRequestHeaders.Authorization = host.Client.DefaultRequestHeaders.Authorization;
        var page = await own.GetAsync("/ops/orleans/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // On the API's port, it does not exist; nor at the default path.
        await host.Client.GetAsync("/ops/orleans/").ExpectErrorAsync(HttpStatusCode.NotFound, Errors.NotFound);
        await host.Client.GetAsync("/dashboard/").ExpectErrorAsync(HttpStatusCode.NotFound, Errors.NotFound);

        // The API is still where it was.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/v1/Conversations")).StatusCode);
    }

    [Theory]
    [InlineData("Dashboard:Path", "dashboard", "Dashboard:Path")]
    [InlineData("Dashboard:Path", "/", "Dashboard:Path")]
    [InlineData("Dashboard:Port", "70000", "Dashboard:Port")]
    [InlineData("Dashboard:Address", "everywhere", "Dashboard:Address")]
    [InlineData("Dashboard:CounterUpdateInterval", "PT0.1S", "Dashboard:CounterUpdateInterval")]
    public async Task A_bad_dashboard_setting_stops_the_host_naming_its_key(string key, string value, string named)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(named, failure.ToString(), StringComparison.Ordinal);
    }
}
