using System.Globalization;
using ConversationEngine.Conversations;
using ConversationEngine.Delivery;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Tests.Support;
using ConversationEngine.Twilio.Messages;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Tests.Http;

public sealed class HostingTests
{
    [Fact]
    public async Task A_stopped_host_is_released_soon_after_its_outbound_clients_were_used()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var stopped = await RunAndStopAsync(receiver);

        // Nothing of a stopped host stays reachable for long (the HTTP client factory's handler
        // timers used to hold every host for two minutes and more).
        var alive = await Eventually.ValueAsync(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                return stopped.IsAlive;
            },
            isAlive => !isAlive,
            TimeSpan.FromSeconds(30),
            "the stopped host's services to be released");
        Assert.False(alive);
    }

    /// <summary>A host that called out (a webhook), stopped; its services held only weakly.</summary>
    private static async Task<WeakReference> RunAndStopAsync(WebhookReceiver receiver)
    {
        await using var host = await EngineHost.StartAsync();
        await host.Client.PostFormAsync("/v1/Configuration/Webhooks",
            ("PostWebhookUrl", receiver.Url("/events")), ("Method", "POST"), ("Target", "webhook"), ("Filters", "onConversationAdded")).ExpectAsync(System.Net.HttpStatusCode.OK);
        using var loud = host.CreateClient(EngineHost.AccountSid, EngineHost.AuthToken);
        loud.DefaultRequestHeaders.Add("X-Twilio-Webhook-Enabled", "true");
        await loud.PostFormAsync("/v1/Conversations", ("FriendlyName", "called out")).ExpectAsync(System.Net.HttpStatusCode.Created);
        await receiver.ReceivedAsync("/events");
        return new WeakReference(host.Services);
    }

    [Fact]
    public async Task The_embedded_host_is_ready_without_credentials_and_the_probe_command_checks_readiness()
    {
        await using var host = await EngineHost.StartAsync();
        using var anonymous = host.CreateClient();

        var ready = await anonymous.GetAsync("/readyz").ExpectAsync(System.Net.HttpStatusCode.OK);

        Assert.Equal("healthy", (string?)ready["status"]);
        Assert.Equal(["storage", "cluster"], ready["checks"]!.AsObject().Select(c => c.Key));
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Urls"] = host.BaseUrl }).Build();
        Assert.Equal(0, await ConversationEngine.Grains.Hosting.HealthProbe.RunAsync(configuration, "/readyz"));
    }

    [Fact]
    public async Task The_embedded_host_opens_no_client_gateway_unless_configured_and_listens_on_loopback_only()
    {
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Orleans:GatewayPort"] = null });
        var endpoints = host.Services.GetRequiredService<IOptions<Orleans.Configuration.EndpointOptions>>().Value;

        Assert.Equal(0, endpoints.GatewayPort);
        Assert.Equal(System.Net.IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        Assert.Null(endpoints.SiloListeningEndpoint);
        await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "served without a gateway")).ExpectAsync(System.Net.HttpStatusCode.Created);

        // And the front end as shipped configures none.
        var shipped = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "appsettings.json")))!;
        Assert.Null(shipped["Orleans"]?["GatewayPort"]);
    }

    [Fact]
    public async Task Calls_time_out_in_8_s_and_a_dead_silo_is_declared_within_seconds_unless_configured_otherwise()
    {
        await using (var host = await EngineHost.StartAsync())
        {
            // Orleans checks for expired calls once a second: it is given a second less.
            Assert.Equal(TimeSpan.FromSeconds(7), host.Services.GetRequiredService<IOptions<Orleans.Configuration.SiloMessagingOptions>>().Value.ResponseTimeout);
            var membership = host.Services.GetRequiredService<IOptions<Orleans.Configuration.ClusterMembershipOptions>>().Value;
            Assert.Equal((TimeSpan.FromSeconds(2), 3), (membership.ProbeTimeout, membership.NumMissedProbesLimit));
        }

        await using (var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Orleans:ResponseTimeout"] = "PT4S", ["Orleans:ProbeTimeout"] = "PT1S", ["Orleans:MissedProbesLimit"] = "2" }))
        {
            Assert.Equal(TimeSpan.FromSeconds(3), host.Services.GetRequiredService<IOptions<Orleans.Configuration.SiloMessagingOptions>>().Value.ResponseTimeout);
            var membership = host.Services.GetRequiredService<IOptions<Orleans.Configuration.ClusterMembershipOptions>>().Value;
            Assert.Equal((TimeSpan.FromSeconds(1), 2), (membership.ProbeTimeout, membership.NumMissedProbesLimit));
        }

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Orleans:ResponseTimeout"] = "PT0S" }));
        Assert.Contains(error.Failures, f => f.Contains("ResponseTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Durations_in_iso_8601_are_accepted_wherever_a_duration_is_bound()
    {
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Lifecycle:ReminderPeriod"] = "PT2S",
            ["Lifecycle:TestingOnlyMinimumTimer"] = "PT1S",
            ["Delivery:RetryPeriod"] = "PT1M",
            ["Twilio:Timeout"] = "PT5S",
        });

        var lifecycle = host.Services.GetRequiredService<IOptions<LifecycleOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), lifecycle.ReminderPeriod);
        Assert.Equal(TimeSpan.FromSeconds(1), lifecycle.TestingOnlyMinimumTimer);
        Assert.Equal(TimeSpan.FromMinutes(1), host.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value.RetryPeriod);
        Assert.Equal(TimeSpan.FromSeconds(5), host.Services.GetRequiredService<IOptions<TwilioMessagesOptions>>().Value.Timeout);
    }

    [Fact]
    public async Task Durations_in_dotnet_notation_are_still_accepted()
    {
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Lifecycle:ReminderPeriod"] = "00:00:02" });

        Assert.Equal(TimeSpan.FromSeconds(2), host.Services.GetRequiredService<IOptions<LifecycleOptions>>().Value.ReminderPeriod);
    }

    [Theory]
    [InlineData("Lifecycle:ReminderPeriod", "PTX")]
    [InlineData("Lifecycle:TestingOnlyMinimumTimer", "soon")]
    [InlineData("Delivery:RetryPeriod", "P1X")]
    public async Task A_duration_in_neither_notation_refuses_start_naming_the_key(string key, string value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains($"{key}: '{value}' is not a duration (use 00:01:00 or PT1M)", error.Failures);
    }

    [Fact]
    public async Task A_cross_field_rule_refuses_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Lifecycle:ReminderPeriod"] = "-00:00:01" }));

        Assert.Contains("Lifecycle:ReminderPeriod must be positive", error.Failures);
    }

    [Fact]
    public async Task An_invalid_api_key_sid_refuses_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Engine:ApiKeys:1:Sid"] = "not-a-key", ["Engine:ApiKeys:1:Secret"] = "s" }));

        Assert.Contains("API key SIDs are SK followed by 32 hex digits", error.Failures);
    }

    [Fact]
    public async Task The_sqlite_schema_is_in_place_before_the_silo_lifecycle_begins()
    {
        var directory = Directory.CreateTempSubdirectory("engine-test-").FullName;
        var probe = new SchemaProbe(SqliteSchema.BuildConnectionString(Path.Combine(directory, "engine.db")));

        await using (var host = await EngineHost.StartAsync(directory, services: s => s.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(probe)))
        {
            Assert.Equal(SqliteSchema.CurrentVersion, probe.VersionSeen);
        }
    }

    /// <summary>Reads the schema version at the silo lifecycle's first stage, before storage, reminders or membership start.</summary>
    private sealed class SchemaProbe(string connectionString) : ILifecycleParticipant<ISiloLifecycle>
    {
        public int? VersionSeen { get; private set; }

        public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(SchemaProbe), ServiceLifecycleStage.First, async cancellation =>
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellation);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version;";
            VersionSeen = Convert.ToInt32(await command.ExecuteScalarAsync(cancellation), CultureInfo.InvariantCulture);
        });
    }
}

public sealed class BasicAuthenticationHandlerTests
{
    [Theory]
    [InlineData(EngineHost.AccountSid, EngineHost.AuthToken, null)]
    [InlineData(EngineHost.ApiKeySid, EngineHost.ApiKeySecret, EngineHost.ApiKeySid)]
    public async Task The_principal_carries_the_caller_and_the_account(string user, string password, string? apiKeySid)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(Options.Create(new Api.Hosting.EngineOptions
        {
            AccountSid = EngineHost.AccountSid,
            AuthToken = EngineHost.AuthToken,
            ApiKeys = [new() { Sid = EngineHost.ApiKeySid, Secret = EngineHost.ApiKeySecret }],
        }));
        services.AddSingleton(Options.Create(new Operations.FailedAuthOptions()));
        services.AddSingleton<Operations.FailedAuthenticationLimiter>();
        services.AddAuthentication(Api.Http.BasicAuthentication.Scheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, Api.Http.BasicAuthenticationHandler>(Api.Http.BasicAuthentication.Scheme, null);
        await using var provider = services.BuildServiceProvider();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = provider };
        context.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"));

        var result = await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.AuthenticateAsync(context, Api.Http.BasicAuthentication.Scheme);

        Assert.True(result.Succeeded);
        Assert.Equal(user, result.Principal!.Identity!.Name);
        Assert.Equal(EngineHost.AccountSid, result.Principal.FindFirst(Api.Http.BasicAuthentication.AccountSidClaim)?.Value);
        Assert.Equal(apiKeySid, result.Principal.FindFirst(Api.Http.BasicAuthentication.ApiKeySidClaim)?.Value);
    }
}
