using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

[Collection(SharedEngine.Name)]
public sealed class ParticipantApiTests(EngineFixture fixture)
{
    private const string Proxy = "+15005550006";

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Chat_participant_is_created_fetched_by_sid_and_identity_updated_and_deleted()
    {
        var conversation = await NewConversationAsync();
        var role = (string)(await Client.PostFormAsync("/v1/Roles", ("FriendlyName", "agent"), ("Type", "conversation"), ("Permission", "sendMessage"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var created = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("Identity", "agent-7"), ("Attributes", "{\"team\":\"blue\"}"), ("RoleSid", role))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Matches("^MB[0-9a-f]{32}$", (string)created["sid"]!);
        Assert.Equal("agent-7", (string?)created["identity"]);
        Assert.Null(created["messaging_binding"]);
        Assert.Equal("{\"team\":\"blue\"}", (string?)created["attributes"]);
        Assert.Equal(conversation, (string?)created["conversation_sid"]);
        Assert.Equal(role, (string?)created["role_sid"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{conversation}/Participants/{created["sid"]}", (string?)created["url"]);

        var byIdentity = await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/agent-7").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)created["sid"], (string?)byIdentity["sid"]);

        var updated = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{created["sid"]}",
            ("LastReadMessageIndex", "4"), ("LastReadTimestamp", "2026-01-02T03:04:05Z"), ("Attributes", "{}"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, (long)updated["last_read_message_index"]!);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)updated["last_read_timestamp"]);
        Assert.Equal("{}", (string?)updated["attributes"]);
        Assert.Equal("agent-7", (string?)updated["identity"]);

        await Client.DeleteAsync($"/v1/Conversations/{conversation}/Participants/{created["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/{created["sid"]}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Theory]
    [InlineData("+1 (415) 555-0100", "+14155550100", "sms")]
    [InlineData("+44 20 7946 0958", "+442079460958", "sms")]
    [InlineData("whatsapp:+81 90-1234-5678", "whatsapp:+819012345678", "whatsapp")]
    public async Task Messaging_binding_addresses_are_normalised_to_e164(string address, string expected, string type)
    {
        var conversation = await NewConversationAsync();
        var proxy = type == "whatsapp" ? "whatsapp:" + Proxy : Proxy;

        var created = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", proxy)).ExpectAsync(HttpStatusCode.Created);

        var binding = created["messaging_binding"]!;
        Assert.Equal(type, (string?)binding["type"]);
        Assert.Equal(expected, (string?)binding["address"]);
        Assert.Equal(proxy, (string?)binding["proxy_address"]);
        Assert.Null(created["identity"]);

        // Free the pair for the other test data sets.
        await Client.DeleteAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Messenger_participant_keeps_its_page_scoped_address()
    {
        var conversation = await NewConversationAsync();
        var created = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", "messenger:" + Guid.NewGuid().ToString("N")), ("MessagingBinding.ProxyAddress", "messenger:1234567890"))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("messenger", (string?)created["messaging_binding"]!["type"]);
    }

    [Fact]
    public async Task Invalid_phone_number_is_refused_with_400()
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", "+1555"), ("MessagingBinding.ProxyAddress", Proxy)).ExpectAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", Numbers.NextUs()), ("MessagingBinding.ProxyAddress", "not-a-number")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50408);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", Numbers.NextUs()), ("MessagingBinding.ProxyAddress", "whatsapp:" + Proxy)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50414);
    }

    [Fact]
    public async Task Identity_appears_once_per_conversation()
    {
        var conversation = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "alice")).ExpectAsync(HttpStatusCode.Created);

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "alice")).ExpectErrorAsync(HttpStatusCode.Conflict, 50433);
        await Client.PostFormAsync($"/v1/Conversations/{await NewConversationAsync()}/Participants", ("Identity", "alice")).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Second_conversation_with_same_binding_is_refused_with_50416_naming_the_holder()
    {
        var address = Numbers.NextUs();
        var first = await NewConversationAsync();
        var second = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{first}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy)).ExpectAsync(HttpStatusCode.Created);

        var error = await Client.PostFormAsync($"/v1/Conversations/{second}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy)).ExpectErrorAsync(HttpStatusCode.Conflict, 50416);

        Assert.Contains(first, (string)error["message"]!, StringComparison.Ordinal);

        // The same consumer may talk to another of our numbers in the other conversation.
        await Client.PostFormAsync($"/v1/Conversations/{second}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", "+15005550007")).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task One_of_20_concurrent_claims_of_a_binding_wins()
    {
        var address = Numbers.NextUs();
        var conversations = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => NewConversationAsync()));

        var responses = await Task.WhenAll(conversations.Select(c => Client.PostFormAsync($"/v1/Conversations/{c}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = conversations[Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.Created)];
        foreach (var loser in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            var body = await loser.JsonAsync();
            Assert.Equal(50416, (int)body["code"]!);
            Assert.Contains(winner, (string)body["message"]!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Removing_a_participant_frees_its_binding()
    {
        var address = Numbers.NextUs();
        var first = await NewConversationAsync();
        var participant = await Client.PostFormAsync($"/v1/Conversations/{first}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy)).ExpectAsync(HttpStatusCode.Created);

        await Client.DeleteAsync($"/v1/Conversations/{first}/Participants/{participant["sid"]}").ExpectAsync(HttpStatusCode.NoContent);

        await Client.PostFormAsync($"/v1/Conversations/{await NewConversationAsync()}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Changing_the_proxy_address_moves_the_binding()
    {
        var address = Numbers.NextUs();
        var first = await NewConversationAsync();
        var participant = await Client.PostFormAsync($"/v1/Conversations/{first}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy)).ExpectAsync(HttpStatusCode.Created);

        var updated = await Client.PostFormAsync($"/v1/Conversations/{first}/Participants/{participant["sid"]}",
            ("MessagingBinding.ProxyAddress", "+15005550009")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("+15005550009", (string?)updated["messaging_binding"]!["proxy_address"]);
        var other = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{other}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", Proxy)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{other}/Participants",
            ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", "+15005550009")).ExpectErrorAsync(HttpStatusCode.Conflict, 50416);
    }

    [Fact]
    public async Task Group_mms_participants_use_address_only_or_projected_address()
    {
        var conversation = await NewConversationAsync();

        var sms = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("MessagingBinding.Address", Numbers.NextUs()))
            .ExpectAsync(HttpStatusCode.Created);
        var agent = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("Identity", "projected-agent"), ("MessagingBinding.ProjectedAddress", Proxy)).ExpectAsync(HttpStatusCode.Created);

        Assert.Null((string?)sms["messaging_binding"]!["proxy_address"]);
        Assert.Equal(Proxy, (string?)agent["messaging_binding"]!["projected_address"]);
        Assert.False(agent["messaging_binding"]!.AsObject().ContainsKey("address"));
    }

    [Fact]
    public async Task Participants_list_pages_through_every_participant()
    {
        var conversation = await NewConversationAsync();
        var identities = Enumerable.Range(0, 12).Select(i => $"user-{i:D2}").ToList();
        foreach (var identity in identities)
        {
            await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        }

        var seen = new List<string>();
        string? next = $"/v1/Conversations/{conversation}/Participants?PageSize=5";
        while (next is not null)
        {
            var page = await Client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("participants", (string?)page["meta"]!["key"]);
            seen.AddRange(page["participants"]!.AsArray().Select(p => (string)p!["identity"]!));
            next = (string?)page["meta"]!["next_page_url"];
        }

        Assert.Equal(identities, seen);
    }

    private async Task<string> NewConversationAsync()
    {
        var body = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        return (string)body["sid"]!;
    }
}
