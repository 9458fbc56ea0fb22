using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

[Collection(SharedEngine.Name)]
public sealed class MessageApiTests(EngineFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Message_is_created_fetched_updated_and_deleted()
    {
        var conversation = await NewConversationAsync();
        var participant = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "alice"))
            .ExpectAsync(HttpStatusCode.Created);

        var created = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages",
            ("Author", "alice"), ("Body", "Hello & welcome +1"), ("Attributes", "{\"importance\":\"high\"}"))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Matches("^IM[0-9a-f]{32}$", (string)created["sid"]!);
        Assert.Equal(0, (long)created["index"]!);
        Assert.Equal("alice", (string?)created["author"]);
        Assert.Equal("Hello & welcome +1", (string?)created["body"]);
        Assert.Equal((string?)participant["sid"], (string?)created["participant_sid"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{conversation}/Messages/{created["sid"]}", (string?)created["url"]);
        Assert.Equal($"{created["url"]}/Receipts", (string?)created["links"]!["delivery_receipts"]);

        var fetched = await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{created["sid"]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.ToJsonString(), fetched.ToJsonString());

        var updated = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages/{created["sid"]}", ("Body", "edited"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("edited", (string?)updated["body"]);
        Assert.Equal("{\"importance\":\"high\"}", (string?)updated["attributes"]);

        await Client.DeleteAsync($"/v1/Conversations/{conversation}/Messages/{created["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{created["sid"]}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Message_without_author_is_from_system()
    {
        var conversation = await NewConversationAsync();

        var created = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "notice")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("system", (string?)created["author"]);
        Assert.Null(created["participant_sid"]);
    }

    [Fact]
    public async Task Message_with_media_sids_lists_them()
    {
        var conversation = await NewConversationAsync();
        var service = await Media.MediaHttp.DefaultServiceAsync(Client);
        var first = (string)(await Media.MediaHttp.UploadedAsync(Client, service, Media.MediaHttp.Bytes(20), "image/png"))["sid"]!;
        var second = (string)(await Media.MediaHttp.UploadedAsync(Client, service, Media.MediaHttp.Bytes(30), "image/jpeg"))["sid"]!;

        var created = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", first), ("MediaSid", second))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal([first, second], created["media"]!.AsArray().Select(m => (string)m!["sid"]!));
        Assert.Null(created["body"]);
    }

    [Fact]
    public async Task Message_needs_a_body_media_or_content()
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "x")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Body_over_1600_characters_is_refused_when_it_must_reach_sms()
    {
        var conversation = await NewConversationAsync();
        var longBody = new string('a', 1601);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", longBody)).ExpectAsync(HttpStatusCode.Created);

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", Numbers.NextUs()), ("MessagingBinding.ProxyAddress", "+15005550006")).ExpectAsync(HttpStatusCode.Created);

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", longBody)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50504);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", new string('b', 1600))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Fifty_concurrent_posts_get_indexes_0_to_49_once_each()
    {
        var conversation = await NewConversationAsync();

        var bodies = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", $"m{i}")).ExpectAsync(HttpStatusCode.Created)));

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), bodies.Select(b => (long)b["index"]!).Order());
        var listed = await WalkAsync($"/v1/Conversations/{conversation}/Messages?PageSize=100");
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), listed.Select(m => (long)m["index"]!));
    }

    [Fact]
    public async Task Index_is_not_reused_after_a_deletion()
    {
        var conversation = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "0")).ExpectAsync(HttpStatusCode.Created);
        var last = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "1")).ExpectAsync(HttpStatusCode.Created);
        await Client.DeleteAsync($"/v1/Conversations/{conversation}/Messages/{last["sid"]}").ExpectAsync(HttpStatusCode.NoContent);

        var next = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "2")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(2, (long)next["index"]!);
    }

    [Fact]
    public async Task Paging_walks_2500_messages_exactly_once_in_both_orders()
    {
        var conversation = await NewConversationAsync();
        const int count = 2500;
        using (var gate = new SemaphoreSlim(8))
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", $"message {i}")).ExpectAsync(HttpStatusCode.Created);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        var ascending = await WalkAsync($"/v1/Conversations/{conversation}/Messages?PageSize=50");
        var descending = await WalkAsync($"/v1/Conversations/{conversation}/Messages?PageSize=50&Order=desc");

        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), ascending.Select(m => (long)m["index"]!));
        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => (long)i), descending.Select(m => (long)m["index"]!));
        Assert.Equal(count, ascending.Select(m => (string)m["sid"]!).Distinct().Count());
    }

    [Fact]
    public async Task Previous_page_url_leads_back_to_the_page_before()
    {
        var conversation = await NewConversationAsync();
        for (var i = 0; i < 7; i++)
        {
            await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", $"{i}")).ExpectAsync(HttpStatusCode.Created);
        }

        var first = await Client.GetAsync($"/v1/Conversations/{conversation}/Messages?PageSize=3").ExpectAsync(HttpStatusCode.OK);
        var second = await Client.GetAsync((string)first["meta"]!["next_page_url"]!).ExpectAsync(HttpStatusCode.OK);
        var back = await Client.GetAsync((string)second["meta"]!["previous_page_url"]!).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(Indexes(first), Indexes(back));
        Assert.Equal([3L, 4, 5], Indexes(second));
        Assert.Null((string?)first["meta"]!["previous_page_url"]);
    }

    private static List<long> Indexes(JsonObject page) => page["messages"]!.AsArray().Select(m => (long)m!["index"]!).ToList();

    private async Task<List<JsonNode>> WalkAsync(string url)
    {
        var items = new List<JsonNode>();
        string? next = url;
        while (next is not null)
        {
            var page = await Client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
            items.AddRange(page["messages"]!.AsArray().Select(m => m!));
            next = (string?)page["meta"]!["next_page_url"];
        }

        return items;
    }

    private async Task<string> NewConversationAsync()
    {
        var body = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        return (string)body["sid"]!;
    }
}
