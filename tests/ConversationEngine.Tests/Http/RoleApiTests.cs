using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

[Collection(SharedEngine.Name)]
public sealed class RoleApiTests(EngineFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Role_is_created_fetched_listed_updated_and_deleted()
    {
        var created = await Client.PostFormAsync("/v1/Roles",
            ("FriendlyName", "Support agent"), ("Type", "conversation"), ("Permission", "sendMessage"), ("Permission", "leaveConversation"))
            .ExpectAsync(HttpStatusCode.Created);

        var sid = (string)created["sid"]!;
        Assert.Matches("^RL[0-9a-f]{32}$", sid);
        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
        Assert.Equal(await DefaultServiceAsync(), (string?)created["chat_service_sid"]);
        Assert.Equal("Support agent", (string?)created["friendly_name"]);
        Assert.Equal("conversation", (string?)created["type"]);
        Assert.Equal(["sendMessage", "leaveConversation"], Permissions(created));
        Assert.NotNull((string?)created["date_created"]);
        Assert.NotNull((string?)created["date_updated"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Roles/{sid}", (string?)created["url"]);
        Assert.Equal(
            ["sid", "account_sid", "chat_service_sid", "friendly_name", "type", "permissions", "date_created", "date_updated", "url"],
            created.Select(p => p.Key));

        var fetched = await Client.GetAsync($"/v1/Roles/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Support agent", (string?)fetched["friendly_name"]);

        var listed = await ListAsync();
        Assert.Contains(sid, listed.Select(r => (string?)r["sid"]));

        var updated = await Client.PostFormAsync($"/v1/Roles/{sid}", ("Permission", "sendMediaMessage")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["sendMediaMessage"], Permissions(updated));

        await Client.DeleteAsync($"/v1/Roles/{sid}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"/v1/Roles/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Service_starts_with_twilios_default_roles_and_its_configuration_names_them()
    {
        var roles = await ListAsync();
        var byName = roles.ToDictionary(r => (string)r["friendly_name"]!, r => r);
        Assert.Equal("service", (string?)byName["service admin"]["type"]);
        Assert.Equal("service", (string?)byName["service user"]["type"]);
        Assert.Equal("conversation", (string?)byName["channel admin"]["type"]);
        Assert.Equal("conversation", (string?)byName["channel user"]["type"]);
        Assert.Contains("sendMessage", Permissions(byName["channel user"]));
        Assert.Contains("createConversation", Permissions(byName["service user"]));

        var service = await DefaultServiceAsync();
        var configuration = await Client.GetAsync($"/v1/Services/{service}/Configuration").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)byName["channel admin"]["sid"], (string?)configuration["default_conversation_creator_role_sid"]);
        Assert.Equal((string?)byName["channel user"]["sid"], (string?)configuration["default_conversation_role_sid"]);
        Assert.Equal((string?)byName["service user"]["sid"], (string?)configuration["default_chat_service_role_sid"]);
    }

    [Theory]
    [InlineData("conversation", "createConversation")]
    [InlineData("service", "sendMessage")]
    [InlineData("conversation", "flyToTheMoon")]
    public async Task Permission_outside_the_types_list_is_refused(string type, string permission)
    {
        await Client.PostFormAsync("/v1/Roles", ("FriendlyName", "bad"), ("Type", type), ("Permission", permission))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Unknown_type_is_refused_with_50105_and_missing_fields_with_400()
    {
        await Client.PostFormAsync("/v1/Roles", ("FriendlyName", "bad"), ("Type", "channel"), ("Permission", "sendMessage"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50105);
        await Client.PostFormAsync("/v1/Roles", ("Type", "conversation"), ("Permission", "sendMessage")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync("/v1/Roles", ("FriendlyName", "no permissions"), ("Type", "conversation")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Update_with_a_permission_of_the_other_type_is_refused_and_changes_nothing()
    {
        var role = await Client.PostFormAsync("/v1/Roles", ("FriendlyName", "svc"), ("Type", "service"), ("Permission", "joinConversation"))
            .ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Roles/{role["sid"]}", ("Permission", "sendMessage")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        var fetched = await Client.GetAsync($"/v1/Roles/{role["sid"]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["joinConversation"], Permissions(fetched));
    }

    [Fact]
    public async Task Participant_without_role_gets_the_conversation_default_and_a_given_role_must_be_a_conversation_role()
    {
        var service = await DefaultServiceAsync();
        var configuration = await Client.GetAsync($"/v1/Services/{service}/Configuration").ExpectAsync(HttpStatusCode.OK);
        var conversation = (string)(await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var chat = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "r-" + Guid.NewGuid().ToString("N")))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal((string?)configuration["default_conversation_role_sid"], (string?)chat["role_sid"]);

        var sms = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", Numbers.NextUs()), ("MessagingBinding.ProxyAddress", "+15005550006"))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal((string?)configuration["default_conversation_role_sid"], (string?)sms["role_sid"]);

        var admin = (string?)configuration["default_conversation_creator_role_sid"];
        var promoted = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{chat["sid"]}", ("RoleSid", admin!))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(admin, (string?)promoted["role_sid"]);

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "r-" + Guid.NewGuid().ToString("N")), ("RoleSid", "RL0123456789abcdef0123456789abcdef"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50109);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "r-" + Guid.NewGuid().ToString("N")), ("RoleSid", (string)configuration["default_chat_service_role_sid"]!))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50105);
    }

    [Fact]
    public async Task Configuration_takes_only_roles_of_the_right_type()
    {
        var service = await DefaultServiceAsync();
        var url = $"/v1/Services/{service}/Configuration";
        var conversationRole = await Client.PostFormAsync("/v1/Roles", ("FriendlyName", "cfg-conversation"), ("Type", "conversation"), ("Permission", "sendMessage"))
            .ExpectAsync(HttpStatusCode.Created);
        var serviceRole = await Client.PostFormAsync("/v1/Roles", ("FriendlyName", "cfg-service"), ("Type", "service"), ("Permission", "joinConversation"))
            .ExpectAsync(HttpStatusCode.Created);

        await Client.PostFormAsync(url, ("DefaultChatServiceRoleSid", (string)conversationRole["sid"]!)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50105);
        await Client.PostFormAsync(url, ("DefaultConversationRoleSid", "RL0123456789abcdef0123456789abcdef")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50109);

        var before = await Client.GetAsync(url).ExpectAsync(HttpStatusCode.OK);
        try
        {
            var after = await Client.PostFormAsync(url, ("DefaultChatServiceRoleSid", (string)serviceRole["sid"]!)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal((string?)serviceRole["sid"], (string?)after["default_chat_service_role_sid"]);
        }
        finally
        {
            await Client.PostFormAsync(url, ("DefaultChatServiceRoleSid", (string)before["default_chat_service_role_sid"]!)).ExpectAsync(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Roles_list_pages_with_twilios_envelope_and_refuses_pages_over_50()
    {
        var first = await Client.GetAsync("/v1/Roles?PageSize=2").ExpectAsync(HttpStatusCode.OK);
        var meta = first["meta"]!;
        Assert.Equal("roles", (string?)meta["key"]);
        Assert.Equal(2, (int)meta["page_size"]!);
        Assert.Equal(2, first["roles"]!.AsArray().Count);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Roles?PageSize=2&Page=0", (string?)meta["first_page_url"]);
        var next = (string)meta["next_page_url"]!;
        var second = await Client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual((string?)first["roles"]![0]!["sid"], (string?)second["roles"]![0]!["sid"]);
        Assert.NotNull((string?)second["meta"]!["previous_page_url"]);

        await Client.GetAsync("/v1/Roles?PageSize=51").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    private async Task<string> DefaultServiceAsync() =>
        (string)(await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;

    private async Task<List<JsonNode>> ListAsync()
    {
        var all = new List<JsonNode>();
        string? url = "/v1/Roles?PageSize=50";
        while (url is not null)
        {
            var page = await Client.GetAsync(url).ExpectAsync(HttpStatusCode.OK);
            all.AddRange(page["roles"]!.AsArray().Select(r => r!));
            url = (string?)page["meta"]!["next_page_url"];
        }

        return all;
    }

    private static string[] Permissions(JsonNode role) => role["permissions"]!.AsArray().Select(p => (string)p!).ToArray();
}
