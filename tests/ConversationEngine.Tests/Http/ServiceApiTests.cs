using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Api.Http;
using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using ConversationEngine.Tests.Support;
using ConversationEngine.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Conversation services (<c>/v1/Services</c>) and their twins (<c>/v1/Services/{IS}/…</c>):
/// each service holds its own conversations, unique names and configuration, and a service's path
/// answers with the service's URLs.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class ServiceApiTests(EngineFixture fixture)
{
    private static readonly string[] ServiceFields = ["account_sid", "sid", "friendly_name", "date_created", "date_updated", "url", "links"];

    private static readonly string[] ServiceLinks =
    [
        "conversations", "users", "roles", "bindings", "configuration", "participant_conversations", "conversation_with_participants",
    ];

    private HttpClient Client => fixture.Host.Client;

    private string BaseUrl => fixture.Host.BaseUrl;

    [Fact]
    public async Task Service_is_created_fetched_listed_and_deleted_with_the_fields_of_the_twilio_resource()
    {
        var created = await Client.PostFormAsync("/v1/Services", ("FriendlyName", "Support desk")).ExpectAsync(HttpStatusCode.Created);
        var sid = (string)created["sid"]!;
        Assert.Matches("^IS[0-9a-f]{32}$", sid);
        Assert.Equal(ServiceFields, created.Select(p => p.Key));
        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
        Assert.Equal("Support desk", (string?)created["friendly_name"]);
        Assert.Equal($"{BaseUrl}/v1/Services/{sid}", (string?)created["url"]);
        Assert.Equal(ServiceLinks, created["links"]!.AsObject().Select(p => p.Key));
        Assert.Equal($"{BaseUrl}/v1/Services/{sid}/Conversations", (string?)created["links"]!["conversations"]);
        Assert.Equal($"{BaseUrl}/v1/Services/{sid}/Configuration", (string?)created["links"]!["configuration"]);

        var fetched = await Client.GetAsync($"/v1/Services/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.ToJsonString(), fetched.ToJsonString());

        var listed = await AllServicesAsync();
        Assert.Contains(listed, s => s.ToJsonString() == created.ToJsonString());

        await Client.DeleteAsync($"/v1/Services/{sid}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"/v1/Services/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"/v1/Services/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.DoesNotContain(await AllServicesAsync(), s => (string?)s["sid"] == sid);
        await Client.GetAsync($"/v1/Services/{sid}/Configuration").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Services/{sid}/Conversations").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Same_idempotency_key_answers_the_same_service_and_creates_one_and_another_request_with_it_is_422()
    {
        var key = "service-" + Guid.NewGuid().ToString("N");
        var name = "once " + Guid.NewGuid().ToString("N")[..8];
        using var first = await Client.PostFormWithKeyAsync("/v1/Services", key, ("FriendlyName", name));
        using var second = await Client.PostFormWithKeyAsync("/v1/Services", key, ("FriendlyName", name));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var body = await first.Content.ReadAsStringAsync();
        Assert.Equal(body, await second.Content.ReadAsStringAsync());
        Assert.Equal("true", second.Headers.GetValues(IdempotencyFilter.ReplayedHeader).Single());
        Assert.Single(await AllServicesAsync(), s => (string?)s["friendly_name"] == name);

        await Client.PostFormWithKeyAsync("/v1/Services", key, ("FriendlyName", name + " again")).ExpectErrorAsync((HttpStatusCode)422, Errors.IdempotencyKeyReused);
        Assert.DoesNotContain(await AllServicesAsync(), s => (string?)s["friendly_name"] == name + " again");

        // A retry whose first answer was lost creates under the SID the key reserved, and finds the service there.
        var sid = (string)JsonNode.Parse(body)!["sid"]!;
        var account = fixture.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<Accounts.IAccountGrain>(EngineHost.AccountSid);
        Assert.Equal(name, (await account.CreateServiceAsync(sid, "another name")).FriendlyName);
        Assert.Single(await account.ListServicesAsync(), s => s == sid);
    }

    [Fact]
    public async Task Service_without_friendly_name_is_refused_and_an_unknown_or_malformed_sid_is_404()
    {
        await Client.PostFormAsync("/v1/Services").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync("/v1/Services", ("FriendlyName", new string('x', 257))).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.GetAsync("/v1/Services/IS0123456789abcdef0123456789abcdef").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync("/v1/Services/not-a-service").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync("/v1/Services/IS0123456789abcdef0123456789abcdef/Conversations").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Default_service_is_listed_and_fetched_but_deleting_it_is_refused()
    {
        var defaultService = await DefaultServiceAsync();
        Assert.Contains(await AllServicesAsync(), s => (string?)s["sid"] == defaultService);
        var fetched = await Client.GetAsync($"/v1/Services/{defaultService}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(defaultService, (string?)fetched["sid"]);

        var conversation = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        await Client.DeleteAsync($"/v1/Services/{defaultService}").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.GetAsync($"/v1/Services/{defaultService}").ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"/v1/Conversations/{conversation["sid"]}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Services_list_pages_with_the_services_key()
    {
        for (var i = 0; i < 2; i++)
        {
            await CreateServiceAsync();
        }

        var first = await Client.GetAsync("/v1/Services?PageSize=1").ExpectAsync(HttpStatusCode.OK);
        Assert.Single(first["services"]!.AsArray());
        Assert.Equal("services", (string?)first["meta"]!["key"]);
        Assert.Equal($"{BaseUrl}/v1/Services?PageSize=1&Page=0", (string?)first["meta"]!["first_page_url"]);
        var next = (string)first["meta"]!["next_page_url"]!;
        var second = await Client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(second["services"]!.AsArray());
        Assert.NotEqual((string?)first["services"]![0]!["sid"], (string?)second["services"]![0]!["sid"]);
        Assert.NotNull((string?)second["meta"]!["previous_page_url"]);
    }

    [Fact]
    public async Task Conversation_created_in_a_service_is_served_only_under_that_service_with_its_urls()
    {
        var a = await CreateServiceAsync();
        var b = await CreateServiceAsync();
        var created = await Client.PostFormAsync($"/v1/Services/{a}/Conversations", ("FriendlyName", "in A")).ExpectAsync(HttpStatusCode.Created);
        var sid = (string)created["sid"]!;
        var url = $"{BaseUrl}/v1/Services/{a}/Conversations/{sid}";
        Assert.Equal(a, (string?)created["chat_service_sid"]);
        Assert.Equal(url, (string?)created["url"]);
        Assert.Equal($"{url}/Messages", (string?)created["links"]!["messages"]);
        Assert.Equal($"{url}/Participants", (string?)created["links"]!["participants"]);

        var fetched = await Client.GetAsync($"/v1/Services/{a}/Conversations/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.ToJsonString(), fetched.ToJsonString());
        await Client.GetAsync($"/v1/Services/{b}/Conversations/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Conversations/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/v1/Services/{b}/Conversations/{sid}/Messages", ("Body", "x")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"/v1/Conversations/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        var inA = (await Client.GetAsync($"/v1/Services/{a}/Conversations").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray();
        Assert.Equal([sid], inA.Select(c => (string)c!["sid"]!));
        Assert.Equal(url, (string?)inA[0]!["url"]);
        Assert.Empty((await Client.GetAsync($"/v1/Services/{b}/Conversations").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());
        Assert.DoesNotContain(await AllAsync("/v1/Conversations", "conversations"), c => (string?)c["sid"] == sid);
    }

    [Fact]
    public async Task Participants_messages_receipts_and_webhooks_under_a_service_carry_its_sid_and_urls()
    {
        var service = await CreateServiceAsync();
        var conversation = $"/v1/Services/{service}/Conversations/" + (string)(await Client.PostFormAsync($"/v1/Services/{service}/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var participant = await Client.PostFormAsync($"{conversation}/Participants", ("Identity", "alice")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(service, (string?)participant["chat_service_sid"]);
        Assert.Equal($"{BaseUrl}{conversation}/Participants/{participant["sid"]}", (string?)participant["url"]);
        var byIdentity = await Client.GetAsync($"{conversation}/Participants/alice").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(participant.ToJsonString(), byIdentity.ToJsonString());
        var participants = await Client.GetAsync($"{conversation}/Participants").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal($"{BaseUrl}{conversation}/Participants?PageSize=50&Page=0", (string?)participants["meta"]!["url"]);

        var message = await Client.PostFormAsync($"{conversation}/Messages", ("Author", "alice"), ("Body", "hello")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(service, (string?)message["chat_service_sid"]);
        Assert.Equal($"{BaseUrl}{conversation}/Messages/{message["sid"]}", (string?)message["url"]);
        Assert.Equal($"{BaseUrl}{conversation}/Messages/{message["sid"]}/Receipts", (string?)message["links"]!["delivery_receipts"]);
        await Client.GetAsync($"{conversation}/Messages/{message["sid"]}").ExpectAsync(HttpStatusCode.OK);
        var messages = await Client.GetAsync($"{conversation}/Messages").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(service, (string?)messages["messages"]![0]!["chat_service_sid"]);
        var receipts = await Client.GetAsync($"{conversation}/Messages/{message["sid"]}/Receipts").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal($"{BaseUrl}{conversation}/Messages/{message["sid"]}/Receipts?PageSize=50&Page=0", (string?)receipts["meta"]!["url"]);

        var webhook = await Client.PostFormAsync($"{conversation}/Webhooks",
            ("Target", "webhook"), ("Configuration.Url", "https://example.com/hook"), ("Configuration.Filters", "onMessageAdded"))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(service, (string?)webhook["chat_service_sid"]);
        Assert.Equal($"{BaseUrl}{conversation}/Webhooks/{webhook["sid"]}", (string?)webhook["url"]);
        await Client.GetAsync($"{conversation}/Webhooks/{webhook["sid"]}").ExpectAsync(HttpStatusCode.OK);

        // The short form of the same kind of resource has no chat_service_sid, as Twilio's schema.
        var plain = (string)(await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var plainParticipant = await Client.PostFormAsync($"/v1/Conversations/{plain}/Participants", ("Identity", "bob")).ExpectAsync(HttpStatusCode.Created);
        Assert.False(plainParticipant.ContainsKey("chat_service_sid"));
    }

    [Fact]
    public async Task Same_unique_name_lives_in_two_services_and_each_path_finds_its_own()
    {
        var a = await CreateServiceAsync();
        var b = await CreateServiceAsync();
        var name = "case-" + Guid.NewGuid().ToString("N");
        var inA = await Client.PostFormAsync($"/v1/Services/{a}/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);
        var inB = await Client.PostFormAsync($"/v1/Services/{b}/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);
        var inDefault = await Client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Services/{a}/Conversations", ("UniqueName", name)).ExpectErrorAsync(HttpStatusCode.Conflict, 50353);

        Assert.Equal((string?)inA["sid"], (string?)(await Client.GetAsync($"/v1/Services/{a}/Conversations/{name}").ExpectAsync(HttpStatusCode.OK))["sid"]);
        Assert.Equal((string?)inB["sid"], (string?)(await Client.GetAsync($"/v1/Services/{b}/Conversations/{name}").ExpectAsync(HttpStatusCode.OK))["sid"]);
        Assert.Equal((string?)inDefault["sid"], (string?)(await Client.GetAsync($"/v1/Conversations/{name}").ExpectAsync(HttpStatusCode.OK))["sid"]);
    }

    [Fact]
    public async Task Service_configuration_and_webhooks_are_kept_apart_from_other_services()
    {
        var a = await CreateServiceAsync();
        var b = await CreateServiceAsync();
        await Client.PostFormAsync($"/v1/Services/{a}/Configuration/Webhooks", ("PostWebhookUrl", "https://example.com/a"), ("Filters", "onMessageAdded"))
            .ExpectAsync(HttpStatusCode.OK);
        await Client.PostFormAsync($"/v1/Services/{a}/Configuration", ("ReachabilityEnabled", "true")).ExpectAsync(HttpStatusCode.OK);

        var otherHooks = await Client.GetAsync($"/v1/Services/{b}/Configuration/Webhooks").ExpectAsync(HttpStatusCode.OK);
        Assert.Null((string?)otherHooks["post_webhook_url"]);
        Assert.Empty(otherHooks["filters"]!.AsArray());
        Assert.False((bool)(await Client.GetAsync($"/v1/Services/{b}/Configuration").ExpectAsync(HttpStatusCode.OK))["reachability_enabled"]!);
        Assert.Equal("https://example.com/a", (string?)(await Client.GetAsync($"/v1/Services/{a}/Configuration/Webhooks").ExpectAsync(HttpStatusCode.OK))["post_webhook_url"]);
    }

    [Fact]
    public async Task Deleting_a_service_deletes_its_conversations_their_unique_names_and_its_configuration()
    {
        var service = await CreateServiceAsync();
        var name = "gone-" + Guid.NewGuid().ToString("N");
        var sids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var created = await Client.PostFormAsync($"/v1/Services/{service}/Conversations", ("UniqueName", $"{name}-{i}")).ExpectAsync(HttpStatusCode.Created);
            var sid = (string)created["sid"]!;
            sids.Add(sid);
            await Client.PostFormAsync($"/v1/Services/{service}/Conversations/{sid}/Participants", ("Identity", "alice")).ExpectAsync(HttpStatusCode.Created);
            await Client.PostFormAsync($"/v1/Services/{service}/Conversations/{sid}/Messages", ("Author", "alice"), ("Body", "hi")).ExpectAsync(HttpStatusCode.Created);
        }

        await Client.PostFormAsync($"/v1/Services/{service}/Configuration/Webhooks", ("PostWebhookUrl", "https://example.com/gone")).ExpectAsync(HttpStatusCode.OK);
        await Client.DeleteAsync($"/v1/Services/{service}").ExpectAsync(HttpStatusCode.NoContent);

        var grains = fixture.Host.Services.GetRequiredService<IGrainFactory>();
        for (var i = 0; i < sids.Count; i++)
        {
            Assert.Null(await grains.GetGrain<IConversationGrain>(sids[i]).GetAsync());
            Assert.Null(await grains.GetGrain<IUniqueNameIndexGrain>(IndexKeys.UniqueName(service, $"{name}-{i}")).GetHolderAsync());
        }

        Assert.Null((await grains.GetGrain<IWebhookConfigurationGrain>(service).GetAsync()).PostWebhookUrl);
        await Client.GetAsync($"/v1/Services/{service}/Configuration/Webhooks").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Services/{service}/Conversations/{name}-0").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Deleting_a_service_deletes_its_roles_and_users_and_a_new_service_sees_none_of_them()
    {
        var service = await CreateServiceAsync();
        var (role, users, identities) = await PopulateAsync(Client, service);

        await Client.DeleteAsync($"/v1/Services/{service}").ExpectAsync(HttpStatusCode.NoContent);

        await AssertUsersAndRolesGoneAsync(Client, fixture.Host.Services.GetRequiredService<IGrainFactory>(), service, role, users, identities);
    }

    /// <summary>
    /// The deletion fails part-way through the users (their list refuses the write after the first
    /// user and its identity's claim are gone): the service is still there, and deleting it again
    /// finishes the users, the roles and the rest.
    /// </summary>
    [Fact]
    public async Task Service_deletion_that_failed_among_its_users_finishes_when_repeated()
    {
        var faults = new StorageFaults();
        await using var host = await EngineHost.StartAsync(services: faults.Install);
        var service = (string)(await host.Client.PostFormAsync("/v1/Services", ("FriendlyName", "half")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var (role, users, identities) = await PopulateAsync(host.Client, service);

        faults.Fails = state => state is Users.UserDirectoryState;
        using (var failed = await host.Client.DeleteAsync($"/v1/Services/{service}"))
        {
            Assert.False(failed.IsSuccessStatusCode);
        }

        await host.Client.GetAsync($"/v1/Services/{service}").ExpectAsync(HttpStatusCode.OK);
        faults.Fails = null;
        await host.Client.DeleteAsync($"/v1/Services/{service}").ExpectAsync(HttpStatusCode.NoContent);

        await AssertUsersAndRolesGoneAsync(host.Client, host.Grains, service, role, users, identities);
    }

    /// <summary>A custom role, a user made by REST, one made for a chat participant, and a conversation holding both.</summary>
    private static async Task<(string Role, string[] Users, string[] Identities)> PopulateAsync(HttpClient client, string service)
    {
        var prefix = $"/v1/Services/{service}";
        var role = (string)(await client.PostFormAsync($"{prefix}/Roles", ("FriendlyName", "doomed"), ("Type", "service"), ("Permission", "editOwnUserInfo"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var identities = new[] { "doomed-rest-" + Guid.NewGuid().ToString("N")[..8], "doomed-chat-" + Guid.NewGuid().ToString("N")[..8] };
        await client.PostFormAsync($"{prefix}/Users", ("Identity", identities[0]), ("RoleSid", role)).ExpectAsync(HttpStatusCode.Created);
        var conversation = (string)(await client.PostFormAsync($"{prefix}/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
        foreach (var identity in identities)
        {
            await client.PostFormAsync($"{prefix}/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        }

        var users = new string[identities.Length];
        for (var i = 0; i < identities.Length; i++)
        {
            users[i] = (string)(await client.GetAsync($"{prefix}/Users/{identities[i]}").ExpectAsync(HttpStatusCode.OK))["sid"]!;
        }

        return (role, users, identities);
    }

    private static async Task AssertUsersAndRolesGoneAsync(HttpClient client, IGrainFactory grains, string service, string role, string[] users, string[] identities)
    {
        for (var i = 0; i < users.Length; i++)
        {
            Assert.Null(await grains.GetGrain<Users.IUserGrain>(users[i]).GetAsync());
            Assert.Null(await grains.GetGrain<Users.IUserIdentityGrain>(Users.UserKeys.Identity(service, identities[i])).GetUserAsync());
            await client.GetAsync($"/v1/Services/{service}/Users/{users[i]}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
            await client.GetAsync($"/v1/Users/{users[i]}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        }

        Assert.Empty(await grains.GetGrain<Users.IUserDirectoryGrain>(service).RangeAsync(0, 10));
        var roles = grains.GetGrain<Users.IServiceRolesGrain>(service);
        Assert.Equal(20404, (await Assert.ThrowsAsync<EngineException>(() => roles.GetAsync(role))).Code);
        await client.GetAsync($"/v1/Services/{service}/Roles/{role}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        // A new service starts with its own roles and no users; the old SIDs and identities are unknown to it.
        var fresh = (string)(await client.PostFormAsync("/v1/Services", ("FriendlyName", "fresh")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await client.GetAsync($"/v1/Services/{fresh}/Roles/{role}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.Equal(4, (await client.GetAsync($"/v1/Services/{fresh}/Roles").ExpectAsync(HttpStatusCode.OK))["roles"]!.AsArray().Count);
        Assert.Empty((await client.GetAsync($"/v1/Services/{fresh}/Users").ExpectAsync(HttpStatusCode.OK))["users"]!.AsArray());
        foreach (var identity in identities)
        {
            await client.GetAsync($"/v1/Services/{fresh}/Users/{identity}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        }
    }

    [Fact]
    public async Task Roles_users_conversations_with_participants_and_participant_conversations_are_served_in_a_named_service_too()
    {
        var service = await CreateServiceAsync();
        var prefix = $"/v1/Services/{service}";
        var roles = (await Client.GetAsync($"{prefix}/Roles").ExpectAsync(HttpStatusCode.OK))["roles"]!.AsArray();
        Assert.Contains("channel user", roles.Select(r => (string?)r!["friendly_name"]));
        Assert.All(roles, r => Assert.Equal(service, (string?)r!["chat_service_sid"]));

        var identity = "twin-" + Guid.NewGuid().ToString("N")[..8];
        var user = await Client.PostFormAsync($"{prefix}/Users", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"{BaseUrl}{prefix}/Users/{(string)user["sid"]!}", (string?)user["url"]);
        await Client.GetAsync($"/v1/Users/{identity}").ExpectAsync(HttpStatusCode.NotFound);

        var conversation = await Client.PostFormAsync($"{prefix}/ConversationWithParticipants", ("FriendlyName", "twin"), ("Participant", $"{{\"identity\":\"{identity}\"}}"))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(service, (string?)conversation["chat_service_sid"]);
        var mine = (await Client.GetAsync($"{prefix}/ParticipantConversations?Identity={identity}").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray();
        Assert.Equal((string?)conversation["sid"], (string?)Assert.Single(mine)!["conversation_sid"]);
        Assert.Empty((await Client.GetAsync($"/v1/ParticipantConversations?Identity={identity}").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());
    }

    private async Task<string> CreateServiceAsync() =>
        (string)(await Client.PostFormAsync("/v1/Services", ("FriendlyName", "test " + Guid.NewGuid().ToString("N")[..8])).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<string> DefaultServiceAsync() =>
        (string)(await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;

    private Task<List<JsonObject>> AllServicesAsync() => AllAsync("/v1/Services", "services");

    private async Task<List<JsonObject>> AllAsync(string path, string key)
    {
        var all = new List<JsonObject>();
        string? next = path + "?PageSize=100";
        while (next is not null)
        {
            var page = await Client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
            all.AddRange(page[key]!.AsArray().Select(s => s!.AsObject()));
            next = (string?)page["meta"]!["next_page_url"];
        }

        return all;
    }
}
