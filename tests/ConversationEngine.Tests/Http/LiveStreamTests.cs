using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// An agent's live stream (<c>/engine/v1/Stream</c>) over a real WebSocket: the events of every
/// conversation the agent takes part in, joins and leaves as they happen, typing, and resuming
/// after a disconnect with every missed event exactly once.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class LiveStreamTests(EngineFixture fixture)
{
    private EngineHost Host => fixture.Host;

    private HttpClient Account => fixture.Host.Client;

    [Fact]
    public async Task Agent_receives_the_messages_of_its_conversations_as_they_are_added()
    {
        var (service, conversation) = await ConversationWithAsync("agent.ana");
        await using var live = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.ana", service));

        var ready = await live.NextAsync("ready");
        Assert.Equal("agent.ana", (string?)ready["identity"]);
        Assert.Equal(service, (string?)ready["chat_service_sid"]);
        Assert.True(ready["conversations"]!.AsObject().ContainsKey(conversation));

        await PostMessageAsync(service, conversation, "customer", "Where is my parcel?");
        var added = await live.NextAsync(f => (string?)f["event_type"] == "onMessageAdded");

        Assert.Equal(conversation, (string?)added["conversation_sid"]);
        Assert.Equal("Where is my parcel?", (string?)added["data"]!["Body"]);
        Assert.Equal("customer", (string?)added["data"]!["Author"]);
        Assert.True((long)added["sequence"]! > (long)ready["conversations"]![conversation]!);
    }

    [Fact]
    public async Task Reconnecting_with_the_positions_seen_delivers_every_missed_event_once_in_order()
    {
        var (service, conversation) = await ConversationWithAsync("agent.ana");
        var token = AccessTokens.Mint("agent.ana", service);
        Dictionary<string, long> seen;
        await using (var live = await LiveClient.ConnectAsync(Host.BaseUrl, token))
        {
            await live.NextAsync("ready");
            await PostMessageAsync(service, conversation, "customer", "first");
            await live.NextAsync(f => (string?)f["data"]?["Body"] == "first");
            seen = new Dictionary<string, long>(live.Positions);
        }

        foreach (var body in new[] { "second", "third", "fourth" })
        {
            await PostMessageAsync(service, conversation, "customer", body);
        }

        await using var resumed = await LiveClient.ConnectAsync(Host.BaseUrl, token, seen, tokenInQuery: true);
        await resumed.NextAsync("ready");
        var frames = await resumed.DrainAsync(TimeSpan.FromSeconds(1.5));

        var bodies = frames.Where(f => (string?)f["event_type"] == "onMessageAdded").Select(f => (string?)f["data"]!["Body"]).ToList();
        Assert.Equal(["second", "third", "fourth"], bodies);
        var sequences = frames.Where(f => (string?)f["type"] == "event").Select(f => (long)f["sequence"]!).ToList();
        Assert.Equal(sequences.Distinct().Order(), sequences);
        Assert.Equal(seen[conversation] + 1, sequences[0]);
    }

    [Fact]
    public async Task Agent_added_to_a_conversation_while_connected_follows_it_and_leaves_it_when_removed()
    {
        var (service, _) = await ConversationWithAsync("agent.bo");
        await using var live = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.bo", service));
        await live.NextAsync("ready");

        var conversation = await NewConversationAsync(service);
        var participant = await Account.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Participants", ("Identity", "agent.bo")).ExpectAsync(HttpStatusCode.Created);
        var joined = await live.NextAsync("joined");
        Assert.Equal(conversation, (string?)joined["conversation_sid"]);

        await PostMessageAsync(service, conversation, "customer", "hello new agent");
        await live.NextAsync(f => (string?)f["data"]?["Body"] == "hello new agent");

        await Account.DeleteAsync($"/v1/Services/{service}/Conversations/{conversation}/Participants/{participant["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await live.NextAsync(f => (string?)f["event_type"] == "onParticipantRemoved" && (string?)f["data"]!["Identity"] == "agent.bo");
        await live.NextAsync(f => (string?)f["type"] == "left" && (string?)f["conversation_sid"] == conversation);

        await PostMessageAsync(service, conversation, "customer", "after leaving");
        var after = await live.DrainAsync(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(after, f => (string?)f["data"]?["Body"] == "after leaving");
    }

    [Fact]
    public async Task Typing_reaches_the_other_agents_of_the_conversation_and_is_not_stored()
    {
        var (service, conversation) = await ConversationWithAsync("agent.ana", "agent.bo");
        await using var ana = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.ana", service));
        await using var bo = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.bo", service));
        await ana.NextAsync("ready");
        await bo.NextAsync("ready");

        await ana.SendAsync(new JsonObject { ["type"] = "typing", ["conversation_sid"] = conversation });

        var typing = await bo.NextAsync("typing");
        Assert.Equal("agent.ana", (string?)typing["identity"]);
        Assert.Equal(conversation, (string?)typing["conversation_sid"]);
        Assert.DoesNotContain(await ana.DrainAsync(TimeSpan.FromMilliseconds(500)), f => (string?)f["type"] == "typing");
        var messages = await Account.GetAsync($"/v1/Services/{service}/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(messages["messages"]!.AsArray());
    }

    [Fact]
    public async Task A_conversation_the_user_left_while_away_is_answered_with_left_on_resume()
    {
        var (service, conversation) = await ConversationWithAsync("agent.cy");
        var participants = await Account.GetAsync($"/v1/Services/{service}/Conversations/{conversation}/Participants").ExpectAsync(HttpStatusCode.OK);
        await Account.DeleteAsync($"/v1/Services/{service}/Conversations/{conversation}/Participants/{participants["participants"]![0]!["sid"]}").ExpectAsync(HttpStatusCode.NoContent);

        await using var live = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.cy", service), new Dictionary<string, long> { [conversation] = 1 });

        var ready = await live.NextAsync("ready");
        Assert.False(ready["conversations"]!.AsObject().ContainsKey(conversation));
        await live.NextAsync(f => (string?)f["type"] == "left" && (string?)f["conversation_sid"] == conversation);
    }

    [Fact]
    public async Task With_reachability_enabled_a_connected_user_is_online_for_the_api_the_stream_and_webhooks()
    {
        var (service, conversation) = await ConversationWithAsync("agent.ana", "agent.bo");
        await using var receiver = await WebhookReceiver.StartAsync();
        await Account.PostFormAsync($"/v1/Services/{service}/Configuration", ("ReachabilityEnabled", "true")).ExpectAsync(HttpStatusCode.OK);
        await Account.PostFormAsync($"/v1/Services/{service}/Configuration/Webhooks",
            ("PostWebhookUrl", receiver.Url("/presence")), ("Method", "POST"), ("Filters", "onUserUpdated")).ExpectAsync(HttpStatusCode.OK);
        await using var bo = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.bo", service));
        await bo.NextAsync("ready");
        var offline = await Account.GetAsync($"/v1/Services/{service}/Users/agent.ana").ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool?)offline["is_online"]);

        var ana = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.ana", service));
        await ana.NextAsync("ready");
        var online = await bo.NextAsync(f => (string?)f["type"] == "reachability" && (string?)f["identity"] == "agent.ana");
        Assert.True((bool?)online["online"]);
        Assert.Equal(conversation, (string?)online["conversation_sid"]);
        Assert.True((bool?)(await Account.GetAsync($"/v1/Services/{service}/Users/agent.ana").ExpectAsync(HttpStatusCode.OK))["is_online"]);
        var listed = await Account.GetAsync($"/v1/Services/{service}/Users").ExpectAsync(HttpStatusCode.OK);
        Assert.All(listed["users"]!.AsArray(), u => Assert.Null((bool?)u!["is_online"]));

        await ana.DisposeAsync();
        var gone = await bo.NextAsync(f => (string?)f["type"] == "reachability" && (string?)f["identity"] == "agent.ana");
        Assert.False((bool?)gone["online"]);
        Assert.False((bool?)(await Account.GetAsync($"/v1/Services/{service}/Users/agent.ana").ExpectAsync(HttpStatusCode.OK))["is_online"]);

        var webhooks = (await receiver.ReceivedAsync("/presence", 3)).Where(r => r.Values("Identity").SequenceEqual(["agent.ana"])).ToList();
        Assert.Equal([["true"], ["false"]], webhooks.Select(r => r.Values("IsOnline")));
        Assert.All(webhooks, r => Assert.Equal(["onUserUpdated"], r.Values("EventType")));
    }

    [Fact]
    public async Task Without_reachability_enabled_is_online_is_null_and_nothing_is_announced()
    {
        var (service, _) = await ConversationWithAsync("agent.ana", "agent.bo");
        await using var bo = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.bo", service));
        await bo.NextAsync("ready");
        await using var ana = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.ana", service));
        await ana.NextAsync("ready");

        Assert.DoesNotContain(await bo.DrainAsync(TimeSpan.FromMilliseconds(700)), f => (string?)f["type"] == "reachability");
        Assert.Null((bool?)(await Account.GetAsync($"/v1/Services/{service}/Users/agent.ana").ExpectAsync(HttpStatusCode.OK))["is_online"]);
    }

    [Fact]
    public async Task Another_agents_read_horizon_delivery_and_state_changes_arrive_as_events()
    {
        var (service, conversation) = await ConversationWithAsync("agent.ana", "agent.bo");
        await using var bo = await LiveClient.ConnectAsync(Host.BaseUrl, AccessTokens.Mint("agent.bo", service));
        await bo.NextAsync("ready");
        using var ana = Host.CreateUserClient(AccessTokens.Mint("agent.ana", service));
        await ana.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Messages", ("Body", "hi")).ExpectAsync(HttpStatusCode.Created);

        await ana.PostFormAsync($"/v1/Services/{service}/Users/agent.ana/Conversations/{conversation}", ("LastReadMessageIndex", "0")).ExpectAsync(HttpStatusCode.OK);
        var read = await bo.NextAsync(f => (string?)f["event_type"] == "onParticipantUpdated" && (string?)f["data"]!["Identity"] == "agent.ana");
        Assert.Equal("0", (string?)read["data"]!["LastReadMessageIndex"]);

        await Account.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);
        var closed = await bo.NextAsync(f => (string?)f["event_type"] == "onConversationStateUpdated");
        Assert.Equal("closed", (string?)closed["data"]!["StateTo"]);
    }

    [Fact]
    public async Task Stream_needs_an_agents_token_and_a_websocket()
    {
        var (service, _) = await ConversationWithAsync("agent.ana");

        var plain = await Account.GetAsync("/engine/v1/Stream").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        Assert.Equal(403, (int?)plain["status"]);
        using var anonymous = Host.CreateClient();
        await anonymous.GetAsync("/engine/v1/Stream").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        using var agent = Host.CreateUserClient(AccessTokens.Mint("agent.ana", service));
        await agent.GetAsync("/engine/v1/Stream").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await anonymous.GetAsync("/engine/v1/Stream?access_token=not-a-token").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20101);
        await anonymous.GetAsync("/v1/Conversations?access_token=" + AccessTokens.Mint("agent.ana", service)).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => LiveClient.ConnectAsync(Host.BaseUrl, "not-a-token"));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frequent_refreshes_deliver_nothing_twice_and_still_follow_joins_and_leaves()
    {
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Live:RefreshInterval"] = "00:00:00.300" });
        var service = (string)(await host.Client.PostFormAsync("/v1/Services", ("FriendlyName", "refresh")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var conversation = (string)(await host.Client.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "a")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await host.Client.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Participants", ("Identity", "agent.ana")).ExpectAsync(HttpStatusCode.Created);
        await using var live = await LiveClient.ConnectAsync(host.BaseUrl, AccessTokens.Mint("agent.ana", service));
        await live.NextAsync("ready");

        for (var i = 0; i < 8; i++)
        {
            await host.Client.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Messages", ("Author", "customer"), ("Body", $"m{i}")).ExpectAsync(HttpStatusCode.Created);
            await Task.Delay(150);
        }

        var second = (string)(await host.Client.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "b")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var participant = await host.Client.PostFormAsync($"/v1/Services/{service}/Conversations/{second}/Participants", ("Identity", "agent.ana")).ExpectAsync(HttpStatusCode.Created);
        await live.NextAsync(f => (string?)f["type"] == "joined" && (string?)f["conversation_sid"] == second);
        await host.Client.PostFormAsync($"/v1/Services/{service}/Conversations/{second}/Messages", ("Author", "customer"), ("Body", "in b")).ExpectAsync(HttpStatusCode.Created);
        await live.NextAsync(f => (string?)f["data"]?["Body"] == "in b");
        await host.Client.DeleteAsync($"/v1/Services/{service}/Conversations/{second}/Participants/{participant["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await live.NextAsync(f => (string?)f["type"] == "left" && (string?)f["conversation_sid"] == second);
        await Task.Delay(1000);

        var frames = live.Received;
        var events = frames.Where(f => (string?)f["type"] == "event").Select(f => $"{f["conversation_sid"]}:{f["sequence"]}").ToList();
        Assert.Equal(events.Distinct(), events);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"m{i}"), frames.Where(f => (string?)f["event_type"] == "onMessageAdded" && (string?)f["conversation_sid"] == conversation).Select(f => (string?)f["data"]!["Body"]));
        Assert.Single(frames, f => (string?)f["type"] == "joined" && (string?)f["conversation_sid"] == second);
        Assert.Single(frames, f => (string?)f["type"] == "left" && (string?)f["conversation_sid"] == second);
    }

    private async Task PostMessageAsync(string service, string conversation, string author, string body) =>
        await Account.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Messages", ("Author", author), ("Body", body)).ExpectAsync(HttpStatusCode.Created);

    private async Task<(string Service, string Conversation)> ConversationWithAsync(params string[] identities)
    {
        var service = (string)(await Account.PostFormAsync("/v1/Services", ("FriendlyName", "live")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var conversation = await NewConversationAsync(service);
        foreach (var identity in identities)
        {
            await Account.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        }

        return (service, conversation);
    }

    private async Task<string> NewConversationAsync(string service) =>
        (string)(await Account.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "support")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
}
