using System.Net;
using System.Text.Json.Nodes;
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

    private static readonly string[] PreActions =
    [
        "onConversationAdd", "onConversationUpdate", "onConversationRemove",
        "onMessageAdd", "onMessageUpdate", "onMessageRemove",
        "onParticipantAdd", "onParticipantUpdate", "onParticipantRemove",
    ];

    private WebhookReceiver receiver = null!;
    private EngineHost host = null!;
    private HttpClient loud = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        // Short enough for the no-answer test (its hook answers after 3 s), long enough that a loaded
        // machine's hook still answers in time (at 0.5 s a busy CI let a 403 through as a timeout).
        host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Webhooks:PreActionTimeout"] = "00:00:02" });
        loud = host.CreateClient(EngineHost.AccountSid, EngineHost.AuthToken);
        loud.DefaultRequestHeaders.Add("X-Twilio-Webhook-Enabled", "true");
        await host.Client.PostFormAsync("/v1/Configuration/Webhooks",
            [("PreWebhookUrl", receiver.Url("/pre")), ("Method", "POST"), ("Target", "webhook"), .. PreActions.Select(e => ("Filters", e)), ("Filters", "onUserUpdate")])
            .ExpectAsync(HttpStatusCode.OK);
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

    [Fact]
    public async Task Each_update_and_removal_is_asked_signed_with_the_resource_as_it_would_be()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, "{}"));
        var (conversation, participant, message) = await SeedAsync();
        var (sid, participantSid, messageSid) = ((string)conversation["sid"]!, (string)participant["sid"]!, (string)message["sid"]!);

        await loud.PostFormAsync($"/v1/Conversations/{sid}", ("FriendlyName", "after")).ExpectAsync(HttpStatusCode.OK);
        var asked = await AskedAsync(1, "onConversationUpdate");
        Assert.Equal([sid], asked.Values("ConversationSid"));
        Assert.Equal(["after"], asked.Values("FriendlyName"));
        Assert.Equal(["active"], asked.Values("State"));
        Assert.Equal([(string)conversation["chat_service_sid"]!], asked.Values("ChatServiceSid"));
        AssertDate((string)conversation["date_created"]!, asked.Values("DateCreated"));
        AssertDate((string)conversation["date_updated"]!, asked.Values("DateUpdated"));

        await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages/{messageSid}", ("Body", "edited")).ExpectAsync(HttpStatusCode.OK);
        asked = await AskedAsync(2, "onMessageUpdate");
        Assert.Equal([messageSid], asked.Values("MessageSid"));
        Assert.Equal(["0"], asked.Values("Index"));
        Assert.Equal(("edited", "alice"), (asked.Values("Body").Single(), asked.Values("Author").Single()));
        Assert.Equal([participantSid], asked.Values("ParticipantSid"));
        AssertDate((string)message["date_created"]!, asked.Values("DateCreated"));

        await loud.PostFormAsync($"/v1/Conversations/{sid}/Participants/{participantSid}", ("Attributes", """{"tier":"platinum"}""")).ExpectAsync(HttpStatusCode.OK);
        asked = await AskedAsync(3, "onParticipantUpdate");
        Assert.Equal([participantSid], asked.Values("ParticipantSid"));
        Assert.Equal(["alice"], asked.Values("Identity"));
        Assert.Equal(["""{"tier":"platinum"}"""], asked.Values("Attributes"));
        AssertDate((string)participant["date_updated"]!, asked.Values("DateUpdated"));

        await loud.DeleteAsync($"/v1/Conversations/{sid}/Messages/{messageSid}").ExpectAsync(HttpStatusCode.NoContent);
        asked = await AskedAsync(4, "onMessageRemove");
        Assert.Equal([sid], asked.Values("ConversationSid"));
        Assert.Equal([messageSid], asked.Values("MessageSid"));
        Assert.Equal(["edited"], asked.Values("Body"));

        await loud.DeleteAsync($"/v1/Conversations/{sid}/Participants/{participantSid}").ExpectAsync(HttpStatusCode.NoContent);
        asked = await AskedAsync(5, "onParticipantRemove");
        Assert.Equal([sid], asked.Values("ConversationSid"));
        Assert.Equal([participantSid], asked.Values("ParticipantSid"));
        Assert.Equal(["""{"tier":"platinum"}"""], asked.Values("Attributes"));

        await loud.DeleteAsync($"/v1/Conversations/{sid}").ExpectAsync(HttpStatusCode.NoContent);
        asked = await AskedAsync(6, "onConversationRemove");
        Assert.Equal([sid], asked.Values("ConversationSid"));
        Assert.Equal(["after"], asked.Values("FriendlyName"));
        Assert.Equal(["API"], asked.Values("Source"));
    }

    [Fact]
    public async Task A_403_rejects_each_update_and_removal_and_nothing_changes()
    {
        var (conversation, participant, message) = await SeedAsync();
        var (sid, participantSid, messageSid) = ((string)conversation["sid"]!, (string)participant["sid"]!, (string)message["sid"]!);
        receiver.Answer("/pre", new ReceiverAnswer(403));

        await loud.PostFormAsync($"/v1/Conversations/{sid}", ("FriendlyName", "after")).ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages/{messageSid}", ("Body", "edited")).ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        await loud.PostFormAsync($"/v1/Conversations/{sid}/Participants/{participantSid}", ("Attributes", "{}")).ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        await loud.DeleteAsync($"/v1/Conversations/{sid}/Messages/{messageSid}").ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        await loud.DeleteAsync($"/v1/Conversations/{sid}/Participants/{participantSid}").ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        await loud.DeleteAsync($"/v1/Conversations/{sid}").ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);

        Assert.Equal(PreActions.Where(e => !e.EndsWith("Add", StringComparison.Ordinal)).Order(), receiver.Requests.SelectMany(r => r.Values("EventType")).Order());
        var stored = await host.Client.GetAsync($"/v1/Conversations/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("before", (string?)conversation["date_updated"]), ((string?)stored["friendly_name"], (string?)stored["date_updated"]));
        var storedMessage = await host.Client.GetAsync($"/v1/Conversations/{sid}/Messages/{messageSid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("hello", (string?)storedMessage["body"]);
        var storedParticipant = await host.Client.GetAsync($"/v1/Conversations/{sid}/Participants/{participantSid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""{"tier":"gold"}""", (string?)storedParticipant["attributes"]);
    }

    [Fact]
    public async Task Updates_take_the_modified_fields_and_a_participant_update_takes_none()
    {
        var (conversation, participant, message) = await SeedAsync();
        var (sid, participantSid, messageSid) = ((string)conversation["sid"]!, (string)participant["sid"]!, (string)message["sid"]!);
        receiver.Answer("/pre", new ReceiverAnswer(200, """{"friendly_name":"Support #7","body":"[redacted]","author":"moderator","attributes":{"checked":true}}""", "application/json"));

        var renamed = await loud.PostFormAsync($"/v1/Conversations/{sid}", ("FriendlyName", "mine"), ("Attributes", """{"topic":"billing"}""")).ExpectAsync(HttpStatusCode.OK);
        await loud.PostFormAsync($"/v1/Conversations/{sid}/Messages/{messageSid}", ("Body", "my card is 4111…")).ExpectAsync(HttpStatusCode.OK);
        var updatedParticipant = await loud.PostFormAsync($"/v1/Conversations/{sid}/Participants/{participantSid}", ("Attributes", """{"tier":"platinum"}""")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("Support #7", """{"topic":"billing"}"""), ((string?)renamed["friendly_name"], (string?)renamed["attributes"]));
        var stored = await host.Client.GetAsync($"/v1/Conversations/{sid}/Messages/{messageSid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("[redacted]", "moderator", """{"checked":true}"""), ((string?)stored["body"], (string?)stored["author"], (string?)stored["attributes"]));
        Assert.Equal("""{"tier":"platinum"}""", (string?)updatedParticipant["attributes"]);
    }

    [Fact]
    public async Task Updates_and_removals_without_the_header_ask_nobody()
    {
        var (conversation, participant, message) = await SeedAsync();
        var (sid, participantSid, messageSid) = ((string)conversation["sid"]!, (string)participant["sid"]!, (string)message["sid"]!);
        receiver.Answer("/pre", new ReceiverAnswer(403));

        await host.Client.PostFormAsync($"/v1/Conversations/{sid}", ("FriendlyName", "after")).ExpectAsync(HttpStatusCode.OK);
        await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Messages/{messageSid}", ("Body", "edited")).ExpectAsync(HttpStatusCode.OK);
        await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Participants/{participantSid}", ("Attributes", "{}")).ExpectAsync(HttpStatusCode.OK);
        await host.Client.DeleteAsync($"/v1/Conversations/{sid}/Messages/{messageSid}").ExpectAsync(HttpStatusCode.NoContent);
        await host.Client.DeleteAsync($"/v1/Conversations/{sid}/Participants/{participantSid}").ExpectAsync(HttpStatusCode.NoContent);
        await host.Client.DeleteAsync($"/v1/Conversations/{sid}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Empty(receiver.Requests);
    }

    /// <summary>
    /// onUserUpdate is asked before a user update with Twilio's parameters (the requested changes laid
    /// over the user); a 4xx or 5xx refuses it (403 / 20403, nothing changes), {} lets it through;
    /// creating a user (REST or a participant's identity) asks nothing, as Twilio has no onUserAdd.
    /// </summary>
    [Fact]
    public async Task A_user_update_asks_on_user_update_which_may_refuse_it()
    {
        var user = await loud.PostFormAsync("/v1/Users", ("Identity", "hooked-user"), ("FriendlyName", "before"), ("Attributes", """{"a":1}""")).ExpectAsync(HttpStatusCode.Created);
        var (sid, service) = ((string)user["sid"]!, (string)user["chat_service_sid"]!);
        Assert.Empty(receiver.Requests);

        receiver.Answer("/pre", new ReceiverAnswer(403));
        await loud.PostFormAsync($"/v1/Users/{sid}", ("FriendlyName", "after")).ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        var refused = await AskedAsync(1, "onUserUpdate");
        Assert.Equal(
            ["EventType", "AccountSid", "ChatServiceSid", "UserSid", "DateUpdated", "Identity", "RoleSid", "Attributes", "FriendlyName", "Source"],
            refused.Parameters.Select(p => p.Key).Distinct());
        Assert.Equal((service, sid, "hooked-user", (string)user["role_sid"]!, """{"a":1}""", "after", "API"),
            (refused.Values("ChatServiceSid").Single(), refused.Values("UserSid").Single(), refused.Values("Identity").Single(), refused.Values("RoleSid").Single(),
             refused.Values("Attributes").Single(), refused.Values("FriendlyName").Single(), refused.Values("Source").Single()));
        AssertDate((string)user["date_updated"]!, refused.Values("DateUpdated"));
        var stored = await host.Client.GetAsync($"/v1/Users/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("before", (string?)user["date_updated"]), ((string?)stored["friendly_name"], (string?)stored["date_updated"]));

        // Without the header nobody is asked; with it and {} the update goes through.
        await host.Client.PostFormAsync($"/v1/Users/{sid}", ("Attributes", """{"a":2}""")).ExpectAsync(HttpStatusCode.OK);
        receiver.Answer("/pre", new ReceiverAnswer(200, "{}", "application/json"));
        var updated = await loud.PostFormAsync($"/v1/Users/{sid}", ("FriendlyName", "after")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("after", (string?)updated["friendly_name"]);
        Assert.Equal(["""{"a":2}"""], (await AskedAsync(2, "onUserUpdate")).Values("Attributes"));
        Assert.Equal(2, receiver.Requests.Count);
    }

    /// <summary>Twilio's webhook date form of a resource's date: the same second, with milliseconds.</summary>
    private static void AssertDate(string resourceDate, IReadOnlyList<string> sent) =>
        Assert.Matches("^" + resourceDate.TrimEnd('Z').Replace(".", @"\.", StringComparison.Ordinal) + @"\.\d{3}Z$", Assert.Single(sent));

    /// <summary>The <paramref name="count"/>th request to the hook, checked for its event and signature.</summary>
    private async Task<ReceivedWebhook> AskedAsync(int count, string eventType)
    {
        var asked = (await receiver.ReceivedAsync("/pre", count))[count - 1];
        Assert.Equal([eventType], asked.Values("EventType"));
        Assert.Equal([EngineHost.AccountSid], asked.Values("AccountSid"));
        Assert.True(asked.IsValidFor(EngineHost.AuthToken));
        return asked;
    }

    /// <summary>A conversation with a chat participant and a message by her, made without the header (no hook asked).</summary>
    private async Task<(JsonObject Conversation, JsonObject Participant, JsonObject Message)> SeedAsync()
    {
        var conversation = await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "before")).ExpectAsync(HttpStatusCode.Created);
        var sid = (string)conversation["sid"]!;
        var participant = await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Participants", ("Identity", "alice"), ("Attributes", """{"tier":"gold"}""")).ExpectAsync(HttpStatusCode.Created);
        var message = await host.Client.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Author", "alice"), ("Body", "hello")).ExpectAsync(HttpStatusCode.Created);
        return (conversation, participant, message);
    }

    private async Task<string> CreateConversationAsync() =>
        (string)(await loud.PostFormAsync("/v1/Conversations", ("FriendlyName", "moderated")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
}
