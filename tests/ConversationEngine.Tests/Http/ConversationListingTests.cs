using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Grains;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>A host of its own, so these tests see exactly the conversations they create.</summary>
public sealed class ListingEngineFixture : IAsyncLifetime
{
    public EngineHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await EngineHost.StartAsync(settings: EngineHost.ShortTimers);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ListingEngine : ICollectionFixture<ListingEngineFixture>
{
    public const string Name = "listing";
}

/// <summary><c>GET /v1/Conversations</c> is answered from the service's directory shards, never by activating conversations.</summary>
[Collection(ListingEngine.Name)]
public sealed class ConversationListingTests(ListingEngineFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Two_hundred_concurrent_creates_are_each_listed_once()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
            (string)(await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", $"concurrent {i}")).ExpectAsync(HttpStatusCode.Created))["sid"]!));

        var listed = await WalkAsync("/v1/Conversations?PageSize=37");
        var mine = listed.Where(created.Contains).ToList();
        Assert.Equal(200, mine.Count);
        Assert.Equal(created.Order(), mine.Order());
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [Fact]
    public async Task State_filter_follows_updates_elapsed_timers_and_deletes()
    {
        var sids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            sids.Add((string)(await Client.PostFormAsync("/v1/Conversations", ("State", "active")).ExpectAsync(HttpStatusCode.Created))["sid"]!);
        }

        await Client.PostFormAsync($"/v1/Conversations/{sids[0]}", ("State", "inactive")).ExpectAsync(HttpStatusCode.OK);
        await Client.PostFormAsync($"/v1/Conversations/{sids[1]}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);
        await Client.PostFormAsync($"/v1/Conversations/{sids[2]}", ("Timers.Inactive", "PT1S")).ExpectAsync(HttpStatusCode.OK);
        await Client.DeleteAsync($"/v1/Conversations/{sids[3]}").ExpectAsync(HttpStatusCode.NoContent);

        // The timer falls due: the list agrees with a fetch whether or not the reminder has run yet.
        await Eventually.ValueAsync(
            async () => (string?)(await Client.GetAsync($"/v1/Conversations/{sids[2]}").ExpectAsync(HttpStatusCode.OK))["state"],
            state => state == "inactive",
            TimeSpan.FromSeconds(20),
            "the inactive timer elapsed");
        var listedTimed = (await ListAsync("/v1/Conversations?PageSize=1000")).Single(c => (string?)c["sid"] == sids[2]);
        Assert.Equal("inactive", (string?)listedTimed["state"]);

        var inactive = (await WalkAsync("/v1/Conversations?PageSize=1&State=inactive")).Where(sids.Contains);
        var closed = (await WalkAsync("/v1/Conversations?PageSize=1&State=closed")).Where(sids.Contains);
        var active = (await WalkAsync("/v1/Conversations?PageSize=1&State=active")).Where(sids.Contains);
        Assert.Equal([sids[0], sids[2]], inactive);
        Assert.Equal([sids[1]], closed);
        Assert.Empty(active);
        Assert.DoesNotContain(sids[3], await WalkAsync("/v1/Conversations?PageSize=1000"));
    }

    [Fact]
    public async Task Pages_walk_every_match_once_forward_and_back_with_filters()
    {
        var created = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            created.Add((string)(await Client.PostFormAsync("/v1/Conversations", ("State", i % 3 == 0 ? "inactive" : "active")).ExpectAsync(HttpStatusCode.Created))["sid"]!);
        }

        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var expectedActive = created.Where((_, i) => i % 3 != 0).ToList();

        // No date filter: oldest first. A date filter: newest first, as Twilio lists.
        foreach (var (url, expected) in new[]
        {
            ("/v1/Conversations?PageSize=2&State=active", expectedActive),
            ($"/v1/Conversations?PageSize=2&State=active&StartDate={today}&EndDate={today}", expectedActive.AsEnumerable().Reverse().ToList()),
            ($"/v1/Conversations?PageSize=3&StartDate={today}", created.AsEnumerable().Reverse().ToList()),
        })
        {
            var pages = await PagesAsync(url);
            var forward = pages.SelectMany(p => p.Sids).ToList();
            Assert.Equal(forward.Count, forward.Distinct().Count());
            Assert.Equal(expected, forward.Where(created.Contains));

            // previous_page_url from the last page leads back through the same pages to the first.
            var back = new List<List<string>>();
            string? previous = pages[^1].Url;
            while (previous is not null)
            {
                var page = await Client.GetAsync(previous).ExpectAsync(HttpStatusCode.OK);
                back.Add(Sids(page));
                previous = (string?)page["meta"]!["previous_page_url"];
            }

            Assert.Equal(pages.Select(p => p.Sids).Reverse(), back);
        }
    }

    [Fact]
    public async Task Listing_activates_no_conversation()
    {
        // A host of its own: no other test's timer may wake a conversation meanwhile.
        await using var host = await EngineHost.StartAsync();
        var client = host.Client;
        for (var i = 0; i < 30; i++)
        {
            await client.PostFormAsync("/v1/Conversations", ("State", i % 2 == 0 ? "active" : "inactive"), ("Timers.Closed", "PT1H")).ExpectAsync(HttpStatusCode.Created);
        }

        await host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(0, await ConversationDirectoryTests.ConversationActivationsAsync(host.Grains));

        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var all = await WalkAsync(client, "/v1/Conversations?PageSize=7");
        var inactive = await WalkAsync(client, "/v1/Conversations?PageSize=5&State=inactive");
        var dated = await WalkAsync(client, $"/v1/Conversations?PageSize=5&StartDate={today}&EndDate={today}");

        Assert.Equal((30, 15, 30), (all.Count, inactive.Count, dated.Count));
        Assert.Equal(0, await ConversationDirectoryTests.ConversationActivationsAsync(host.Grains));

        // The count is real: a fetch does activate its conversation.
        await client.GetAsync($"/v1/Conversations/{all[0]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, await ConversationDirectoryTests.ConversationActivationsAsync(host.Grains));
    }

    private async Task<List<JsonObject>> ListAsync(string url) =>
        (await Client.GetAsync(url).ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray().Select(c => c!.AsObject()).ToList();

    private Task<List<(string Url, List<string> Sids)>> PagesAsync(string url) => PagesAsync(Client, url);

    private static async Task<List<(string Url, List<string> Sids)>> PagesAsync(HttpClient client, string url)
    {
        var pages = new List<(string, List<string>)>();
        string? next = url;
        while (next is not null)
        {
            var page = await client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
            pages.Add((next, Sids(page)));
            next = (string?)page["meta"]!["next_page_url"];
        }

        return pages;
    }

    private Task<List<string>> WalkAsync(string url) => WalkAsync(Client, url);

    private static async Task<List<string>> WalkAsync(HttpClient client, string url) => (await PagesAsync(client, url)).SelectMany(p => p.Sids).ToList();

    private static List<string> Sids(JsonObject page) => page["conversations"]!.AsArray().Select(c => (string)c!["sid"]!).ToList();
}
