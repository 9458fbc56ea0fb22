using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary><c>/v1/Users/{UserSid}/Conversations</c>: a user's conversations, read horizon and unread counts.</summary>
[Collection(SharedEngine.Name)]
public sealed class UserConversationApiTests(EngineFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task User_conversations_are_listed_and_fetched_by_user_sid_or_identity_with_the_spec_fields()
    {
        var identity = Identity("list");
        var unique = "uc-name-" + Guid.NewGuid().ToString("N");
        var first = (string)(await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "First"), ("UniqueName", unique), ("Attributes", """{"a":1}"""))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var participant = (string)(await Client.PostFormAsync($"/v1/Conversations/{first}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var second = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{second}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        var other = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{other}/Participants", ("Identity", Identity("other"))).ExpectAsync(HttpStatusCode.Created);
        var user = (string)(await Client.GetAsync($"/v1/Users/{identity}").ExpectAsync(HttpStatusCode.OK))["sid"]!;

        var list = await Client.GetAsync($"/v1/Users/{user}/Conversations").ExpectAsync(HttpStatusCode.OK);
        var byIdentity = await Client.GetAsync($"/v1/Users/{identity}/Conversations").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([first, second], list["conversations"]!.AsArray().Select(i => (string?)i!["conversation_sid"]));
        Assert.Equal([first, second], byIdentity["conversations"]!.AsArray().Select(i => (string?)i!["conversation_sid"]));
        Assert.Equal("conversations", (string?)list["meta"]!["key"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Users/{user}/Conversations?PageSize=50&Page=0", (string?)list["meta"]!["url"]);

        var item = await Client.GetAsync($"/v1/Users/{identity}/Conversations/{unique}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(
            ["account_sid", "chat_service_sid", "conversation_sid", "unread_messages_count", "last_read_message_index", "participant_sid", "user_sid",
             "friendly_name", "conversation_state", "timers", "attributes", "date_created", "date_updated", "created_by", "notification_level",
             "unique_name", "url", "links"],
            item.Select(p => p.Key));
        Assert.Equal(EngineHost.AccountSid, (string?)item["account_sid"]);
        Assert.Matches("^IS[0-9a-f]{32}$", (string?)item["chat_service_sid"]);
        Assert.Equal(first, (string?)item["conversation_sid"]);
        Assert.Equal(0, (long)item["unread_messages_count"]!);
        Assert.Null(item["last_read_message_index"]);
        Assert.Equal(participant, (string?)item["participant_sid"]);
        Assert.Equal(user, (string?)item["user_sid"]);
        Assert.Equal("First", (string?)item["friendly_name"]);
        Assert.Equal("active", (string?)item["conversation_state"]);
        Assert.Equal("""{"a":1}""", (string?)item["attributes"]);
        Assert.Equal("default", (string?)item["notification_level"]);
        Assert.Equal(unique, (string?)item["unique_name"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Users/{user}/Conversations/{first}", (string?)item["url"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{first}", (string?)item["links"]!["conversation"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{first}/Participants/{participant}", (string?)item["links"]!["participant"]);

        await Client.GetAsync($"/v1/Users/{identity}/Conversations/{other}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Users/{Identity("nobody")}/Conversations").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Users/{identity}/Conversations?PageSize=51").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Unread_count_is_exact_after_50_concurrent_messages_and_follows_the_read_horizon()
    {
        var identity = Identity("unread");
        var conversation = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "agent"), ("Body", $"message {i}")).ExpectAsync(HttpStatusCode.Created)));

        var unread = await Client.GetAsync($"/v1/Users/{identity}/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(50, (long)unread["unread_messages_count"]!);
        Assert.Null(unread["last_read_message_index"]);

        var read = await Client.PostFormAsync($"/v1/Users/{identity}/Conversations/{conversation}",
            ("LastReadMessageIndex", "19"), ("LastReadTimestamp", "2026-01-02T03:04:05Z")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(30, (long)read["unread_messages_count"]!);
        Assert.Equal(19, (long)read["last_read_message_index"]!);

        // The horizon is the participant's, as Twilio keeps it.
        var participant = await Client.GetAsync((string)read["links"]!["participant"]!).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(19, (long)participant["last_read_message_index"]!);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)participant["last_read_timestamp"]);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", $"later {i}")).ExpectAsync(HttpStatusCode.Created)));
        var listed = await Client.GetAsync($"/v1/Users/{identity}/Conversations").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(35, (long)listed["conversations"]![0]!["unread_messages_count"]!);

        var all = await Client.PostFormAsync($"/v1/Users/{identity}/Conversations/{conversation}", ("LastReadMessageIndex", "54")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (long)all["unread_messages_count"]!);
    }

    [Fact]
    public async Task Muted_notification_level_is_kept_and_default_restores_it()
    {
        var identity = Identity("muted");
        var conversation = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        var path = $"/v1/Users/{identity}/Conversations/{conversation}";

        var muted = await Client.PostFormAsync(path, ("NotificationLevel", "muted")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("muted", (string?)muted["notification_level"]);
        Assert.Equal("muted", (string?)(await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK))["notification_level"]);

        var restored = await Client.PostFormAsync(path, ("NotificationLevel", "default")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("default", (string?)restored["notification_level"]);
        await Client.PostFormAsync(path, ("NotificationLevel", "loud")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Deleting_a_user_conversation_removes_the_users_participant()
    {
        var identity = Identity("leave");
        var conversation = await NewConversationAsync();
        var participant = (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created))["sid"]!;

        await Client.DeleteAsync($"/v1/Users/{identity}/Conversations/{conversation}").ExpectAsync(HttpStatusCode.NoContent);

        await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/{participant}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Users/{identity}/Conversations/{conversation}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.Empty((await Client.GetAsync($"/v1/Users/{identity}/Conversations").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());
        await Client.GetAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Named_service_serves_its_users_conversations_and_keeps_them_from_the_default_service()
    {
        var service = (string)(await Client.PostFormAsync("/v1/Services", ("FriendlyName", "uc desk")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var identity = Identity("svc");
        var conversation = (string)(await Client.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "In service"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var participant = (string)(await Client.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Participants", ("Identity", identity))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await Client.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Messages", ("Body", "hello")).ExpectAsync(HttpStatusCode.Created);
        var user = (string)(await Client.GetAsync($"/v1/Services/{service}/Users/{identity}").ExpectAsync(HttpStatusCode.OK))["sid"]!;
        var prefix = $"/v1/Services/{service}";

        var list = await Client.GetAsync($"{prefix}/Users/{identity}/Conversations").ExpectAsync(HttpStatusCode.OK);
        var item = Assert.Single(list["conversations"]!.AsArray())!;
        Assert.Equal(service, (string?)item["chat_service_sid"]);
        Assert.Equal(1, (long)item["unread_messages_count"]!);
        Assert.Equal($"{fixture.Host.BaseUrl}{prefix}/Users/{user}/Conversations/{conversation}", (string?)item["url"]);
        Assert.Equal($"{fixture.Host.BaseUrl}{prefix}/Conversations/{conversation}/Participants/{participant}", (string?)item["links"]!["participant"]);
        Assert.Equal($"{fixture.Host.BaseUrl}{prefix}/Users/{user}/Conversations?PageSize=50&Page=0", (string?)list["meta"]!["url"]);

        var updated = await Client.PostFormAsync($"{prefix}/Users/{user}/Conversations/{conversation}", ("LastReadMessageIndex", "0"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (long)updated["unread_messages_count"]!);

        // The default service has no such user, and its path does not reach the service's conversation.
        await Client.GetAsync($"/v1/Users/{user}/Conversations").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"{prefix}/Users/{user}/Conversations/{conversation}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty((await Client.GetAsync($"{prefix}/Users/{user}/Conversations").ExpectAsync(HttpStatusCode.OK))["conversations"]!.AsArray());
    }

    private async Task<string> NewConversationAsync() =>
        (string)(await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private static string Identity(string purpose) => $"uc-{purpose}-{Guid.NewGuid():N}";
}
