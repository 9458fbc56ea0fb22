using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Pre-action hooks as an application answers them, row by row of Twilio's table: {} proceeds,
/// JSON modifies, 4xx and 5xx reject (nothing stored), no answer in time proceeds unmodified.
/// REST writes ask them only with X-Twilio-Webhook-Enabled: true; inbound messages always.
/// </summary>
public sealed class PreActionHookTests : IAsyncLifetime
{
    private const string OurNumber = "+15005550006";

    private WebhookReceiver receiver = null!;
    private EngineHost host = null!;
    private HttpClient loud = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Webhooks:PreActionTimeout"] = "00:00:00.500" });
        loud = host.CreateClient(EngineHost.AccountSid, EngineHost.AuthToken);
        loud.DefaultRequestHeaders.Add("X-Twilio-Webhook-Enabled", "true");
        await host.Client.PostFormAsync("/v1/Configuration/Webhooks",
            ("PreWebhookUrl", receiver.Url("/pre")), ("Method", "POST"), ("Target", "webhook"),
            ("Filters", "onMessageAdd"), ("Filters", "onConversationAdd"), ("Filters", "onParticipantAdd")).ExpectAsync(HttpStatusCode.OK);
    }

    public async Task DisposeAsync()
    {
        loud.Dispose();
        await host.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task An_empty_object_publishes_unmodified_and_the_hook_saw_the_message_signed()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, "{}", "application/json"));
        var sid = await CreateConversationAsync();

        var message = await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "agent"), ("Body", "as written")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(("as written", "agent"), ((string?)message["body"], (string?)message["author"]));
        var asked = (await receiver.ReceivedAsync("/pre", 2)).Last();
        Assert.Equal(["onMessageAdd"], asked.Values("EventType"));
        Assert.Equal(["as written"], asked.Values("Body"));
        Assert.Equal([sid], asked.Values("ConversationSid"));
        Assert.True(asked.IsValidFor(EngineHost.AuthToken));
    }

    [Fact]
    public async Task Json_of_modifiable_fields_replaces_them_and_keeps_the_others()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, """{"body":"[redacted]","attributes":{"moderated":true}}""", "application/json"));
        var sid = await CreateConversationAsync();

        var message = await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "guest"), ("Body", "my card is 4111…")).ExpectAsync(HttpStatusCode.Created);
        var stored = await host.Client.GetAsync($"/v1/Conversations/{sid}/Messages/{message["sid"]}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("[redacted]", "guest", """{"moderated":true}"""), ((string?)stored["body"], (string?)stored["author"], (string?)stored["attributes"]));
    }

    [Theory]
    [InlineData(403)]
    [InlineData(500)]
    public async Task A_4xx_or_5xx_rejects_and_nothing_is_stored(int status)
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, "{}"));
        var sid = await CreateConversationAsync();
        receiver.Answer("/pre", new ReceiverAnswer(status));

        await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "guest"), ("Body", "spam")).ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        await loud.PostFormAsync($"/v1/Conversations/{sid}/Participants", ("Identity", "intruder")).ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        await loud.PostFormAsync("/v1/Conversations", ("FriendlyName", "refused")).ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);

        var messages = await host.Client.GetAsync($"/v1/Conversations/{sid}/Messages").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(messages["messages"]!.AsArray());
        var participants = await host.Client.GetAsync($"/v1/Conversations/{sid}/Participants").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(participants["participants"]!.AsArray());
    }

    [Fact]
    public async Task No_answer_within_the_timeout_publishes_unmodified()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, """{"friendly_name":"too late"}""", "application/json", Delay: TimeSpan.FromSeconds(3)));

        var conversation = await loud.PostFormAsync("/v1/Conversations", ("FriendlyName", "on time")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("on time", (string?)conversation["friendly_name"]);
    }

    [Fact]
    public async Task A_conversation_name_is_modified_and_rest_writes_without_the_header_ask_nobody()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, """{"friendly_name":"Support #1"}""", "application/json"));
        var before = receiver.Requests.Count;

        var quiet = await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "as given")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(before, receiver.Requests.Count);
        var modified = await loud.PostFormAsync("/v1/Conversations", ("FriendlyName", "as given")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(("as given", "Support #1"), ((string?)quiet["friendly_name"], (string?)modified["friendly_name"]));
    }

    [Fact]
    public async Task An_inbound_sms_rejected_by_on_message_add_is_dropped_and_recorded()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, "{}"));
        var sid = await CreateConversationAsync();
        var customer = Numbers.NextUs();
        await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Participants", ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", OurNumber))
            .ExpectAsync(HttpStatusCode.Created);
        receiver.Answer("/pre", new ReceiverAnswer(400));

        var inbound = Sids.New("SM");
        using var answer = await host.PostSignedAsync("/webhooks/twilio/messages", SignedWebhooks.Inbound(inbound, customer, OurNumber, "buy now"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var asked = (await receiver.ReceivedAsync("/pre", 2)).Last();
        Assert.Equal(["onMessageAdd"], asked.Values("EventType"));
        Assert.Equal(["SMS"], asked.Values("Source"));
        var messages = await host.Client.GetAsync($"/v1/Conversations/{sid}/Messages").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(messages["messages"]!.AsArray());
        var outcome = await host.Client.GetAsync($"/engine/v1/InboundMessages/{inbound}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("rejected", (string?)outcome["outcome"]);
    }

    private async Task<string> CreateConversationAsync() =>
        (string)(await loud.PostFormAsync("/v1/Conversations", ("FriendlyName", "moderated")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
}
