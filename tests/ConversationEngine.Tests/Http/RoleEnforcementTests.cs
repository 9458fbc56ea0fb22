using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// A caller acting as a user (Access Token) may do what its roles permit and nothing else; the
/// account's credentials may do everything. Each test works in a service of its own.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class RoleEnforcementTests(EngineFixture fixture)
{
    private EngineHost Host => fixture.Host;

    private HttpClient Account => fixture.Host.Client;

    [Fact]
    public async Task Participant_with_the_default_role_sends_as_itself_and_edits_only_its_own_messages()
    {
        var (service, conversation) = await ConversationWithAsync("alice", "bob");
        using var alice = User("alice", service);
        using var bob = User("bob", service);
        var path = $"/v1/Services/{service}/Conversations/{conversation}/Messages";

        var own = await alice.PostFormAsync(path, ("Body", "hello from alice")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("alice", (string?)own["author"]);
        var bobs = await bob.PostFormAsync(path, ("Body", "hello from bob"), ("Author", "bob")).ExpectAsync(HttpStatusCode.Created);
        await alice.PostFormAsync(path, ("Body", "pretending"), ("Author", "bob")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await alice.PostFormAsync(path, ("Body", "back-dated"), ("DateCreated", "2020-01-01T00:00:00Z")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);

        await alice.PostFormAsync($"{path}/{own["sid"]}", ("Body", "edited")).ExpectAsync(HttpStatusCode.OK);
        await alice.PostFormAsync($"{path}/{bobs["sid"]}", ("Body", "vandalised")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await alice.DeleteAsync($"{path}/{bobs["sid"]}").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await alice.DeleteAsync($"{path}/{own["sid"]}").ExpectAsync(HttpStatusCode.NoContent);

        var untouched = await Account.GetAsync($"{path}/{bobs["sid"]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("hello from bob", (string?)untouched["body"]);
    }

    [Fact]
    public async Task User_reads_only_conversations_it_takes_part_in_and_joins_by_adding_itself()
    {
        var (service, conversation) = await ConversationWithAsync("alice");
        using var carol = User("carol", service);
        var path = $"/v1/Services/{service}/Conversations/{conversation}";

        await carol.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);
        await carol.GetAsync($"{path}/Messages").ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);
        await carol.PostFormAsync($"{path}/Messages", ("Body", "let me in")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);
        await carol.PostFormAsync($"{path}/Participants", ("Identity", "dave")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);
        await carol.GetAsync("/v1/Conversations").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);

        var joined = await carol.PostFormAsync($"{path}/Participants", ("Identity", "carol")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("carol", (string?)joined["identity"]);
        await carol.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        await carol.GetAsync($"{path}/Messages").ExpectAsync(HttpStatusCode.OK);

        await carol.PostFormAsync($"{path}/Participants", ("Identity", "dave")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        var alice = (await Account.GetAsync($"{path}/Participants").ExpectAsync(HttpStatusCode.OK))["participants"]!.AsArray().Single(p => (string?)p!["identity"] == "alice")!;
        await carol.DeleteAsync($"{path}/Participants/{alice["sid"]}").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await carol.PostFormAsync($"{path}/Participants", ("Identity", "carol2"), ("RoleSid", "RL" + new string('0', 32))).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await carol.DeleteAsync($"{path}/Participants/{joined["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await carol.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);
    }

    [Fact]
    public async Task Conversation_admin_may_remove_others_and_delete_their_messages_and_a_custom_role_grants_renaming()
    {
        var service = await NewServiceAsync();
        var roles = await RolesAsync(service);
        var conversation = await NewConversationAsync(service);
        var path = $"/v1/Services/{service}/Conversations/{conversation}";
        await Account.PostFormAsync($"{path}/Participants", ("Identity", "lead"), ("RoleSid", roles["channel admin"])).ExpectAsync(HttpStatusCode.Created);
        var aliceSid = (string)(await Account.PostFormAsync($"{path}/Participants", ("Identity", "alice")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        using var lead = User("lead", service);
        using var alice = User("alice", service);

        var message = await alice.PostFormAsync($"{path}/Messages", ("Body", "oops")).ExpectAsync(HttpStatusCode.Created);
        await lead.DeleteAsync($"{path}/Messages/{message["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await alice.PostFormAsync(path, ("FriendlyName", "renamed by alice")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);

        var renamer = await Account.PostFormAsync($"/v1/Services/{service}/Roles",
            ("FriendlyName", "renamer"), ("Type", "conversation"), ("Permission", "sendMessage"), ("Permission", "editConversationName"))
            .ExpectAsync(HttpStatusCode.Created);
        await Account.PostFormAsync($"{path}/Participants/{aliceSid}", ("RoleSid", (string)renamer["sid"]!)).ExpectAsync(HttpStatusCode.OK);
        var renamed = await alice.PostFormAsync(path, ("FriendlyName", "renamed by alice")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("renamed by alice", (string?)renamed["friendly_name"]);
        await alice.PostFormAsync(path, ("Attributes", "{}")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);

        await alice.DeleteAsync($"{path}/Participants/{aliceSid}").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await lead.DeleteAsync($"{path}/Participants/{aliceSid}").ExpectAsync(HttpStatusCode.NoContent);
        await Account.GetAsync($"{path}/Participants/{aliceSid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Service_role_decides_creating_conversations_and_editing_users()
    {
        var service = await NewServiceAsync();
        var reader = await Account.PostFormAsync($"/v1/Services/{service}/Roles",
            ("FriendlyName", "reader"), ("Type", "service"), ("Permission", "joinConversation")).ExpectAsync(HttpStatusCode.Created);
        await Account.PostFormAsync($"/v1/Services/{service}/Users", ("Identity", "viewer"), ("RoleSid", (string)reader["sid"]!)).ExpectAsync(HttpStatusCode.Created);
        using var viewer = User("viewer", service);
        using var alice = User("alice", service);

        await viewer.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "no")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        var created = await alice.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "yes")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("yes", (string?)created["friendly_name"]);

        await alice.PostFormAsync($"/v1/Services/{service}/Users/alice", ("FriendlyName", "Alice A.")).ExpectAsync(HttpStatusCode.OK);
        await alice.PostFormAsync($"/v1/Services/{service}/Users/viewer", ("FriendlyName", "hijacked")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await viewer.PostFormAsync($"/v1/Services/{service}/Users/viewer", ("FriendlyName", "me")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await alice.PostFormAsync($"/v1/Services/{service}/Users/alice", ("RoleSid", (string)reader["sid"]!)).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
    }

    [Fact]
    public async Task Account_only_operations_are_refused_to_users_whatever_their_roles()
    {
        var service = await NewServiceAsync();
        var roles = await RolesAsync(service);
        await Account.PostFormAsync($"/v1/Services/{service}/Users", ("Identity", "boss"), ("RoleSid", roles["service admin"])).ExpectAsync(HttpStatusCode.Created);
        using var boss = User("boss", service);

        await boss.PostFormAsync($"/v1/Services/{service}/Roles", ("FriendlyName", "x"), ("Type", "service"), ("Permission", "createConversation"))
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await boss.PostFormAsync($"/v1/Services/{service}/Users", ("Identity", "new")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await boss.GetAsync($"/v1/Services/{service}/Configuration").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await boss.GetAsync("/v1/Services").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await boss.GetAsync("/v1/Credentials").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await boss.GetAsync($"/v1/Services/{service}/Roles").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task User_sees_its_own_user_conversations_and_participant_conversations_only()
    {
        var (service, conversation) = await ConversationWithAsync("alice", "bob");
        using var alice = User("alice", service);

        var mine = await alice.GetAsync($"/v1/Services/{service}/Users/alice/Conversations").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([conversation], mine["conversations"]!.AsArray().Select(c => (string?)c!["conversation_sid"]));
        var user = await Account.GetAsync($"/v1/Services/{service}/Users/alice").ExpectAsync(HttpStatusCode.OK);
        await alice.GetAsync($"/v1/Services/{service}/Users/{user["sid"]}/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
        await alice.PostFormAsync($"/v1/Services/{service}/Users/alice/Conversations/{conversation}", ("LastReadMessageIndex", "0")).ExpectAsync(HttpStatusCode.OK);
        await alice.GetAsync($"/v1/Services/{service}/Users/bob/Conversations").ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);

        var participations = await alice.GetAsync($"/v1/Services/{service}/ParticipantConversations?Identity=alice").ExpectAsync(HttpStatusCode.OK);
        Assert.Single(participations["conversations"]!.AsArray());
        await alice.GetAsync($"/v1/Services/{service}/ParticipantConversations?Identity=bob").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await alice.GetAsync($"/v1/Services/{service}/ParticipantConversations?Address=%2B15550001111").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
    }

    [Fact]
    public async Task Idempotency_keys_are_each_users_own()
    {
        var (service, conversation) = await ConversationWithAsync("alice", "bob");
        using var alice = User("alice", service);
        using var bob = User("bob", service);
        var path = $"/v1/Services/{service}/Conversations/{conversation}/Messages";

        var first = await SendWithKeyAsync(alice, path, "same-key");
        var again = await SendWithKeyAsync(alice, path, "same-key");
        var bobs = await SendWithKeyAsync(bob, path, "same-key");

        Assert.Equal((string?)first["sid"], (string?)again["sid"]);
        Assert.NotEqual((string?)first["sid"], (string?)bobs["sid"]);
        Assert.Equal("bob", (string?)bobs["author"]);
    }

    private static async Task<JsonObject> SendWithKeyAsync(HttpClient client, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent([new("Body", "ok")]),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request).ExpectAsync(HttpStatusCode.Created);
    }

    private HttpClient User(string identity, string service) => Host.CreateUserClient(AccessTokens.Mint(identity, service));

    private async Task<(string Service, string Conversation)> ConversationWithAsync(params string[] identities)
    {
        var service = await NewServiceAsync();
        var conversation = await NewConversationAsync(service);
        foreach (var identity in identities)
        {
            await Account.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        }

        return (service, conversation);
    }

    private async Task<string> NewServiceAsync() =>
        (string)(await Account.PostFormAsync("/v1/Services", ("FriendlyName", "roles")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<string> NewConversationAsync(string service) =>
        (string)(await Account.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "support")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<Dictionary<string, string>> RolesAsync(string service) =>
        (await Account.GetAsync($"/v1/Services/{service}/Roles").ExpectAsync(HttpStatusCode.OK))["roles"]!.AsArray()
            .ToDictionary(r => (string)r!["friendly_name"]!, r => (string)r!["sid"]!);
}
