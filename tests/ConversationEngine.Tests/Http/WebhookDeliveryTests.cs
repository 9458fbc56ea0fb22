using System.Collections.Concurrent;
using System.Net;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Conversations post-event webhooks as an application receives them (the scenarios; run on
/// SQLite by <see cref="WebhookDeliveryTests"/> and on PostgreSQL by <see cref="PostgresWebhookDeliveryTests"/>): a real receiver on loopback,
/// the engine configured through Twilio's own REST resources, every request checked as the
/// application would (Twilio's RequestValidator with the account's auth token).
/// </summary>
public abstract class WebhookDeliveryScenarios : IAsyncLifetime
{
    private static readonly string[] AllPostEvents =
    [
        "onConversationAdded", "onConversationUpdated", "onConversationRemoved", "onConversationStateUpdated",
        "onParticipantAdded", "onParticipantUpdated", "onParticipantRemoved",
        "onMessageAdded", "onMessageUpdated", "onMessageRemoved", "onDeliveryUpdated",
    ];

    private readonly ShiftedTime time = new();
    private WebhookReceiver receiver = null!;
    private EngineHost host = null!;

    /// <summary>Sends <c>X-Twilio-Webhook-Enabled: true</c>: REST changes that fire webhooks.</summary>
    private HttpClient loud = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        host = await StartHostAsync(dataDirectory: null);
        loud = LoudClient(host);
    }

    private Task<EngineHost> StartHostAsync(string? dataDirectory) => EngineHost.StartAsync(
        dataDirectory,
        settings: new Dictionary<string, string?>(Storage())
        {
            ["Webhooks:FirstRetryDelay"] = "00:00:00.050",
            ["Webhooks:MaxRetryDelay"] = "00:00:00.200",
            ["Webhooks:HoleGrace"] = "00:00:02",
        },
        services: services => services.AddKeyedSingleton<TimeProvider>(Events.WebhookDeliveryOptions.Clock, time));

    private static HttpClient LoudClient(EngineHost host)
    {
        var client = host.CreateClient(EngineHost.AccountSid, EngineHost.AuthToken);
        client.DefaultRequestHeaders.Add("X-Twilio-Webhook-Enabled", "true");
        return client;
    }

    /// <summary>The store's settings (none: the embedded SQLite file).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Storage() => [];

    public async Task DisposeAsync()
    {
        loud.Dispose();
        await host.DisposeAsync();
        await receiver.DisposeAsync();
    }

    protected async Task Rest_changes_with_the_header_arrive_signed_in_order_with_twilio_parameters_and_without_it_nothingAsync()
    {
        await ConfigureAccountAsync("/events", AllPostEvents);
        var quiet = await CreateConversationAsync(webhooks: false);
        var heard = await CreateConversationAsync(webhooks: true);
        await loud.PostFormAsync($"/v1/Conversations/{heard}/Participants", ("Identity", "agent-7")).ExpectAsync(HttpStatusCode.Created);
        var message = await loud.PostFormAsync($"/v1/Conversations/{heard}/Messages", ("Author", "agent-7"), ("Body", "Hello there")).ExpectAsync(HttpStatusCode.Created);
        await loud.PostFormAsync($"/v1/Conversations/{heard}", ("State", "inactive")).ExpectAsync(HttpStatusCode.OK);
        await host.Client.PostFormAsync($"/v1/Conversations/{quiet}/Messages", ("Author", "agent-7"), ("Body", "unheard")).ExpectAsync(HttpStatusCode.Created);

        var received = await receiver.ReceivedAsync("/events", 5);
        Assert.Equal(
            ["onConversationAdded", "onParticipantAdded", "onMessageAdded", "onConversationUpdated", "onConversationStateUpdated"],
            received.Take(5).Select(r => r.Values("EventType").Single()));
        Assert.All(received, r =>
        {
            Assert.True(r.IsValidFor(EngineHost.AuthToken));
            Assert.Equal([EngineHost.AccountSid], r.Values("AccountSid"));
            Assert.Equal([heard], r.Values("ConversationSid"));
            Assert.Equal(["API"], r.Values("Source"));
            Assert.False(string.IsNullOrEmpty(r.Header("I-Twilio-Idempotency-Token")));
        });
        var added = received[2];
        Assert.Equal(((string)message["sid"]!, "0", "Hello there", "agent-7"), (added.Values("MessageSid")[0], added.Values("Index")[0], added.Values("Body")[0], added.Values("Author")[0]));
        var state = received[4];
        Assert.Equal(("active", "inactive", "API"), (state.Values("StateFrom")[0], state.Values("StateTo")[0], state.Values("Reason")[0]));

        await Task.Delay(500);
        Assert.DoesNotContain(receiver.Requests, r => r.Values("ConversationSid").Contains(quiet));
    }

    /// <summary>
    /// Users made by REST or for a chat participant's identity, and updated: onUserAdded and
    /// onUserUpdated with Twilio's parameters, through the same queues as conversation events
    /// (the user's own feed, so its token names the user), and nothing without the header.
    /// </summary>
    protected async Task User_events_arrive_with_twilio_parameters_for_rest_and_participant_made_usersAsync()
    {
        await ConfigureAccountAsync("/users", ["onUserAdded", "onUserUpdated"]);
        var service = (string)(await host.Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
        var created = await loud.PostFormAsync("/v1/Users", ("Identity", "user-webhooks"), ("FriendlyName", "Ada"), ("Attributes", """{"tier":"gold"}"""))
            .ExpectAsync(HttpStatusCode.Created);
        var user = (string)created["sid"]!;
        var updated = await loud.PostFormAsync($"/v1/Users/{user}", ("FriendlyName", "Ada L.")).ExpectAsync(HttpStatusCode.OK);
        await host.Client.PostFormAsync("/v1/Users", ("Identity", "user-quiet")).ExpectAsync(HttpStatusCode.Created);
        var conversation = await CreateConversationAsync(webhooks: true);
        await loud.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "user-by-participant")).ExpectAsync(HttpStatusCode.Created);
        var participantUser = (string)(await host.Client.GetAsync("/v1/Users/user-by-participant").ExpectAsync(HttpStatusCode.OK))["sid"]!;

        var received = await receiver.ReceivedAsync("/users", 3);
        Assert.Equal(["onUserAdded", "onUserUpdated", "onUserAdded"], received.Take(3).Select(r => r.Values("EventType").Single()));
        Assert.All(received, r =>
        {
            Assert.True(r.IsValidFor(EngineHost.AuthToken));
            Assert.Equal([EngineHost.AccountSid], r.Values("AccountSid"));
            Assert.Equal([service], r.Values("ChatServiceSid"));
            Assert.Equal(["API"], r.Values("Source"));
            Assert.Empty(r.Values("ConversationSid"));
        });

        var added = received[0];
        Assert.Equal(
            ["AccountSid", "EventType", "Source", "RetryCount", "ChatServiceSid", "UserSid", "DateCreated", "Identity", "RoleSid", "Attributes", "FriendlyName"],
            added.Form.Select(p => p.Key).Distinct());
        Assert.Equal((user, "user-webhooks", "Ada", """{"tier":"gold"}""", (string)created["role_sid"]!),
            (added.Values("UserSid").Single(), added.Values("Identity").Single(), added.Values("FriendlyName").Single(), added.Values("Attributes").Single(), added.Values("RoleSid").Single()));
        Assert.Equal($"{user}-1-account", added.Header("I-Twilio-Idempotency-Token"));

        var changed = received[1];
        Assert.Equal(["Ada L."], changed.Values("FriendlyName"));
        Assert.Single(changed.Values("DateCreated"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$", Assert.Single(changed.Values("DateUpdated")));
        Assert.Equal((string)updated["date_updated"]!, Assert.Single(changed.Values("DateUpdated")).Replace(".000Z", "Z", StringComparison.Ordinal));
        Assert.Equal($"{user}-2-account", changed.Header("I-Twilio-Idempotency-Token"));

        Assert.Equal([participantUser], received[2].Values("UserSid"));
        Assert.Equal(["user-by-participant"], received[2].Values("Identity"));

        await Task.Delay(500);
        Assert.DoesNotContain(receiver.Requests, r => r.Values("Identity").Contains("user-quiet"));

        // The operator API shows the user's queues as it shows a conversation's.
        await UntilAsync(async () => (long)(await QueueAsync(user))["delivered_through"]! == 2, TimeSpan.FromSeconds(10));
        Assert.Equal("account", (string?)(await QueueAsync(user))["target"]);
    }

    protected async Task A_thousand_events_of_fifty_conversations_arrive_in_each_conversations_order_without_gapsAsync()
    {
        await ConfigureAccountAsync("/many", ["onMessageAdded"]);
        var conversations = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => CreateConversationAsync(webhooks: true)));
        await Task.WhenAll(conversations.Select(async sid =>
        {
            for (var i = 0; i < 20; i++)
            {
                await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "bot"), ("Body", $"m{i}")).ExpectAsync(HttpStatusCode.Created);
            }
        }));

        var received = await receiver.ReceivedAsync("/many", 1000, TimeSpan.FromSeconds(60));
        Assert.Equal(1000, received.Count);
        foreach (var group in received.GroupBy(r => r.Values("ConversationSid")[0]))
        {
            Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), group.Select(r => r.Values("Index")[0]));
        }
    }

    protected async Task A_receiver_failing_with_500_then_recovering_gets_every_event_once_per_token_in_orderAsync()
    {
        receiver.Answer("/flaky", new ReceiverAnswer(500));
        await ConfigureAccountAsync("/flaky", ["onMessageAdded"]);
        var conversations = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => CreateConversationAsync(webhooks: true)));
        foreach (var sid in conversations)
        {
            for (var i = 0; i < 10; i++)
            {
                await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "bot"), ("Body", $"m{i}")).ExpectAsync(HttpStatusCode.Created);
            }
        }

        await receiver.ReceivedAsync("/flaky", 9);
        receiver.Answer("/flaky", new ReceiverAnswer(200));

        await UntilAsync(() => Task.FromResult(Accepted("/flaky").Count == 30), TimeSpan.FromSeconds(30));
        var accepted = Accepted("/flaky");
        Assert.Equal(30, accepted.Select(r => r.Header("I-Twilio-Idempotency-Token")).Distinct().Count());
        foreach (var group in accepted.GroupBy(r => r.Values("ConversationSid")[0]))
        {
            Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), group.Select(r => r.Values("Index")[0]));
        }

        // Retries carry the token of their event and count themselves.
        var retried = receiver.Requests.Where(r => r.Header("I-Twilio-Idempotency-Token") == accepted[0].Header("I-Twilio-Idempotency-Token")).ToList();
        Assert.True(retried.Count > 1);
        Assert.Equal(Enumerable.Range(0, retried.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), retried.Select(r => r.Values("RetryCount")[0]));
    }

    protected async Task A_receiver_down_for_ten_minutes_loses_nothing_and_one_down_past_the_window_is_replayed_from_the_operator_apiAsync()
    {
        receiver.Answer("/down", new ReceiverAnswer(503));
        await ConfigureAccountAsync("/down", ["onMessageAdded"]);
        var sid = await CreateConversationAsync(webhooks: true);
        for (var i = 0; i < 3; i++)
        {
            await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "bot"), ("Body", $"m{i}")).ExpectAsync(HttpStatusCode.Created);
        }

        await receiver.ReceivedAsync("/down", 2);
        time.Advance(TimeSpan.FromMinutes(10));
        await receiver.ReceivedAsync("/down", receiver.Requests.Count + 2);
        var queue = await QueueAsync(sid);
        Assert.Equal(1L, (long)queue["delivered_through"]!); // onConversationAdded is not in the filters; the first message waits
        Assert.True((int)queue["attempts"]! >= 4);
        Assert.Contains("503", (string)queue["last_error"]!, StringComparison.Ordinal);

        receiver.Answer("/down", new ReceiverAnswer(200));
        await UntilAsync(() => Task.FromResult(Accepted("/down").Count == 3), TimeSpan.FromSeconds(30));
        Assert.Equal(["0", "1", "2"], Accepted("/down").Select(r => r.Values("Index")[0]));

        // Down for longer than the retry window: kept as failed, and replayed on demand.
        receiver.Answer("/down", new ReceiverAnswer(503));
        await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "bot"), ("Body", "late")).ExpectAsync(HttpStatusCode.Created);
        await receiver.ReceivedAsync("/down", receiver.Requests.Count + 1);
        time.Advance(TimeSpan.FromHours(5));
        await Eventually.ValueAsync(
            () => QueueAsync(sid),
            queue => ((System.Text.Json.Nodes.JsonArray)queue["failed"]!).Count == 1,
            TimeSpan.FromSeconds(60),
            "the late event kept as failed");
        var failed = (await QueueAsync(sid))["failed"]![0]!;
        receiver.Answer("/down", new ReceiverAnswer(200));
        await host.Client.PostFormAsync($"/engine/v1/WebhookQueues/{sid}/account/Replay", ("Sequence", ((long)failed["sequence"]!).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ExpectAsync(HttpStatusCode.Accepted);
        await UntilAsync(() => Task.FromResult(Accepted("/down").Count == 4), TimeSpan.FromSeconds(30));
        Assert.Equal("late", Accepted("/down")[3].Values("Body")[0]);
    }

    protected async Task A_scoped_webhook_replays_from_its_index_and_a_trigger_fires_only_on_its_wordsAsync()
    {
        var sid = await CreateConversationAsync(webhooks: true);
        foreach (var body in new[] { "zero", "one", "two" })
        {
            await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "bot"), ("Body", body)).ExpectAsync(HttpStatusCode.Created);
        }

        await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Webhooks",
            ("Target", "webhook"), ("Configuration.Url", receiver.Url("/scoped")), ("Configuration.Filters", "onMessageAdded"), ("Configuration.ReplayAfter", "1"))
            .ExpectAsync(HttpStatusCode.Created);
        await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Webhooks",
            ("Target", "trigger"), ("Configuration.Url", receiver.Url("/trigger")), ("Configuration.Method", "GET"), ("Configuration.Filters", "onMessageAdded"), ("Configuration.Triggers", "help"))
            .ExpectAsync(HttpStatusCode.Created);
        await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "bot"), ("Body", "three")).ExpectAsync(HttpStatusCode.Created);
        await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "guest"), ("Body", "I need help!")).ExpectAsync(HttpStatusCode.Created);

        var scoped = await receiver.ReceivedAsync("/scoped", 4);
        Assert.Equal(["one", "two", "three", "I need help!"], scoped.Select(r => r.Values("Body")[0]));
        var trigger = Assert.Single(await receiver.ReceivedAsync("/trigger", 1));
        Assert.Equal(("GET", "I need help!"), (trigger.Method, trigger.Values("Body")[0]));
        Assert.True(trigger.IsValidFor(EngineHost.AuthToken));
    }

    protected async Task An_inbound_sms_fires_its_webhooks_without_any_header_with_source_smsAsync()
    {
        await ConfigureAccountAsync("/inbound", ["onMessageAdded"]);
        var sid = await CreateConversationAsync(webhooks: false);
        var customer = Numbers.NextUs();
        await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Participants", ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", "+15005550006"))
            .ExpectAsync(HttpStatusCode.Created);

        using var answer = await host.PostSignedAsync("/webhooks/twilio/messages", SignedWebhooks.Inbound(Sids.New("SM"), customer, "+15005550006", "hello from a phone"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var added = Assert.Single(await receiver.ReceivedAsync("/inbound", 1));
        Assert.Equal(["SMS"], added.Values("Source"));
        Assert.Equal(["hello from a phone"], added.Values("Body"));
        Assert.Equal([customer], added.Values("Author"));
        Assert.True(added.IsValidFor(EngineHost.AuthToken));
    }

    protected async Task A_delivery_receipt_moving_fires_on_delivery_updatedAsync()
    {
        await ConfigureAccountAsync("/receipts", ["onDeliveryUpdated"]);
        var sid = await CreateConversationAsync(webhooks: false);
        var customer = Numbers.NextUs();
        var participant = await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Participants", ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", "+15005550006"))
            .ExpectAsync(HttpStatusCode.Created);
        var message = await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "agent"), ("Body", "your order shipped")).ExpectAsync(HttpStatusCode.Created);

        // The sandbox reports what a carrier would: sent, then delivered.
        var updates = await receiver.ReceivedAsync("/receipts", 2);
        Assert.Equal(["sent", "delivered"], updates.Take(2).Select(u => u.Values("Status")[0]));
        Assert.All(updates, u =>
        {
            Assert.Equal([(string)message["sid"]!], u.Values("MessageSid"));
            Assert.Equal([(string)participant["sid"]!], u.Values("ParticipantSid"));
            Assert.StartsWith("DY", u.Values("DeliveryReceiptSid")[0], StringComparison.Ordinal);
            Assert.True(u.IsValidFor(EngineHost.AuthToken));
        });
    }

    protected async Task Events_recorded_before_a_restart_are_delivered_after_itAsync()
    {
        receiver.Answer("/restart", new ReceiverAnswer(503));
        await ConfigureAccountAsync("/restart", ["onMessageAdded"]);
        var sid = await CreateConversationAsync(webhooks: true);
        for (var i = 0; i < 3; i++)
        {
            await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "bot"), ("Body", $"m{i}")).ExpectAsync(HttpStatusCode.Created);
        }

        await receiver.ReceivedAsync("/restart", 1);
        var data = host.DataDirectory;
        loud.Dispose();
        await host.DisposeAsync();
        receiver.Answer("/restart", new ReceiverAnswer(200));
        host = await StartHostAsync(data);
        loud = LoudClient(host);

        // Nobody posts after the restart: the queue's reminder or the starting silo's sweep resumes it.
        await UntilAsync(() => Task.FromResult(Accepted("/restart").Count == 3), TimeSpan.FromSeconds(90));
        Assert.Equal(["0", "1", "2"], Accepted("/restart").Select(r => r.Values("Index")[0]));
    }

    private static Task<bool> UntilAsync(Func<Task<bool>> done, TimeSpan timeout) =>
        Eventually.ValueAsync(done, d => d, timeout, "the webhooks expected");

    private List<ReceivedWebhook> Accepted(string path) =>
        receiver.Requests.Where(r => r.Path == path && r.Status == 200).ToList();

    private async Task<System.Text.Json.Nodes.JsonNode> QueueAsync(string conversationSid)
    {
        var queues = await host.Client.GetAsync($"/engine/v1/WebhookQueues/{conversationSid}").ExpectAsync(HttpStatusCode.OK);
        return queues["queues"]![0]!;
    }

    private async Task ConfigureAccountAsync(string path, IEnumerable<string> filters) =>
        await host.Client.PostFormAsync("/v1/Configuration/Webhooks",
            [("PostWebhookUrl", receiver.Url(path)), ("Method", "POST"), ("Target", "webhook"), .. filters.Select(f => ("Filters", f))]).ExpectAsync(HttpStatusCode.OK);

    private async Task<string> CreateConversationAsync(bool webhooks)
    {
        var client = webhooks ? loud : host.Client;
        return (string)(await client.PostFormAsync("/v1/Conversations", ("FriendlyName", "webhooks")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
    }

    /// <summary>The real clock moved on by what a test says: ten minutes of outage in no time (for the webhook queues only).</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        private long offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref offsetTicks));
    }
}

public sealed class WebhookDeliveryTests : WebhookDeliveryScenarios
{
    [Fact]
    public Task Rest_changes_with_the_header_arrive_signed_in_order_with_twilio_parameters_and_without_it_nothing() => Rest_changes_with_the_header_arrive_signed_in_order_with_twilio_parameters_and_without_it_nothingAsync();

    [Fact]
    public Task User_events_arrive_with_twilio_parameters_for_rest_and_participant_made_users() => User_events_arrive_with_twilio_parameters_for_rest_and_participant_made_usersAsync();

    [Fact]
    public Task A_thousand_events_of_fifty_conversations_arrive_in_each_conversations_order_without_gaps() => A_thousand_events_of_fifty_conversations_arrive_in_each_conversations_order_without_gapsAsync();

    [Fact]
    public Task A_receiver_failing_with_500_then_recovering_gets_every_event_once_per_token_in_order() => A_receiver_failing_with_500_then_recovering_gets_every_event_once_per_token_in_orderAsync();

    [Fact]
    public Task A_receiver_down_for_ten_minutes_loses_nothing_and_one_down_past_the_window_is_replayed_from_the_operator_api() => A_receiver_down_for_ten_minutes_loses_nothing_and_one_down_past_the_window_is_replayed_from_the_operator_apiAsync();

    [Fact]
    public Task A_scoped_webhook_replays_from_its_index_and_a_trigger_fires_only_on_its_words() => A_scoped_webhook_replays_from_its_index_and_a_trigger_fires_only_on_its_wordsAsync();

    [Fact]
    public Task An_inbound_sms_fires_its_webhooks_without_any_header_with_source_sms() => An_inbound_sms_fires_its_webhooks_without_any_header_with_source_smsAsync();

    [Fact]
    public Task Events_recorded_before_a_restart_are_delivered_after_it() => Events_recorded_before_a_restart_are_delivered_after_itAsync();

    [Fact]
    public Task A_delivery_receipt_moving_fires_on_delivery_updated() => A_delivery_receipt_moving_fires_on_delivery_updatedAsync();
}

public sealed class PostgresWebhookDeliveryTests : WebhookDeliveryScenarios
{
    /// <summary>One cluster and service per test, the same across its restart.</summary>
    private readonly string id = Guid.NewGuid().ToString("N")[..12];

    protected override IEnumerable<KeyValuePair<string, string?>> Storage() => Postgres.Available
        ?
        [
            new("Storage:Provider", "PostgreSql"),
            new("Storage:ConnectionString", Postgres.Get()),
            new("Orleans:ClusterId", "webhooks-" + id),
            new("Orleans:ServiceId", "webhooks-" + id),
        ]
        : [];

    [PostgresFact]
    public Task Rest_changes_with_the_header_arrive_signed_in_order_with_twilio_parameters_and_without_it_nothing() => Rest_changes_with_the_header_arrive_signed_in_order_with_twilio_parameters_and_without_it_nothingAsync();

    [PostgresFact]
    public Task User_events_arrive_with_twilio_parameters_for_rest_and_participant_made_users() => User_events_arrive_with_twilio_parameters_for_rest_and_participant_made_usersAsync();

    [PostgresFact]
    public Task A_thousand_events_of_fifty_conversations_arrive_in_each_conversations_order_without_gaps() => A_thousand_events_of_fifty_conversations_arrive_in_each_conversations_order_without_gapsAsync();

    [PostgresFact]
    public Task A_receiver_failing_with_500_then_recovering_gets_every_event_once_per_token_in_order() => A_receiver_failing_with_500_then_recovering_gets_every_event_once_per_token_in_orderAsync();

    [PostgresFact]
    public Task A_receiver_down_for_ten_minutes_loses_nothing_and_one_down_past_the_window_is_replayed_from_the_operator_api() => A_receiver_down_for_ten_minutes_loses_nothing_and_one_down_past_the_window_is_replayed_from_the_operator_apiAsync();

    [PostgresFact]
    public Task A_scoped_webhook_replays_from_its_index_and_a_trigger_fires_only_on_its_words() => A_scoped_webhook_replays_from_its_index_and_a_trigger_fires_only_on_its_wordsAsync();

    [PostgresFact]
    public Task An_inbound_sms_fires_its_webhooks_without_any_header_with_source_sms() => An_inbound_sms_fires_its_webhooks_without_any_header_with_source_smsAsync();

    [PostgresFact]
    public Task Events_recorded_before_a_restart_are_delivered_after_it() => Events_recorded_before_a_restart_are_delivered_after_itAsync();

    [PostgresFact]
    public Task A_delivery_receipt_moving_fires_on_delivery_updated() => A_delivery_receipt_moving_fires_on_delivery_updatedAsync();
}
