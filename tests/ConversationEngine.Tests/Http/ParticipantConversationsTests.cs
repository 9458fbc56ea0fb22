using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Indexes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary><c>GET /v1/ParticipantConversations</c>: the conversations of one identity or one address.</summary>
[Collection(SharedEngine.Name)]
public sealed class ParticipantConversationsTests(EngineFixture fixture)
{
    private const string Proxy = "+15005550006";
    private const string SecondProxy = "+15005550007";

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Identity_lists_its_conversations_with_participant_and_conversation_fields()
    {
        var identity = "pc-" + Guid.NewGuid().ToString("N");
        var unique = "pc-name-" + Guid.NewGuid().ToString("N");
        var first = (string)(await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "First"), ("UniqueName", unique), ("Attributes", """{"a":1}"""))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var participant = await Client.PostFormAsync($"/v1/Conversations/{first}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        var second = (string)(await Client.PostFormAsync("/v1/ConversationWithParticipants",
            ("FriendlyName", "Second"), ("Participant", $$"""{"identity": "{{identity}}"}"""), ("Participant", """{"identity": "someone-else"}"""))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await NewConversationAsync();

        var body = await Client.GetAsync($"/v1/ParticipantConversations?Identity={identity}").ExpectAsync(HttpStatusCode.OK);

        var items = body["conversations"]!.AsArray();
        Assert.Equal([first, second], items.Select(i => (string?)i!["conversation_sid"]));
        var item = items[0]!;
        Assert.Equal(EngineHost.AccountSid, (string?)item["account_sid"]);
        Assert.Matches("^IS[0-9a-f]{32}$", (string?)item["chat_service_sid"]);
        Assert.Equal((string?)participant["sid"], (string?)item["participant_sid"]);
        Assert.Equal(identity, (string?)item["participant_identity"]);
        var user = await Client.GetAsync($"/v1/Users/{identity}").ExpectAsync(HttpStatusCode.OK);
        Assert.Matches("^US[0-9a-f]{32}$", (string?)user["sid"]);
        Assert.All(items, i => Assert.Equal((string?)user["sid"], (string?)i!["participant_user_sid"]));
        Assert.Null(item["participant_messaging_binding"]);
        Assert.Equal(unique, (string?)item["conversation_unique_name"]);
        Assert.Equal("First", (string?)item["conversation_friendly_name"]);
        Assert.Equal("""{"a":1}""", (string?)item["conversation_attributes"]);
        Assert.Equal("active", (string?)item["conversation_state"]);
        Assert.NotNull((string?)item["conversation_date_created"]);
        Assert.NotNull((string?)item["conversation_date_updated"]);
        Assert.True(item.AsObject().ContainsKey("conversation_created_by"));
        Assert.Empty(item["conversation_timers"]!.AsObject());
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{first}", (string?)item["links"]!["conversation"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{first}/Participants/{participant["sid"]}", (string?)item["links"]!["participant"]);

        var meta = body["meta"]!;
        Assert.Equal("conversations", (string?)meta["key"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/ParticipantConversations?Identity={identity}&PageSize=50&Page=0", (string?)meta["url"]);
        Assert.Null(meta["next_page_url"]);
        Assert.Null(meta["previous_page_url"]);
    }

    [Fact]
    public async Task Url_encoded_address_lists_the_conversations_of_that_number()
    {
        var address = Numbers.NextUs();
        var first = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{first}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy))
            .ExpectAsync(HttpStatusCode.Created);
        var second = (string)(await Client.PostFormAsync("/v1/ConversationWithParticipants",
            ("Participant", ParticipantJson.Binding(address, SecondProxy)))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var body = await Client.GetAsync($"/v1/ParticipantConversations?Address={Uri.EscapeDataString(address)}").ExpectAsync(HttpStatusCode.OK);

        var items = body["conversations"]!.AsArray();
        Assert.Equal([first, second], items.Select(i => (string?)i!["conversation_sid"]));
        var binding = items[1]!["participant_messaging_binding"]!;
        Assert.Equal(address, (string?)binding["address"]);
        Assert.Equal(SecondProxy, (string?)binding["proxy_address"]);
        Assert.Equal("sms", (string?)binding["type"]);
        Assert.Null(items[1]!["participant_identity"]);
        Assert.All(items, i => Assert.Null((string?)i!["participant_user_sid"]));
        Assert.True(items[0]!.AsObject().ContainsKey("participant_user_sid"));
        Assert.StartsWith($"{fixture.Host.BaseUrl}/v1/ParticipantConversations?Address=%2B1555", (string?)body["meta"]!["url"], StringComparison.Ordinal);
    }

    /// <summary>
    /// Every way a chat participant comes about links it to its identity's user, made on first use:
    /// added alone, in a ConversationWithParticipants, renamed by an update; the entry names that user.
    /// </summary>
    [Fact]
    public async Task Chat_participants_link_to_their_user_made_on_first_use_and_the_entry_names_it()
    {
        var (alone, bulk, renamed) = ("pc-alone-" + Guid.NewGuid().ToString("N"), "pc-bulk-" + Guid.NewGuid().ToString("N"), "pc-renamed-" + Guid.NewGuid().ToString("N"));
        var conversation = await NewConversationAsync();
        var participant = (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", alone)).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await Client.PostFormAsync("/v1/ConversationWithParticipants", ("Participant", $$"""{"identity": "{{bulk}}"}""")).ExpectAsync(HttpStatusCode.Created);
        var other = await NewConversationAsync();
        var toRename = (string)(await Client.PostFormAsync($"/v1/Conversations/{other}/Participants", ("Identity", "pc-before-" + Guid.NewGuid().ToString("N"))).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await Client.PostFormAsync($"/v1/Conversations/{other}/Participants/{toRename}", ("Identity", renamed)).ExpectAsync(HttpStatusCode.OK);

        foreach (var identity in new[] { alone, bulk, renamed })
        {
            var user = await Client.GetAsync($"/v1/Users/{identity}").ExpectAsync(HttpStatusCode.OK);
            var entry = Assert.Single((await Client.GetAsync($"/v1/ParticipantConversations?Identity={identity}").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray())!;
            Assert.Equal((string?)user["sid"], (string?)entry["participant_user_sid"]);
        }

        // A user deleted since leaves its participants without one.
        await Client.DeleteAsync($"/v1/Users/{alone}").ExpectAsync(HttpStatusCode.NoContent);
        var orphan = Assert.Single((await Client.GetAsync($"/v1/ParticipantConversations?Identity={alone}").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray())!;
        Assert.Equal(participant, (string?)orphan["participant_sid"]);
        Assert.Null((string?)orphan["participant_user_sid"]);
    }

    [Fact]
    public async Task Pages_follow_the_next_and_previous_urls()
    {
        var identity = "pc-paged-" + Guid.NewGuid().ToString("N");
        var joined = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var conversation = await NewConversationAsync();
            await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
            joined.Add(conversation);
        }

        var seen = new List<string>();
        var pages = new List<JsonObject>();
        string? url = $"/v1/ParticipantConversations?Identity={identity}&PageSize=2";
        while (url is not null)
        {
            var page = await Client.GetAsync(url).ExpectAsync(HttpStatusCode.OK);
            pages.Add(page);
            seen.AddRange(page["conversations"]!.AsArray().Select(i => (string)i!["conversation_sid"]!));
            url = (string?)page["meta"]!["next_page_url"];
        }

        Assert.Equal(joined, seen);
        Assert.Equal([2, 2, 1], pages.Select(p => p["conversations"]!.AsArray().Count));
        var back = await Client.GetAsync((string)pages[2]["meta"]!["previous_page_url"]!).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(joined.Skip(2).Take(2), back["conversations"]!.AsArray().Select(i => (string)i!["conversation_sid"]!));
        Assert.Equal(1, (int)pages[1]["meta"]!["page"]!);
    }

    [Fact]
    public async Task Removed_participant_and_deleted_conversation_disappear_and_closed_state_shows()
    {
        var identity = "pc-gone-" + Guid.NewGuid().ToString("N");
        var (left, deleted, closed) = (await NewConversationAsync(), await NewConversationAsync(), await NewConversationAsync());
        var participant = await Client.PostFormAsync($"/v1/Conversations/{left}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{deleted}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{closed}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);

        await Client.DeleteAsync($"/v1/Conversations/{left}/Participants/{participant["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.DeleteAsync($"/v1/Conversations/{deleted}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.PostFormAsync($"/v1/Conversations/{closed}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);

        var items = (await Client.GetAsync($"/v1/ParticipantConversations?Identity={identity}").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray();
        var item = Assert.Single(items)!;
        Assert.Equal(closed, (string?)item["conversation_sid"]);
        Assert.Equal("closed", (string?)item["conversation_state"]);
    }

    [Fact]
    public async Task Renamed_participant_moves_to_its_new_identity()
    {
        var (before, after) = ("pc-before-" + Guid.NewGuid().ToString("N"), "pc-after-" + Guid.NewGuid().ToString("N"));
        var conversation = await NewConversationAsync();
        var participant = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", before)).ExpectAsync(HttpStatusCode.Created);

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{participant["sid"]}", ("Identity", after)).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty((await Client.GetAsync($"/v1/ParticipantConversations?Identity={before}").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());
        var moved = (await Client.GetAsync($"/v1/ParticipantConversations?Identity={after}").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray();
        Assert.Equal(conversation, (string?)Assert.Single(moved)!["conversation_sid"]);
    }

    /// <summary>
    /// The participant is stored but its index entry's write fails (a crash between the two, as
    /// storage sees it): the conversation carries the entry in its state and writes it when it
    /// next activates.
    /// </summary>
    [Fact]
    public async Task Index_entry_lost_after_the_participant_was_stored_is_mended_when_the_conversation_next_activates()
    {
        var faults = new StorageFaults();
        await using var host = await EngineHost.StartAsync(services: faults.Install);
        var client = host.Client;
        var identity = "pc-mended-" + Guid.NewGuid().ToString("N");
        var conversation = (string)(await client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var list = $"/v1/ParticipantConversations?Identity={identity}";

        faults.Fails = state => state is ParticipantConversationsState;
        await client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        Assert.Empty((await client.GetAsync(list).ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());
        await host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        faults.Fails = null;
        Assert.Empty((await client.GetAsync(list).ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());

        await client.GetAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);

        var mended = (await client.GetAsync(list).ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray();
        Assert.Equal(conversation, (string?)Assert.Single(mended)!["conversation_sid"]);
    }

    [Fact]
    public async Task Identity_of_any_text_is_found_url_encoded()
    {
        var identity = $"order-{{{Guid.NewGuid():N}}} | \"quoted\" % 🙂";
        var conversation = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);

        var body = await Client.GetAsync($"/v1/ParticipantConversations?Identity={Uri.EscapeDataString(identity)}").ExpectAsync(HttpStatusCode.OK);

        var item = Assert.Single(body["conversations"]!.AsArray())!;
        Assert.Equal(identity, (string?)item["participant_identity"]);
        Assert.Equal(conversation, (string?)item["conversation_sid"]);
    }

    [Fact]
    public async Task Unknown_identity_lists_nothing()
    {
        var body = await Client.GetAsync($"/v1/ParticipantConversations?Identity=nobody-{Guid.NewGuid():N}").ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(body["conversations"]!.AsArray());
        Assert.Null(body["meta"]!["next_page_url"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?Identity=a&Address=%2B15551234567")]
    [InlineData("?Identity=")]
    public async Task Exactly_one_of_identity_and_address_is_required(string query)
    {
        await Client.GetAsync($"/v1/ParticipantConversations{query}").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    private async Task<string> NewConversationAsync()
    {
        var body = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        return (string)body["sid"]!;
    }
}
