using System.Net;
using ConversationEngine.Api.Http;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

[Collection(SharedEngine.Name)]
public sealed class UserApiTests(EngineFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task User_is_created_fetched_by_sid_and_identity_updated_listed_and_deleted()
    {
        var identity = Identity("crud");
        var created = await Client.PostFormAsync("/v1/Users",
            ("Identity", identity), ("FriendlyName", "Ada"), ("Attributes", """{"duty":"tech"}"""))
            .ExpectAsync(HttpStatusCode.Created);

        var sid = (string)created["sid"]!;
        Assert.Matches("^US[0-9a-f]{32}$", sid);
        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
        Assert.Equal(await ServiceConfigurationValueAsync("chat_service_sid"), (string?)created["chat_service_sid"]);
        Assert.Equal(await ServiceConfigurationValueAsync("default_chat_service_role_sid"), (string?)created["role_sid"]);
        Assert.Equal(identity, (string?)created["identity"]);
        Assert.Equal("Ada", (string?)created["friendly_name"]);
        Assert.Equal("""{"duty":"tech"}""", (string?)created["attributes"]);
        Assert.True(created.ContainsKey("is_online"));
        Assert.True(created.ContainsKey("is_notifiable"));
        Assert.Null(created["is_online"]);
        Assert.Null(created["is_notifiable"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Users/{sid}", (string?)created["url"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Users/{sid}/Conversations", (string?)created["links"]!["user_conversations"]);
        Assert.Equal(
            ["sid", "account_sid", "chat_service_sid", "role_sid", "identity", "friendly_name", "attributes", "is_online", "is_notifiable", "date_created", "date_updated", "url", "links"],
            created.Select(p => p.Key));

        var bySid = await Client.GetAsync($"/v1/Users/{sid}").ExpectAsync(HttpStatusCode.OK);
        var byIdentity = await Client.GetAsync($"/v1/Users/{Uri.EscapeDataString(identity)}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(sid, (string?)bySid["sid"]);
        Assert.Equal(sid, (string?)byIdentity["sid"]);

        var admin = await ServiceRoleAsync();
        var updated = await Client.PostFormAsync($"/v1/Users/{Uri.EscapeDataString(identity)}",
            ("FriendlyName", "Ada L."), ("Attributes", """{"duty":"lead"}"""), ("RoleSid", admin)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Ada L.", (string?)updated["friendly_name"]);
        Assert.Equal("""{"duty":"lead"}""", (string?)updated["attributes"]);
        Assert.Equal(admin, (string?)updated["role_sid"]);
        Assert.Equal(identity, (string?)updated["identity"]);

        var listed = await Client.GetAsync("/v1/Users?PageSize=50").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("users", (string?)listed["meta"]!["key"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Users?PageSize=50&Page=0", (string?)listed["meta"]!["first_page_url"]);

        await Client.DeleteAsync($"/v1/Users/{sid}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"/v1/Users/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Users/{Uri.EscapeDataString(identity)}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        // The identity is free again.
        await Client.PostFormAsync("/v1/Users", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Identity_is_unique_in_the_service_and_case_sensitive()
    {
        var identity = Identity("Unique");
        await Client.PostFormAsync("/v1/Users", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);

        await Client.PostFormAsync("/v1/Users", ("Identity", identity)).ExpectErrorAsync(HttpStatusCode.Conflict, 50201);

        var lower = await Client.PostFormAsync("/v1/Users", ("Identity", identity.ToLowerInvariant())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(identity.ToLowerInvariant(), (string?)lower["identity"]);
        var upper = await Client.GetAsync($"/v1/Users/{identity}").ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual((string?)lower["sid"], (string?)upper["sid"]);
    }

    [Fact]
    public async Task Identities_with_any_characters_are_kept_apart()
    {
        var identity = "agent {x}|" + Guid.NewGuid().ToString("N") + " é@example.com";
        var created = await Client.PostFormAsync("/v1/Users", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        var fetched = await Client.GetAsync($"/v1/Users/{Uri.EscapeDataString(identity)}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)created["sid"], (string?)fetched["sid"]);
        Assert.Equal(identity, (string?)fetched["identity"]);
    }

    [Fact]
    public async Task Invalid_input_is_refused()
    {
        await Client.PostFormAsync("/v1/Users", ("FriendlyName", "nobody")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync("/v1/Users", ("Identity", Identity("json")), ("Attributes", "{not json")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
        await Client.PostFormAsync("/v1/Users", ("Identity", Identity("role")), ("RoleSid", "RL0123456789abcdef0123456789abcdef")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50100);
        var conversationRole = await ServiceConfigurationValueAsync("default_conversation_role_sid");
        await Client.PostFormAsync("/v1/Users", ("Identity", Identity("type")), ("RoleSid", conversationRole)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50105);
        await Client.GetAsync("/v1/Users?PageSize=51").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.GetAsync("/v1/Users/US0123456789abcdef0123456789abcdef").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Chat_participant_identity_gets_its_user_once()
    {
        var identity = Identity("participant");
        var first = (string)(await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var second = (string)(await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;

        await Client.PostFormAsync($"/v1/Conversations/{first}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        var user = await Client.GetAsync($"/v1/Users/{identity}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(identity, (string?)user["identity"]);
        Assert.Equal("{}", (string?)user["attributes"]);
        Assert.Equal(await ServiceConfigurationValueAsync("default_chat_service_role_sid"), (string?)user["role_sid"]);

        await Client.PostFormAsync($"/v1/Conversations/{second}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        var again = await Client.GetAsync($"/v1/Users/{identity}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)user["sid"], (string?)again["sid"]);

        // A user created beforehand is the one the participant links to.
        var existing = Identity("existing");
        var made = await Client.PostFormAsync("/v1/Users", ("Identity", existing), ("FriendlyName", "Made first")).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{first}/Participants", ("Identity", existing)).ExpectAsync(HttpStatusCode.Created);
        var linked = await Client.GetAsync($"/v1/Users/{existing}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)made["sid"], (string?)linked["sid"]);
        Assert.Equal("Made first", (string?)linked["friendly_name"]);
    }

    [Fact]
    public async Task Users_list_pages_through_every_user()
    {
        var made = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            made.Add((string)(await Client.PostFormAsync("/v1/Users", ("Identity", Identity("page"))).ExpectAsync(HttpStatusCode.Created))["sid"]!);
        }

        var seen = new List<string>();
        string? url = "/v1/Users?PageSize=2";
        while (url is not null)
        {
            var page = await Client.GetAsync(url).ExpectAsync(HttpStatusCode.OK);
            Assert.True(page["users"]!.AsArray().Count <= 2);
            seen.AddRange(page["users"]!.AsArray().Select(u => (string)u!["sid"]!));
            url = (string?)page["meta"]!["next_page_url"];
        }

        Assert.Subset(seen.ToHashSet(), made.ToHashSet());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Retried_creates_with_one_idempotency_key_make_one_user_and_one_role()
    {
        var identity = Identity("retry");
        var key = Guid.NewGuid().ToString("N");
        var first = await Client.PostFormWithKeyAsync("/v1/Users", key, ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        var second = await Client.PostFormWithKeyAsync("/v1/Users", key, ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal((string?)first["sid"], (string?)second["sid"]);

        var roleKey = Guid.NewGuid().ToString("N");
        var role = await Client.PostFormWithKeyAsync("/v1/Roles", roleKey, ("FriendlyName", "retried"), ("Type", "conversation"), ("Permission", "sendMessage"))
            .ExpectAsync(HttpStatusCode.Created);
        var again = await Client.PostFormWithKeyAsync("/v1/Roles", roleKey, ("FriendlyName", "retried"), ("Type", "conversation"), ("Permission", "sendMessage"))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal((string?)role["sid"], (string?)again["sid"]);
    }

    private static string Identity(string purpose) => $"user-{purpose}-{Guid.NewGuid():N}";

    private async Task<string> ServiceConfigurationValueAsync(string field)
    {
        var service = (string)(await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
        return (string)(await Client.GetAsync($"/v1/Services/{service}/Configuration").ExpectAsync(HttpStatusCode.OK))[field]!;
    }

    private async Task<string> ServiceRoleAsync() =>
        (string)(await Client.PostFormAsync("/v1/Roles", ("FriendlyName", "user admin"), ("Type", "service"), ("Permission", "editAnyUserInfo"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
}
