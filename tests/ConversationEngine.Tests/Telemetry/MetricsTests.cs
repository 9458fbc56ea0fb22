using System.Net;
using ConversationEngine.Tests.Http;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Telemetry;

/// <summary>
/// A host's provider takes its own meters and the process-wide ones (the runtime's); these tests
/// still run alone (after the parallel ones) on hosts of their own, so the process-wide series
/// they read move only with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeteredHosts
{
    public const string Name = "metrics";
}

/// <summary><c>GET /metrics</c>: the engine's meters as Prometheus scrapes them, and who may scrape.</summary>
[Collection(MeteredHosts.Name)]
public sealed class MetricsTests
{
    private const string OurNumber = "+15005550006";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_scripted_flow_shows_on_metrics_with_exact_counts()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await EngineHost.StartAsync(settings: DeliveryFixture.Settings(twilio));
        var client = host.Client;
        // The test calls back as Twilio, one status after the other, so none overtakes the send.
        twilio.Callbacks = StatusCallbackPlan.None;

        // The application hears onMessageAdded only; inbound messages always fire it.
        await client.PostFormAsync("/v1/Configuration/Webhooks",
            ("PostWebhookUrl", receiver.Url("/events")), ("Method", "POST"), ("Target", "webhook"), ("Filters", "onMessageAdded")).ExpectAsync(HttpStatusCode.OK);
        var conversation = (string)(await client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var customer = Numbers.NextUs();
        await client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", OurNumber)).ExpectAsync(HttpStatusCode.Created);
        await client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "agent-7")).ExpectAsync(HttpStatusCode.Created);

        // A message in (routed), an agent's answer out (sent, then delivered by Twilio's callbacks).
        await ExpectOkAsync(host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), customer, OurNumber, "Where is my order?")));
        var answer = (string)(await client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "agent-7"), ("Body", "On its way"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var sent = await twilio.WaitForMessagesAsync(1, Patience);
        foreach (var status in new[] { "sent", "delivered" })
        {
            await ExpectOkAsync(host.PostSignedAsync("/webhooks/twilio/status", SignedWebhooks.Status(sent.Sid, status, from: OurNumber, to: customer)));
            await Eventually.ValueAsync(
                async () => (string?)(await client.GetAsync($"/v1/Conversations/{conversation}/Messages/{answer}/Receipts").ExpectAsync(HttpStatusCode.OK))["delivery_receipts"]!.AsArray().FirstOrDefault()?["status"],
                current => current == status,
                Patience,
                $"the receipt to be {status}");
        }

        // STOP (routed, an opt-out), then an answer the opt-out refuses (21610); a message no
        // conversation takes; a forged one.
        await ExpectOkAsync(host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), customer, OurNumber, "STOP")));
        await client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "agent-7"), ("Body", "Sorry to see you go")).ExpectAsync(HttpStatusCode.Created);
        await ExpectOkAsync(host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), Numbers.NextUs(), Numbers.NextUs(), "anyone?")));
        using (var forged = await host.SendWebhookAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), customer, OurNumber, "forged"), signature: null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }

        await receiver.ReceivedAsync("/events", 2, Patience);

        (string Name, (string, string)[] Labels, double Value)[] expected =
        [
            ("engine_messages_accepted_total", [("channel", "sms")], 2),
            ("engine_messages_accepted_total", [("channel", "chat")], 2),
            ("engine_inbound_messages_total", [("channel", "sms"), ("outcome", "routed")], 2),
            ("engine_inbound_messages_total", [("channel", "sms"), ("outcome", "unroutable")], 1),
            ("engine_inbound_messages_total", [("outcome", "refused")], 1),
            ("engine_contacts_opt_outs_total", [("channel", "sms")], 1),
            ("engine_deliveries_attempts_total", [("channel", "sms"), ("outcome", "submitted")], 1),
            ("engine_deliveries_attempts_total", [("channel", "sms"), ("outcome", "failed")], 1),
            ("engine_deliveries_status_total", [("channel", "sms"), ("status", "sent")], 1),
            ("engine_deliveries_status_total", [("channel", "sms"), ("status", "delivered")], 1),
            ("engine_deliveries_status_total", [("status", "failed"), ("error_code", "21610")], 1),
            ("engine_sender_segments_total", [("sender", OurNumber)], 1),
            ("engine_sender_rate_per_second", [("sender", OurNumber)], 1),
            ("engine_webhooks_attempts_total", [("event_type", "onMessageAdded"), ("outcome", "delivered")], 2),
            ("engine_webhooks_attempts_total", [("outcome", "retry")], 0),
            ("engine_outbox_pending", [], 0),
            ("engine_webhooks_pending", [], 0),
            ("engine_webhooks_retrying", [], 0),
        ];

        // Callbacks and webhooks finish in the background: read until every count is there (or time is up).
        var deadline = DateTimeOffset.UtcNow + Patience;
        var scrape = await ScrapeAsync(client);
        while (!expected.All(e => (scrape.Sum(e.Name, e.Labels) ?? 0) == e.Value) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200);
            scrape = await ScrapeAsync(client);
        }

        foreach (var (name, labels, value) in expected)
        {
            Assert.True((scrape.Sum(name, labels) ?? 0) == value, $"{name}{{{string.Join(',', labels.Select(l => $"{l.Item1}=\"{l.Item2}\""))}}} is {scrape.Sum(name, labels)}, not {value}:\n{Engine(scrape)}");
        }

        // Nothing the flow did not do: no timers, no opt-ins, no other statuses.
        Assert.Null(scrape.Sum("engine_timers_fired_total"));
        Assert.Null(scrape.Sum("engine_contacts_opt_ins_total"));
        Assert.Equal(3, scrape.Sum("engine_deliveries_status_total"));
        // The other meters are there too: ASP.NET Core's, HttpClient's (the Twilio calls), the runtime's, Orleans'.
        Assert.True(scrape.Has("http_server_request_duration_seconds_count"), scrape.Text);
        Assert.True(scrape.Has("http_client_request_duration_seconds_count"), scrape.Text);
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_hosts_metrics_are_its_own_when_other_hosts_share_its_process()
    {
        await using var quiet = await EngineHost.StartAsync();
        for (var round = 0; round < 2; round++)
        {
            // Another host in the process, busy, then gone: its meters carry the same names as the quiet host's.
            await using (var busy = await EngineHost.StartAsync())
            {
                var conversation = (string)(await busy.Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
                for (var i = 0; i < 3; i++)
                {
                    await busy.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "agent-7"), ("Body", $"hello {i}")).ExpectAsync(HttpStatusCode.Created);
                }

                Assert.Equal(3, (await ScrapeAsync(busy.Client)).Sum("engine_messages_accepted_total"));
                var beside = await ScrapeAsync(quiet.Client);
                Assert.True(beside.Sum("engine_messages_accepted_total") is null, Engine(beside));
                Assert.DoesNotContain(beside.Samples, s => s.Name == "http_server_request_duration_seconds_count" && s.Labels.Values.Any(v => v.Contains("/Messages", StringComparison.Ordinal)));
            }
        }

        var after = await ScrapeAsync(quiet.Client);
        Assert.True(after.Sum("engine_messages_accepted_total") is null, Engine(after));
        Assert.True(after.Has("engine_outbox_pending"), Engine(after));
    }

    [Fact]
    public async Task Elapsed_conversation_timers_are_counted_by_the_state_they_lead_to()
    {
        await using var host = await EngineHost.StartAsync(settings: EngineHost.ShortTimers);
        await host.Client.PostFormAsync("/v1/Conversations", ("State", "active"), ("Timers.Inactive", "PT1S"), ("Timers.Closed", "PT3S"))
            .ExpectAsync(HttpStatusCode.Created);

        var scrape = await ScrapeAsync(host.Client);
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (scrape.Sum("engine_timers_fired_total", ("state", "closed")) != 1 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200);
            scrape = await ScrapeAsync(host.Client);
        }

        Assert.True(scrape.Sum("engine_timers_fired_total", ("state", "inactive")) == 1, Engine(scrape));
        Assert.True(scrape.Sum("engine_timers_fired_total", ("state", "closed")) == 1, Engine(scrape));
    }

    [Fact]
    public async Task Metrics_need_the_account_credentials_not_an_agent_token_unless_opened_and_are_gone_when_turned_off()
    {
        await using (var host = await EngineHost.StartAsync())
        {
            using var anonymous = host.CreateClient();
            await anonymous.GetAsync("/metrics").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
            using var wrong = host.CreateClient(EngineHost.AccountSid, "not-the-token");
            await wrong.GetAsync("/metrics").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
            var service = (string)(await host.Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
            using var agent = host.CreateUserClient(AccessTokens.Mint("agent-7", service));
            await agent.GetAsync("/metrics").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
            using var apiKey = host.CreateClient(EngineHost.ApiKeySid, EngineHost.ApiKeySecret);
            Assert.True((await ScrapeAsync(apiKey)).Has("engine_outbox_pending"));
            Assert.True((await ScrapeAsync(host.Client)).Has("engine_outbox_pending"));
        }

        await using (var open = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Telemetry:Metrics:AllowAnonymous"] = "true" }))
        {
            using var anonymous = open.CreateClient();
            Assert.True((await ScrapeAsync(anonymous)).Has("engine_outbox_pending"));
            // Only the scrape is opened.
            await anonymous.GetAsync("/v1/Conversations").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        }

        await using (var off = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Telemetry:Metrics:Enabled"] = "false" }))
        {
            using var response = await off.Client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("Telemetry:Otlp:Endpoint", "collector:4317", "Telemetry:Otlp:Endpoint must be an absolute http or https URL")]
    [InlineData("Telemetry:Otlp:Protocol", "udp", "Telemetry:Otlp:Protocol must be grpc or http/protobuf")]
    public async Task A_bad_telemetry_setting_refuses_start_naming_the_key(string key, string value, string failure)
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => EngineHost.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(failure, error.Failures);
    }

    /// <summary>The engine's own lines of a scrape, for a failure's message.</summary>
    private static string Engine(PrometheusText scrape) =>
        string.Join('\n', scrape.Text.Split('\n').Where(l => l.Contains("engine_", StringComparison.Ordinal)));

    private static async Task<PrometheusText> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(text);
    }

    private static async Task ExpectOkAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
