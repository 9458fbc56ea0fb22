using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Conversations;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// The engine's own hand-over operations: <c>POST /engine/v1/Conversations/{ConversationSid}/Transfer</c>
/// (one agent hands the conversation to another, as one stored change) and <c>…/Reopen</c> (a closed
/// conversation again as a new one with the same participants).
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class TransferTests(EngineFixture fixture)
{
    private const string Proxy = "+15005550006";

    private EngineHost Host => fixture.Host;

    private HttpClient Account => fixture.Host.Client;

    [Fact]
    public async Task Transfer_adds_the_receiver_removes_the_giver_and_records_it_with_its_three_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var conversation = await NewConversationAsync();
        var customer = Numbers.NextUs();
        var ana = await Account.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "agent.ana")).ExpectAsync(HttpStatusCode.Created);
        await Account.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", Proxy)).ExpectAsync(HttpStatusCode.Created);
        await Account.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks",
            ("Target", "webhook"), ("Configuration.Url", receiver.BaseUrl + "/transfer"), ("Configuration.Method", "POST"),
            ("Configuration.Filters", "onParticipantAdded"), ("Configuration.Filters", "onParticipantRemoved"), ("Configuration.Filters", "onMessageAdded"))
            .ExpectAsync(HttpStatusCode.Created);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/engine/v1/Conversations/{conversation}/Transfer")
        {
            Content = new FormUrlEncodedContent([new("From", "agent.ana"), new("To", "agent.bo")]),
        };
        request.Headers.Add("X-Twilio-Webhook-Enabled", "true");
        var transfer = await Account.SendAsync(request).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("agent.ana", "agent.bo", conversation), ((string?)transfer["from"], (string?)transfer["to"], (string?)transfer["conversation_sid"]));
        Assert.Equal((string?)ana["sid"], (string?)transfer["removed_participant_sid"]);
        Assert.Equal(conversation, (string?)transfer["conversation"]!["sid"]);
        var participants = await IdentitiesAsync(conversation);
        Assert.Equal([null, "agent.bo"], participants);
        var bo = await Account.GetAsync($"/v1/Conversations/{conversation}/Participants/agent.bo").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)transfer["participant_sid"], (string?)bo["sid"]);

        var message = Assert.Single((await Account.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray())!;
        Assert.Equal(("system", "Conversation transferred from agent.ana to agent.bo", (string?)transfer["message_sid"]),
            ((string?)message["author"], (string?)message["body"], (string?)message["sid"]));
        var attributes = JsonNode.Parse((string)message["attributes"]!)!;
        Assert.Equal(("transfer", "agent.ana", "agent.bo"), ((string?)attributes["type"], (string?)attributes["from"], (string?)attributes["to"]));

        // A record, not a text: the SMS customer is sent nothing.
        Assert.Null(message["delivery"]);
        await Account.GetAsync($"/engine/v1/Deliveries/{conversation}/{message["sid"]}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        var received = await receiver.ReceivedAsync("/transfer", 3);
        Assert.Equal(["onParticipantAdded", "onParticipantRemoved", "onMessageAdded"], received.Take(3).Select(r => r.Values("EventType").Single()));
        Assert.Equal(["agent.bo"], received[0].Values("Identity"));
        Assert.Equal(["agent.ana"], received[1].Values("Identity"));
        Assert.Equal(["system"], received[2].Values("Author"));

        // The identity indexes follow: the receiver lists it, the giver no longer does.
        Assert.Contains(conversation, await ConversationsOfAsync("agent.bo"));
        Assert.DoesNotContain(conversation, await ConversationsOfAsync("agent.ana"));
    }

    [Fact]
    public async Task Transfer_refuses_a_giver_not_there_a_receiver_already_there_the_same_identity_and_a_closed_conversation()
    {
        var conversation = await NewConversationAsync();
        await Account.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "ana")).ExpectAsync(HttpStatusCode.Created);
        await Account.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "bo")).ExpectAsync(HttpStatusCode.Created);
        var path = $"/engine/v1/Conversations/{conversation}/Transfer";

        await Account.PostFormAsync(path, ("From", "nobody"), ("To", "cy")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Account.PostFormAsync(path, ("From", "ana"), ("To", "bo")).ExpectErrorAsync(HttpStatusCode.Conflict, 50433);
        await Account.PostFormAsync(path, ("From", "ana"), ("To", "ana")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Account.PostFormAsync(path, ("From", "ana")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Account.PostFormAsync(path, ("From", "ana"), ("To", "cy"), ("RoleSid", "RL" + new string('0', 32))).ExpectAsync(HttpStatusCode.BadRequest);
        await Account.PostFormAsync($"/engine/v1/Conversations/CH{new string('0', 32)}/Transfer", ("From", "ana"), ("To", "cy")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        await Account.PostFormAsync($"/v1/Conversations/{conversation}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);
        await Account.PostFormAsync(path, ("From", "ana"), ("To", "cy")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50377);

        Assert.Equal(["ana", "bo"], await IdentitiesAsync(conversation));
        Assert.Empty((await Account.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray());
    }

    [Fact]
    public async Task Transfer_with_an_idempotency_key_answers_a_repeat_with_the_first_outcome()
    {
        var conversation = await NewConversationAsync();
        await Account.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "ana")).ExpectAsync(HttpStatusCode.Created);
        var key = "transfer-" + Guid.NewGuid().ToString("N");
        var path = $"/engine/v1/Conversations/{conversation}/Transfer";

        var first = await PostWithKeyAsync(Account, path, key, HttpStatusCode.OK, ("From", "ana"), ("To", "bo"), ("Body", "Bo takes over"));
        var again = await PostWithKeyAsync(Account, path, key, HttpStatusCode.OK, ("From", "ana"), ("To", "bo"), ("Body", "Bo takes over"));

        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        Assert.Equal(["bo"], await IdentitiesAsync(conversation));
        var message = Assert.Single((await Account.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray())!;
        Assert.Equal("Bo takes over", (string?)message["body"]);

        // Without the key the same request is a new one, and ana is no longer there.
        await Account.PostFormAsync(path, ("From", "ana"), ("To", "bo")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task A_rerun_under_the_same_reservation_finds_its_transfer_instead_of_refusing_it()
    {
        var conversation = await NewConversationAsync();
        await Account.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "ana")).ExpectAsync(HttpStatusCode.Created);
        var grain = Host.Grains.GetGrain<IConversationGrain>(conversation);
        var command = new TransferConversation { From = "ana", To = "bo", Reservation = Guid.NewGuid().ToString("N") };

        // The first attempt's answer was lost (a 504, a dead front end): the key's rerun runs again.
        var first = await grain.TransferAsync(command);
        var rerun = await grain.TransferAsync(command);

        Assert.Equal((first.Message.Sid, first.ParticipantSid, first.RemovedParticipantSid, "ana", "bo"),
            (rerun.Message.Sid, rerun.ParticipantSid, rerun.RemovedParticipantSid, rerun.From, rerun.To));
        Assert.Single((await Account.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray());
    }

    [Fact]
    public async Task A_user_transfers_only_with_add_and_leave_or_remove_permissions_and_never_with_a_role()
    {
        var service = await NewServiceAsync();
        var roles = await RolesAsync(service);
        var conversation = (string)(await Account.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "support")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var participants = $"/v1/Services/{service}/Conversations/{conversation}/Participants";
        await Account.PostFormAsync(participants, ("Identity", "lead"), ("RoleSid", roles["channel admin"])).ExpectAsync(HttpStatusCode.Created);
        await Account.PostFormAsync(participants, ("Identity", "ana")).ExpectAsync(HttpStatusCode.Created);
        using var lead = User("lead", service);
        using var ana = User("ana", service);
        using var stranger = User("stranger", service);
        var path = $"/engine/v1/Services/{service}/Conversations/{conversation}/Transfer";

        // A channel user may leave but not add: refused, nothing changed.
        await ana.PostFormAsync(path, ("From", "ana"), ("To", "bo")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await stranger.PostFormAsync(path, ("From", "ana"), ("To", "bo")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);
        await lead.PostFormAsync(path, ("From", "ana"), ("To", "bo"), ("RoleSid", roles["channel admin"])).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await lead.PostFormAsync($"/engine/v1/Conversations/{conversation}/Transfer", ("From", "ana"), ("To", "bo")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        Assert.Equal(["lead", "ana"], await IdentitiesAsync(conversation, service));

        // A channel admin hands another agent's conversation over (removeParticipant), then its own (leaveConversation).
        await lead.PostFormAsync(path, ("From", "ana"), ("To", "bo")).ExpectAsync(HttpStatusCode.OK);
        await lead.PostFormAsync(path, ("From", "lead"), ("To", "cy")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["bo", "cy"], await IdentitiesAsync(conversation, service));
        await lead.GetAsync($"/v1/Services/{service}/Conversations/{conversation}").ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);
    }

    [Fact]
    public async Task A_failed_write_leaves_the_conversation_as_it_was_and_a_retry_then_succeeds()
    {
        var faults = new StorageFaults { Fails = state => state is ConversationGrainState { PendingMessage: not null } };
        await using var host = await EngineHost.StartAsync(services: faults.Install);
        var client = host.Client;
        var conversation = (string)(await client.PostFormAsync("/v1/Conversations", ("FriendlyName", "atomic")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var ana = await client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "ana")).ExpectAsync(HttpStatusCode.Created);
        var path = $"/engine/v1/Conversations/{conversation}/Transfer";

        using (var failed = await client.PostFormAsync(path, ("From", "ana"), ("To", "bo")))
        {
            // A store refusing the write is the engine's "retry" (503), as for any write.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        var participants = (await client.GetAsync($"/v1/Conversations/{conversation}/Participants").ExpectAsync(HttpStatusCode.OK))["participants"]!.AsArray();
        Assert.Equal([(string?)ana["sid"]], participants.Select(p => (string?)p!["sid"]));
        Assert.Empty((await client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray());
        Assert.Empty((await client.GetAsync("/v1/ParticipantConversations?Identity=bo").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());
        Assert.Single((await client.GetAsync("/v1/ParticipantConversations?Identity=ana").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());

        // The same conversation after a fresh activation shows the same: nothing was stored.
        await host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await client.GetAsync($"/v1/Conversations/{conversation}/Participants/ana").ExpectAsync(HttpStatusCode.OK);
        await client.GetAsync($"/v1/Conversations/{conversation}/Participants/bo").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        faults.Fails = null;
        var transfer = await client.PostFormAsync(path, ("From", "ana"), ("To", "bo")).ExpectAsync(HttpStatusCode.OK);
        var message = Assert.Single((await client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray())!;
        Assert.Equal(((string?)transfer["message_sid"], 0), ((string?)message["sid"], (int)message["index"]!));
        Assert.Single((await client.GetAsync("/v1/ParticipantConversations?Identity=bo").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());
    }

    [Fact]
    public async Task A_system_message_the_log_refused_after_the_write_is_appended_by_the_next_activation_at_its_index()
    {
        var appends = new FailingAppends();
        await using var host = await EngineHost.StartAsync(services: appends.Install);
        var client = host.Client;
        var conversation = (string)(await client.PostFormAsync("/v1/Conversations", ("FriendlyName", "mended")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "ana")).ExpectAsync(HttpStatusCode.Created);

        // The transfer is stored with its message; only the log's copy failed, so it happened.
        appends.Fails = message => message.Author == "system";
        var transfer = await client.PostFormAsync($"/engine/v1/Conversations/{conversation}/Transfer", ("From", "ana"), ("To", "bo")).ExpectAsync(HttpStatusCode.OK);
        appends.Fails = null;
        Assert.Equal(1, appends.Refused);

        var messages = (await client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray();
        var recorded = Assert.Single(messages)!;
        Assert.Equal(((string?)transfer["message_sid"], 0), ((string?)recorded["sid"], (int)recorded["index"]!));
        var next = await client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "bo"), ("Body", "hi")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1, (int)next["index"]!);
    }

    [Fact]
    public async Task Pre_action_hooks_are_asked_as_for_its_three_writes_and_may_refuse_it_or_change_its_message()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await EngineHost.StartAsync();
        using var loud = host.CreateClient(EngineHost.AccountSid, EngineHost.AuthToken);
        loud.DefaultRequestHeaders.Add("X-Twilio-Webhook-Enabled", "true");
        await host.Client.PostFormAsync("/v1/Configuration/Webhooks",
            ("PreWebhookUrl", receiver.Url("/pre")), ("Method", "POST"), ("Target", "webhook"),
            ("Filters", "onParticipantAdd"), ("Filters", "onParticipantRemove"), ("Filters", "onMessageAdd")).ExpectAsync(HttpStatusCode.OK);
        var conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "hooked")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "ana")).ExpectAsync(HttpStatusCode.Created);
        var path = $"/engine/v1/Conversations/{conversation}/Transfer";

        receiver.Answer("/pre", new ReceiverAnswer(403, "", "text/plain"));
        await loud.PostFormAsync(path, ("From", "ana"), ("To", "bo")).ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        var participants = (await host.Client.GetAsync($"/v1/Conversations/{conversation}/Participants").ExpectAsync(HttpStatusCode.OK))["participants"]!.AsArray();
        Assert.Equal(["ana"], participants.Select(p => (string?)p!["identity"]));

        receiver.Answer("/pre", new ReceiverAnswer(200, """{"body":"Bo is here now"}""", "application/json"));
        await loud.PostFormAsync(path, ("From", "ana"), ("To", "bo")).ExpectAsync(HttpStatusCode.OK);
        var message = Assert.Single((await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray())!;
        Assert.Equal(("Bo is here now", "system"), ((string?)message["body"], (string?)message["author"]));
        var asked = receiver.Requests.Where(r => r.Values("EventType").Count > 0).Select(r => r.Values("EventType")[0]).ToList();
        Assert.Equal(["onParticipantAdd", "onParticipantAdd", "onParticipantRemove", "onMessageAdd"], asked);
    }

    [Fact]
    public async Task Reopen_makes_a_new_conversation_with_the_same_chat_and_sms_participants_and_a_message_naming_the_old_one()
    {
        var service = await NewServiceAsync();
        var roles = await RolesAsync(service);
        var customer = Numbers.NextUs();
        var closed = (string)(await Account.PostFormAsync($"/v1/Services/{service}/Conversations",
            ("FriendlyName", "Order 77"), ("Attributes", """{"order":77}""")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var participants = $"/v1/Services/{service}/Conversations/{closed}/Participants";
        await Account.PostFormAsync(participants, ("Identity", "lead"), ("RoleSid", roles["channel admin"])).ExpectAsync(HttpStatusCode.Created);
        await Account.PostFormAsync(participants, ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", Proxy)).ExpectAsync(HttpStatusCode.Created);
        using var lead = User("lead", service);
        var reopen = $"/engine/v1/Services/{service}/Conversations/{closed}/Reopen";
        await Account.PostFormAsync(reopen).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        // The agent closes it (its role grants deleteConversation), then reopens it.
        await lead.PostFormAsync($"/v1/Services/{service}/Conversations/{closed}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);
        var reopened = await lead.PostFormAsync(reopen).ExpectAsync(HttpStatusCode.Created);

        var sid = (string)reopened["sid"]!;
        Assert.NotEqual(closed, sid);
        Assert.Equal(("Order 77", """{"order":77}""", "active", service),
            ((string?)reopened["friendly_name"], (string?)reopened["attributes"], (string?)reopened["state"], (string?)reopened["chat_service_sid"]));
        var copied = (await Account.GetAsync($"/v1/Services/{service}/Conversations/{sid}/Participants").ExpectAsync(HttpStatusCode.OK))["participants"]!.AsArray();
        var agent = copied.Single(p => (string?)p!["identity"] == "lead")!;
        Assert.Equal(roles["channel admin"], (string?)agent["role_sid"]);
        var sms = copied.Single(p => p!["identity"] is null)!;
        Assert.Equal((customer, Proxy), ((string?)sms["messaging_binding"]!["address"], (string?)sms["messaging_binding"]!["proxy_address"]));
        var message = Assert.Single((await Account.GetAsync($"/v1/Services/{service}/Conversations/{sid}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray())!;
        Assert.Equal("system", (string?)message["author"]);
        Assert.Contains(closed, (string)message["body"]!);
        Assert.Equal(closed, (string?)JsonNode.Parse((string)message["attributes"]!)!["reopened_from"]);
        Assert.Equal("closed", (string?)(await Account.GetAsync($"/v1/Services/{service}/Conversations/{closed}").ExpectAsync(HttpStatusCode.OK))["state"]);

        // The new one holds the pair now: reopening the old one again is refused, and creates nothing.
        var before = await CountAsync(service);
        await Account.PostFormAsync(reopen).ExpectErrorAsync(HttpStatusCode.Conflict, 50416);
        Assert.Equal(before, await CountAsync(service));
    }

    [Fact]
    public async Task Reopen_with_a_key_answers_a_repeat_with_the_same_conversation_and_a_user_must_have_been_in_it()
    {
        var service = await NewServiceAsync();
        var closed = (string)(await Account.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "again")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await Account.PostFormAsync($"/v1/Services/{service}/Conversations/{closed}/Participants", ("Identity", "ana")).ExpectAsync(HttpStatusCode.Created);
        await Account.PostFormAsync($"/v1/Services/{service}/Conversations/{closed}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);
        using var ana = User("ana", service);
        using var stranger = User("stranger", service);
        var reopen = $"/engine/v1/Services/{service}/Conversations/{closed}/Reopen";

        await stranger.PostFormAsync(reopen).ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);
        var key = "reopen-" + Guid.NewGuid().ToString("N");
        var first = await PostWithKeyAsync(ana, reopen, key, HttpStatusCode.Created);
        var again = await PostWithKeyAsync(ana, reopen, key, HttpStatusCode.Created);

        Assert.Equal((string?)first["sid"], (string?)again["sid"]);
        Assert.Equal(2, await CountAsync(service));
        Assert.Single((await Account.GetAsync($"/v1/Services/{service}/Conversations/{first["sid"]}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray());
    }

    private static async Task<JsonObject> PostWithKeyAsync(HttpClient client, string path, string key, HttpStatusCode status, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request).ExpectAsync(status);
    }

    private async Task<List<string?>> IdentitiesAsync(string conversation, string? service = null) =>
        (await Account.GetAsync($"/v1{(service is null ? "" : "/Services/" + service)}/Conversations/{conversation}/Participants").ExpectAsync(HttpStatusCode.OK))["participants"]!.AsArray()
            .Select(p => (string?)p!["identity"]).ToList();

    private async Task<List<string?>> ConversationsOfAsync(string identity) =>
        (await Account.GetAsync($"/v1/ParticipantConversations?Identity={identity}").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray()
            .Select(c => (string?)c!["conversation_sid"]).ToList();

    private async Task<int> CountAsync(string service) =>
        (await Account.GetAsync($"/v1/Services/{service}/Conversations?PageSize=50").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray().Count;

    private HttpClient User(string identity, string service) => Host.CreateUserClient(AccessTokens.Mint(identity, service));

    private async Task<string> NewConversationAsync() =>
        (string)(await Account.PostFormAsync("/v1/Conversations", ("FriendlyName", "handover")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<string> NewServiceAsync() =>
        (string)(await Account.PostFormAsync("/v1/Services", ("FriendlyName", "handover")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<Dictionary<string, string>> RolesAsync(string service) =>
        (await Account.GetAsync($"/v1/Services/{service}/Roles").ExpectAsync(HttpStatusCode.OK))["roles"]!.AsArray()
            .ToDictionary(r => (string)r!["friendly_name"]!, r => (string)r!["sid"]!);

    /// <summary>Message appends that fail on demand (the log's store refusing them); everything else goes through.</summary>
    private sealed class FailingAppends
    {
        public Func<MessageSnapshot, bool>? Fails { get; set; }

        public int Refused { get; private set; }

        public void Install(IServiceCollection services)
        {
            var original = services.Last(d => d.ServiceType == typeof(IMessageLogStore));
            services.Remove(original);
            services.AddSingleton<IMessageLogStore>(s => new Store(this, (IMessageLogStore)original.ImplementationFactory!(s)));
        }

        private sealed class Store(FailingAppends faults, IMessageLogStore inner) : IMessageLogStore
        {
            public Task AppendAsync(MessageSnapshot message, Events.ConversationEvent? added = null) =>
                faults.Fails?.Invoke(message) == true
                    ? throw new InvalidOperationException($"Injected: the message table refused append {++faults.Refused}")
                    : inner.AppendAsync(message, added);

            public Task<MessageSnapshot?> GetAsync(string conversationSid, long index) => inner.GetAsync(conversationSid, index);

            public Task<IReadOnlyList<MessageSnapshot>> RangeAsync(string conversationSid, long first, long last, bool descending, int max) =>
                inner.RangeAsync(conversationSid, first, last, descending, max);

            public Task<long> HighestIndexAsync(string conversationSid, long known) => inner.HighestIndexAsync(conversationSid, known);

            public Task ReplaceAsync(MessageSnapshot message, Events.ConversationEvent? change = null) => inner.ReplaceAsync(message, change);

            public Task RemoveAsync(string conversationSid, long index, Events.ConversationEvent? change = null) => inner.RemoveAsync(conversationSid, index, change);

            public Task ClearAsync(string conversationSid) => inner.ClearAsync(conversationSid);
        }
    }
}
