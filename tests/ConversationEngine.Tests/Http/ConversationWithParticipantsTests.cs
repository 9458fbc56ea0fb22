using System.Net;
using System.Text.RegularExpressions;
using ConversationEngine.Api.Http;
using ConversationEngine.Conversations;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// <c>POST /v1/ConversationWithParticipants</c>: validated as a whole before anything is created,
/// then initializing, participants, active; a failure part-way closes it with nothing held.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed partial class ConversationWithParticipantsTests(EngineFixture fixture)
{
    private const string Proxy = "+15005550006";
    private const string Path = "/v1/ConversationWithParticipants";
    private const string Marker = "fail at the second participant";

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Conversation_is_created_with_a_chat_and_an_sms_participant_and_ends_active()
    {
        var unique = "cwp-" + Guid.NewGuid().ToString("N");
        var address = Numbers.NextUs();

        var created = await Client.PostFormAsync(Path,
            ("FriendlyName", "Support"), ("UniqueName", unique), ("Attributes", """{"topic":"feedback"}"""),
            ("Participant", """{"identity": "agent-cwp", "attributes": "{\"team\":\"blue\"}"}"""),
            ("Participant", ParticipantJson.Binding(address, Proxy)))
            .ExpectAsync(HttpStatusCode.Created);

        var sid = (string)created["sid"]!;
        Assert.Matches("^CH[0-9a-f]{32}$", sid);
        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
        Assert.Matches("^IS[0-9a-f]{32}$", (string?)created["chat_service_sid"]);
        Assert.Equal("Support", (string?)created["friendly_name"]);
        Assert.Equal(unique, (string?)created["unique_name"]);
        Assert.Equal("""{"topic":"feedback"}""", (string?)created["attributes"]);
        Assert.Equal("active", (string?)created["state"]);
        Assert.Empty(created["timers"]!.AsObject());
        Assert.Empty(created["bindings"]!.AsObject());
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{sid}", (string?)created["url"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{sid}/Participants", (string?)created["links"]!["participants"]);

        var participants = (await Client.GetAsync($"/v1/Conversations/{unique}/Participants").ExpectAsync(HttpStatusCode.OK))["participants"]!.AsArray();
        Assert.Equal(2, participants.Count);
        Assert.Equal("agent-cwp", (string?)participants[0]!["identity"]);
        Assert.Equal("""{"team":"blue"}""", (string?)participants[0]!["attributes"]);
        Assert.Null(participants[0]!["messaging_binding"]);
        Assert.Equal("sms", (string?)participants[1]!["messaging_binding"]!["type"]);
        Assert.Equal(address, (string?)participants[1]!["messaging_binding"]!["address"]);
        Assert.Equal(Proxy, (string?)participants[1]!["messaging_binding"]!["proxy_address"]);

        // The pair is held as by any conversation.
        var other = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{other}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy))
            .ExpectErrorAsync(HttpStatusCode.Conflict, 50416);
    }

    [Fact]
    public async Task Requested_state_and_timers_apply_once_the_participants_are_in()
    {
        var created = await Client.PostFormAsync(Path,
            ("State", "inactive"), ("Timers.Closed", "PT10M"), ("Participant", """{"identity": "timed"}"""))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("inactive", (string?)created["state"]);
        Assert.NotNull(created["timers"]!["date_closed"]);
    }

    [Fact]
    public async Task Conversation_without_participants_is_created_active()
    {
        var created = await Client.PostFormAsync(Path, ("FriendlyName", "alone")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("active", (string?)created["state"]);
        var participants = await Client.GetAsync($"/v1/Conversations/{created["sid"]}/Participants").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(participants["participants"]!.AsArray());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[\"identity\"]")]
    [InlineData("\"identity\"")]
    [InlineData("{\"identity\": 7}")]
    [InlineData("{\"messaging_binding\": \"+15551234567\"}")]
    [InlineData("{\"identity\": \"x\", \"date_created\": \"yesterday\"}")]
    public async Task Invalid_participant_json_is_refused_with_50424_and_creates_nothing(string entry)
    {
        var unique = "cwp-json-" + Guid.NewGuid().ToString("N");
        var address = Numbers.NextUs();

        await Client.PostFormAsync(Path,
            ("UniqueName", unique),
            ("Participant", ParticipantJson.Binding(address, Proxy)),
            ("Participant", entry))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50424);

        await AssertNothingHeldAsync(unique, address);
    }

    [Fact]
    public async Task More_than_ten_participants_are_refused_with_50426_and_create_nothing()
    {
        var unique = "cwp-many-" + Guid.NewGuid().ToString("N");
        var entries = Enumerable.Range(0, 11).Select(i => ("Participant", $$"""{"identity": "member-{{i}}"}""")).ToArray();

        await Client.PostFormAsync(Path, [("UniqueName", unique), .. entries]).ExpectErrorAsync(HttpStatusCode.BadRequest, 50426);

        await Client.GetAsync($"/v1/Conversations/{unique}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        var ten = await Client.PostFormAsync(Path, [("UniqueName", unique), .. entries.Take(10)]).ExpectAsync(HttpStatusCode.Created);
        var participants = await Client.GetAsync($"/v1/Conversations/{ten["sid"]}/Participants").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(10, participants["participants"]!.AsArray().Count);
    }

    [Fact]
    public async Task Pair_in_use_is_refused_with_50425_and_releases_what_the_request_claimed()
    {
        var taken = Numbers.NextUs();
        var free = Numbers.NextUs();
        var holder = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{holder}/Participants", ("MessagingBinding.Address", taken), ("MessagingBinding.ProxyAddress", Proxy))
            .ExpectAsync(HttpStatusCode.Created);
        var unique = "cwp-pair-" + Guid.NewGuid().ToString("N");

        var refused = await Client.PostFormAsync(Path,
            ("UniqueName", unique),
            ("Participant", ParticipantJson.Binding(free, Proxy)),
            ("Participant", ParticipantJson.Binding(taken, Proxy)))
            .ExpectErrorAsync(HttpStatusCode.Conflict, 50425);

        Assert.Contains(holder, (string?)refused["message"], StringComparison.Ordinal);
        await AssertNothingHeldAsync(unique, free);
    }

    [Theory]
    [InlineData("""{"identity": "twice"}""", """{"identity": "twice"}""", HttpStatusCode.Conflict, 50433)]
    [InlineData("""{"messaging_binding": {"address": "+15005550006", "proxy_address": "+15005550006"}}""", """{"identity": "ok"}""", HttpStatusCode.BadRequest, 50409)]
    [InlineData("""{"attributes": "{}"}""", """{"identity": "ok"}""", HttpStatusCode.BadRequest, 20001)]
    [InlineData("""{"identity": "ok", "role_sid": "not-a-role"}""", """{"identity": "fine"}""", HttpStatusCode.BadRequest, 20001)]
    public async Task Participant_refused_by_the_participant_rules_creates_nothing(string first, string second, HttpStatusCode status, int code)
    {
        var unique = "cwp-rule-" + Guid.NewGuid().ToString("N");
        var address = Numbers.NextUs();

        await Client.PostFormAsync(Path,
            ("UniqueName", unique),
            ("Participant", ParticipantJson.Binding(address, Proxy)),
            ("Participant", first), ("Participant", second))
            .ExpectErrorAsync(status, code);

        await AssertNothingHeldAsync(unique, address);
    }

    [Fact]
    public async Task Conversation_refusals_come_before_any_participant_is_claimed()
    {
        var address = Numbers.NextUs();
        var participant = ParticipantJson.Binding(address, Proxy);

        await Client.PostFormAsync(Path, ("Timers.Inactive", "PT5M"), ("Participant", participant)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50382);
        await Client.PostFormAsync(Path, ("State", "initializing"), ("Participant", participant)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(Path, ("UniqueName", "CH0123456789abcdef0123456789abcdef"), ("Participant", participant)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50390);

        await AssertNothingHeldAsync("cwp-none-" + Guid.NewGuid().ToString("N"), address);
    }

    [Fact]
    public async Task Unique_name_in_use_is_refused_with_50353_and_leaves_the_pairs_free()
    {
        var unique = "cwp-name-" + Guid.NewGuid().ToString("N");
        await Client.PostFormAsync("/v1/Conversations", ("UniqueName", unique)).ExpectAsync(HttpStatusCode.Created);
        var address = Numbers.NextUs();

        await Client.PostFormAsync(Path,
            ("UniqueName", unique),
            ("Participant", ParticipantJson.Binding(address, Proxy)))
            .ExpectErrorAsync(HttpStatusCode.Conflict, 50353);

        var other = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{other}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy))
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Same_idempotency_key_answers_with_the_same_conversation()
    {
        var key = Guid.NewGuid().ToString("N");
        var address = Numbers.NextUs();
        var fields = new Dictionary<string, string>
        {
            ["FriendlyName"] = "once",
            ["Participant"] = ParticipantJson.Binding(address, Proxy),
        };

        async Task<HttpResponseMessage> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add(IdempotencyFilter.Header, key);
            return await Client.SendAsync(request);
        }

        var first = await PostAsync().ExpectAsync(HttpStatusCode.Created);
        var second = await PostAsync().ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((string?)first["sid"], (string?)second["sid"]);
    }

    [Fact]
    public async Task Pre_action_hooks_are_asked_for_the_conversation_and_each_participant_and_a_rejection_creates_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await EngineHost.StartAsync();
        using var loud = host.CreateClient(EngineHost.AccountSid, EngineHost.AuthToken);
        loud.DefaultRequestHeaders.Add("X-Twilio-Webhook-Enabled", "true");
        await host.Client.PostFormAsync("/v1/Configuration/Webhooks",
            ("PreWebhookUrl", receiver.Url("/pre")), ("Method", "POST"), ("Filters", "onConversationAdd"), ("Filters", "onParticipantAdd")).ExpectAsync(HttpStatusCode.OK);
        var unique = "cwp-hook-" + Guid.NewGuid().ToString("N");
        var address = Numbers.NextUs();

        receiver.Answer("/pre", new ReceiverAnswer(403));
        await loud.PostFormAsync(Path, ("UniqueName", unique), ("Participant", ParticipantJson.Binding(address, Proxy)))
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 20403);
        await host.Client.GetAsync($"/v1/Conversations/{unique}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        receiver.Answer("/pre", new ReceiverAnswer(200, """{"friendly_name":"named by the hook"}""", "application/json"));
        var created = await loud.PostFormAsync(Path,
            ("UniqueName", unique), ("Participant", ParticipantJson.Binding(address, Proxy)), ("Participant", """{"identity": "hooked"}"""))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("named by the hook", (string?)created["friendly_name"]);
        var asked = (await receiver.ReceivedAsync("/pre", 4)).Skip(1).ToList();
        Assert.Equal(["onConversationAdd", "onParticipantAdd", "onParticipantAdd"], asked.Select(a => a.Values("EventType").Single()));
        Assert.Equal([(string)created["sid"]!, (string)created["sid"]!], asked.Skip(1).Select(a => a.Values("ConversationSid").Single()));
        Assert.Equal([address], asked[1].Values("MessagingBinding.Address"));
        Assert.Equal(["hooked"], asked[2].Values("Identity"));
    }

    /// <summary>
    /// A storage failure part-way, the way a database refusing a write shows up: the conversation
    /// is stored initializing and its first participant is stored, then the write of the second
    /// participant fails. The conversation ends closed, its unique name and every pair released.
    /// </summary>
    [Fact]
    public async Task Failure_part_way_closes_the_conversation_and_releases_everything_with_50427()
    {
        var faults = new StorageFaults { Fails = state => state is ConversationGrainState { Header: { State: ConversationStates.Initializing, FriendlyName: Marker }, Participants.Count: >= 2 } };
        await using var host = await EngineHost.StartAsync(services: faults.Install);
        var client = host.Client;
        var unique = "cwp-fail-" + Guid.NewGuid().ToString("N");
        var (first, second) = (Numbers.NextUs(), Numbers.NextUs());

        var failed = await client.PostFormAsync(Path,
            ("FriendlyName", Marker), ("UniqueName", unique),
            ("Participant", ParticipantJson.Binding(first, Proxy)),
            ("Participant", ParticipantJson.Binding(second, Proxy)),
            ("Participant", """{"identity": "never-added"}"""))
            .ExpectErrorAsync(HttpStatusCode.InternalServerError, 50427);

        var sid = ConversationSid().Match((string)failed["message"]!).Value;
        var closed = await client.GetAsync($"/v1/Conversations/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("closed", (string?)closed["state"]);
        Assert.Null(closed["unique_name"]);
        Assert.Equal(Marker, (string?)closed["friendly_name"]);
        var participants = (await client.GetAsync($"/v1/Conversations/{sid}/Participants").ExpectAsync(HttpStatusCode.OK))["participants"]!.AsArray();
        Assert.Equal(first, (string?)Assert.Single(participants)!["messaging_binding"]!["address"]);

        await AssertReleasedAsync(client, unique, first, second);
    }

    /// <summary>
    /// The failed create retried with its <c>Idempotency-Key</c> (a 500 is no outcome, so the retry
    /// runs again under the SID the key reserved): it finds the closed conversation of its first
    /// attempt and answers the same 50427, never a 201 with that conversation.
    /// </summary>
    [Fact]
    public async Task Failed_create_retried_with_its_idempotency_key_answers_50427_again()
    {
        var faults = new StorageFaults { Fails = state => state is ConversationGrainState { Header: { State: ConversationStates.Initializing, FriendlyName: Marker }, Participants.Count: >= 2 } };
        await using var host = await EngineHost.StartAsync(services: faults.Install);
        var key = "cwp-retry-" + Guid.NewGuid().ToString("N");
        (string, string)[] form =
        [
            ("FriendlyName", Marker),
            ("Participant", ParticipantJson.Binding(Numbers.NextUs(), Proxy)),
            ("Participant", ParticipantJson.Binding(Numbers.NextUs(), Proxy)),
        ];

        var failed = await host.Client.PostFormWithKeyAsync(Path, key, form).ExpectErrorAsync(HttpStatusCode.InternalServerError, 50427);
        var sid = ConversationSid().Match((string)failed["message"]!).Value;

        var retried = await host.Client.PostFormWithKeyAsync(Path, key, form).ExpectErrorAsync(HttpStatusCode.InternalServerError, 50427);
        Assert.Equal(sid, ConversationSid().Match((string)retried["message"]!).Value);

        // Storage healthy again changes nothing: the first attempt's outcome stands.
        faults.Fails = null;
        await host.Client.PostFormWithKeyAsync(Path, key, form).ExpectErrorAsync(HttpStatusCode.InternalServerError, 50427);
        Assert.Equal("closed", (string?)(await host.Client.GetAsync($"/v1/Conversations/{sid}").ExpectAsync(HttpStatusCode.OK))["state"]);
    }

    /// <summary>
    /// A crash part-way, as storage sees it: the participant's write failed and so did the close, so
    /// the conversation is stored initializing. Its next activation closes it.
    /// </summary>
    [Fact]
    public async Task Conversation_left_initializing_is_closed_when_it_next_activates()
    {
        var faults = new StorageFaults
        {
            Fails = state => state is ConversationGrainState { Header.FriendlyName: Marker } conversation
                && (conversation.Participants.Count >= 2 || conversation.Header.State == ConversationStates.Closed),
        };
        await using var host = await EngineHost.StartAsync(services: faults.Install);
        var client = host.Client;
        var unique = "cwp-crash-" + Guid.NewGuid().ToString("N");
        var (first, second) = (Numbers.NextUs(), Numbers.NextUs());

        var failed = await client.PostFormAsync(Path,
            ("FriendlyName", Marker), ("UniqueName", unique),
            ("Participant", ParticipantJson.Binding(first, Proxy)),
            ("Participant", ParticipantJson.Binding(second, Proxy)))
            .ExpectErrorAsync(HttpStatusCode.InternalServerError, 50427);
        var sid = ConversationSid().Match((string)failed["message"]!).Value;
        var stored = await client.GetAsync("/v1/Conversations?State=initializing").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(sid, (string?)Assert.Single(stored["conversations"]!.AsArray())!["sid"]);

        faults.Fails = null;
        await host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var closed = await client.GetAsync($"/v1/Conversations/{sid}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("closed", (string?)closed["state"]);
        Assert.Null(closed["unique_name"]);
        Assert.Empty((await client.GetAsync("/v1/Conversations?State=initializing").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());
        await AssertReleasedAsync(client, unique, first, second);
    }

    /// <summary>The name and the pairs are free again: a new request with all of them succeeds.</summary>
    private static async Task AssertReleasedAsync(HttpClient client, string unique, string first, string second)
    {
        await client.GetAsync($"/v1/Conversations/{unique}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        var again = await client.PostFormAsync(Path,
            ("UniqueName", unique),
            ("Participant", ParticipantJson.Binding(first, Proxy)),
            ("Participant", ParticipantJson.Binding(second, Proxy)))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("active", (string?)again["state"]);
    }

    private async Task AssertNothingHeldAsync(string uniqueName, string address)
    {
        await Client.GetAsync($"/v1/Conversations/{uniqueName}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync("/v1/Conversations", ("UniqueName", uniqueName)).ExpectAsync(HttpStatusCode.Created);
        var other = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{other}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy))
            .ExpectAsync(HttpStatusCode.Created);
    }

    private async Task<string> NewConversationAsync()
    {
        var body = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        return (string)body["sid"]!;
    }

    [GeneratedRegex("CH[0-9a-f]{32}")]
    private static partial Regex ConversationSid();
}

/// <summary><c>Participant</c> entries of ConversationWithParticipants.</summary>
public static class ParticipantJson
{
    public static string Binding(string address, string proxyAddress) =>
        new System.Text.Json.Nodes.JsonObject
        {
            ["messaging_binding"] = new System.Text.Json.Nodes.JsonObject { ["address"] = address, ["proxy_address"] = proxyAddress },
        }.ToJsonString();
}
