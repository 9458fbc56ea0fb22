using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>A user conversation's horizon and notification level are the participant's stored state: a new host reads them back.</summary>
public sealed class UserConversationRestartTests
{
    [Fact]
    public async Task Read_horizon_notification_level_and_unread_count_read_back_the_same_after_a_restart()
    {
        string dataDirectory;
        string conversation;
        var identity = "uc-restart-" + Guid.NewGuid().ToString("N");
        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
            await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
            for (var i = 0; i < 4; i++)
            {
                await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", $"message {i}")).ExpectAsync(HttpStatusCode.Created);
            }

            await host.Client.PostFormAsync($"/v1/Users/{identity}/Conversations/{conversation}", ("LastReadMessageIndex", "1"), ("NotificationLevel", "muted"))
                .ExpectAsync(HttpStatusCode.OK);
        }

        await using (var host = await EngineHost.StartAsync(dataDirectory))
        {
            var item = await host.Client.GetAsync($"/v1/Users/{identity}/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(1, (long)item["last_read_message_index"]!);
            Assert.Equal(2, (long)item["unread_messages_count"]!);
            Assert.Equal("muted", (string?)item["notification_level"]);

            await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "after the restart")).ExpectAsync(HttpStatusCode.Created);
            var after = await host.Client.GetAsync($"/v1/Users/{identity}/Conversations").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(3, (long)after["conversations"]![0]!["unread_messages_count"]!);
        }
    }
}
