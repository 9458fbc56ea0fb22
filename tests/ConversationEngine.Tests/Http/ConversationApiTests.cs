using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

[Collection(SharedEngine.Name)]
public sealed partial class ConversationApiTests(EngineFixture fixture)
{
    private static readonly string[] ConversationFields =
    [
        "account_sid", "chat_service_sid", "messaging_service_sid", "sid", "friendly_name", "unique_name", "attributes",
        "state", "date_created", "date_updated", "timers", "url", "links", "bindings",
    ];

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Created_conversation_has_every_field_of_the_twilio_resource()
    {
        var configuration = await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK);
        var body = await Client.PostFormAsync("/v1/Conversations",
            ("FriendlyName", "Support"), ("Attributes", "{\"topic\":\"billing\"}"), ("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(ConversationFields.Order(), body.Select(p => p.Key).Order());
        Assert.Matches(SidPattern("CH"), (string)body["sid"]!);
        Assert.Equal(EngineHost.AccountSid, (string?)body["account_sid"]);
        Assert.Equal((string?)configuration["default_chat_service_sid"], (string?)body["chat_service_sid"]);
        Assert.Matches(SidPattern("IS"), (string)body["chat_service_sid"]!);
        Assert.Equal("MG0123456789abcdef0123456789abcdef", (string?)body["messaging_service_sid"]);
        Assert.Equal("Support", (string?)body["friendly_name"]);
        Assert.Null((string?)body["unique_name"]);
        Assert.Equal("{\"topic\":\"billing\"}", (string?)body["attributes"]);
        Assert.Equal("active", (string?)body["state"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string)body["date_created"]!);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{body["sid"]}", (string?)body["url"]);
        Assert.Equal($"{body["url"]}/Messages", (string?)body["links"]!["messages"]);
        Assert.Equal($"{body["url"]}/Participants", (string?)body["links"]!["participants"]);
        Assert.Empty(body["timers"]!.AsObject());
    }

    [Fact]
    public async Task Conversation_is_fetched_by_sid_and_by_unique_name()
    {
        var name = "case-" + Guid.NewGuid().ToString("N");
        var created = await Client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);

        var bySid = await Client.GetAsync($"/v1/Conversations/{created["sid"]}").ExpectAsync(HttpStatusCode.OK);
        var byName = await Client.GetAsync($"/v1/Conversations/{name}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(created.ToJsonString(), bySid.ToJsonString());
        Assert.Equal(created.ToJsonString(), byName.ToJsonString());
    }

    [Fact]
    public async Task Update_changes_only_the_given_fields()
    {
        var created = await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "before"), ("Attributes", "{\"a\":1}"))
            .ExpectAsync(HttpStatusCode.Created);
        var name = "renamed-" + Guid.NewGuid().ToString("N");

        var updated = await Client.PostFormAsync($"/v1/Conversations/{created["sid"]}", ("FriendlyName", "after"), ("UniqueName", name), ("State", "inactive"))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("after", (string?)updated["friendly_name"]);
        Assert.Equal(name, (string?)updated["unique_name"]);
        Assert.Equal("inactive", (string?)updated["state"]);
        Assert.Equal("{\"a\":1}", (string?)updated["attributes"]);
        await Client.GetAsync($"/v1/Conversations/{name}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Closed_conversation_refuses_updates_with_50377()
    {
        var created = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{created["sid"]}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);

        await Client.PostFormAsync($"/v1/Conversations/{created["sid"]}", ("FriendlyName", "again"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50377);
    }

    [Fact]
    public async Task Unique_name_is_unique_and_cannot_look_like_a_sid()
    {
        var name = "unique-" + Guid.NewGuid().ToString("N");
        await Client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);

        var conflict = await Client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectErrorAsync(HttpStatusCode.Conflict, 50353);
        await Client.PostFormAsync("/v1/Conversations", ("UniqueName", "CH0123456789abcdef0123456789abcdef"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50390);
        Assert.Contains(name, (string)conflict["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_conversation_removes_its_children_and_frees_its_unique_name_and_bindings()
    {
        var name = "doomed-" + Guid.NewGuid().ToString("N");
        var address = Numbers.NextUs();
        var created = await Client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);
        var sid = (string)created["sid"]!;
        await Client.PostFormAsync($"/v1/Conversations/{sid}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", "+15005550006"))
            .ExpectAsync(HttpStatusCode.Created);
        var message = await Client.PostFormAsync($"/v1/Conversations/{sid}/Messages", ("Body", "bye")).ExpectAsync(HttpStatusCode.Created);

        await Client.DeleteAsync($"/v1/Conversations/{sid}").ExpectAsync(HttpStatusCode.NoContent);

        await Client.GetAsync($"/v1/Conversations/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Conversations/{name}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Conversations/{sid}/Messages/{message["sid"]}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Conversations/{sid}/Participants").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        var again = await Client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{again["sid"]}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", "+15005550006"))
            .ExpectAsync(HttpStatusCode.Created);
        var list = await ListAllAsync("/v1/Conversations?PageSize=100");
        Assert.DoesNotContain(sid, list);
    }

    [Fact]
    public async Task Closing_a_conversation_frees_its_bindings()
    {
        var address = Numbers.NextUs();
        var first = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{first["sid"]}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", "+15005550006"))
            .ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{first["sid"]}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);

        var second = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{second["sid"]}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", "+15005550006"))
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Listing_walks_every_conversation_once_and_filters_by_state()
    {
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var body = await Client.PostFormAsync("/v1/Conversations", ("State", i % 2 == 0 ? "active" : "inactive")).ExpectAsync(HttpStatusCode.Created);
            created.Add((string)body["sid"]!);
        }

        var all = await ListAllAsync("/v1/Conversations?PageSize=3");
        var inactive = await ListAllAsync("/v1/Conversations?PageSize=2&State=inactive");

        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(created, all.Where(created.Contains));
        Assert.Equal(created.Where((_, i) => i % 2 == 1), inactive.Where(created.Contains));
    }

    [Fact]
    public async Task List_envelope_has_twilio_meta()
    {
        await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);

        var page = await Client.GetAsync("/v1/Conversations?PageSize=1").ExpectAsync(HttpStatusCode.OK);
        var meta = page["meta"]!.AsObject();

        Assert.Equal(["first_page_url", "key", "next_page_url", "page", "page_size", "previous_page_url", "url"], meta.Select(p => p.Key).Order());
        Assert.Equal("conversations", (string?)meta["key"]);
        Assert.Equal(1, (int)meta["page_size"]!);
        Assert.Equal(0, (int)meta["page"]!);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations?PageSize=1&Page=0", (string?)meta["first_page_url"]);
        Assert.Null(meta["previous_page_url"]);
        Assert.StartsWith($"{fixture.Host.BaseUrl}/v1/Conversations?PageSize=1&Page=1&PageToken=", (string)meta["next_page_url"]!, StringComparison.Ordinal);
        Assert.Single(page["conversations"]!.AsArray());

        var next = await Client.GetAsync((string)meta["next_page_url"]!).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)next["meta"]!["page"]!);
        Assert.NotNull((string?)next["meta"]!["previous_page_url"]);
    }

    private async Task<List<string>> ListAllAsync(string url)
    {
        var sids = new List<string>();
        string? next = url;
        while (next is not null)
        {
            var page = await Client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
            sids.AddRange(page["conversations"]!.AsArray().Select(c => (string)c!["sid"]!));
            next = (string?)page["meta"]!["next_page_url"];
        }

        return sids;
    }

    private static Regex SidPattern(string prefix) => new($"^{prefix}[0-9a-f]{{32}}$");
}

/// <summary>Distinct phone numbers, so tests sharing one engine never collide on a binding.</summary>
public static class Numbers
{
    private static int next = 1000000;

    public static string NextUs() => "+1555" + Interlocked.Increment(ref next).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
}
