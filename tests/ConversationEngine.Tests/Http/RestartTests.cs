using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>Everything acknowledged is on the SQLite file: a new host on the same file serves it unchanged.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task A_new_host_on_the_same_database_reads_everything_back_the_same()
    {
        var name = "restart-" + Guid.NewGuid().ToString("N");
        var address = Numbers.NextUs();
        string dataDirectory;
        string conversation;
        JsonObject before;
        string configurationBefore;

        // The sandbox delivers the agent's 60 messages to the SMS participant; a quick sender lets
        // them all settle before the snapshot, so nothing is still in flight across the restart.
        var settings = new Dictionary<string, string?> { ["Delivery:Mps:LongCode"] = "1000" };
        await using (var host = await EngineHost.StartAsync(settings: settings))
        {
            dataDirectory = host.DataDirectory;
            var client = host.Client;
            var created = await client.PostFormAsync("/v1/Conversations", ("UniqueName", name), ("FriendlyName", "before restart"), ("Attributes", "{\"k\":[1,2]}"))
                .ExpectAsync(HttpStatusCode.Created);
            conversation = (string)created["sid"]!;
            await client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "agent")).ExpectAsync(HttpStatusCode.Created);
            await client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
                ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", "+15005550006")).ExpectAsync(HttpStatusCode.Created);
            for (var i = 0; i < 120; i++)
            {
                await client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", i % 2 == 0 ? "agent" : address), ("Body", $"message {i}"))
                    .ExpectAsync(HttpStatusCode.Created);
            }

            await Eventually.ValueAsync(
                async () => (await AllMessagesAsync(client, conversation)).Count(m => (string?)m!["delivery"]?["delivered"] == "all"),
                delivered => delivered == 60,
                TimeSpan.FromSeconds(30),
                "every agent message delivered by the sandbox");
            before = await SnapshotAsync(client, conversation);
            configurationBefore = (await client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK)).ToJsonString();
        }

        await using (var host = await EngineHost.StartAsync(dataDirectory, settings))
        {
            var client = host.Client;
            var after = await SnapshotAsync(client, conversation);
            var configurationAfter = (await client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK)).ToJsonString();

            Assert.Equal(Rebase(before.ToJsonString(), host), after.ToJsonString());
            Assert.Equal(Rebase(configurationBefore, host), configurationAfter);
            await client.GetAsync($"/v1/Conversations/{name}").ExpectAsync(HttpStatusCode.OK);

            var next = await client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "after restart")).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(120, (long)next["index"]!);

            var other = await client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
            await client.PostFormAsync($"/v1/Conversations/{other["sid"]}/Participants",
                ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", "+15005550006")).ExpectErrorAsync(HttpStatusCode.Conflict, 50416);
            await client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectErrorAsync(HttpStatusCode.Conflict, 50353);
        }
    }

    [Fact]
    public async Task A_lone_first_message_and_the_first_conversation_of_a_service_survive_a_restart()
    {
        // Both sit at position 0: a stored 0 that read back as "none" once lost them.
        string dataDirectory;
        string conversation;
        string message;
        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "first")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
            message = (string)(await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "the only one")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        }

        await using (var host = await EngineHost.StartAsync(dataDirectory))
        {
            var fetched = await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("the only one", (string?)fetched["body"]);
            var next = await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "the second")).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(1, (long)next["index"]!);

            await host.Client.DeleteAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.NoContent);
            var list = await host.Client.GetAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.OK);
            Assert.DoesNotContain(list["conversations"]!.AsArray(), c => (string?)c!["sid"] == conversation);
        }
    }

    private static async Task<JsonObject> SnapshotAsync(HttpClient client, string conversation) => new()
    {
        ["conversation"] = await client.GetAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK),
        ["participants"] = await client.GetAsync($"/v1/Conversations/{conversation}/Participants").ExpectAsync(HttpStatusCode.OK),
        ["messages"] = await AllMessagesAsync(client, conversation),
    };

    /// <summary>Every message, walking the pages (the spec caps a page at 100).</summary>
    private static async Task<JsonArray> AllMessagesAsync(HttpClient client, string conversation)
    {
        var all = new JsonArray();
        string? next = $"/v1/Conversations/{conversation}/Messages?PageSize=100";
        while (next is not null)
        {
            var page = await client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
            foreach (var message in page["messages"]!.AsArray().ToList())
            {
                all.Add(message!.DeepClone());
            }

            next = (string?)page["meta"]!["next_page_url"];
        }

        return all;
    }

    /// <summary>The second host listens on another port, so its URLs differ by that alone.</summary>
    [Fact]
    public async Task Services_and_the_conversations_they_hold_are_read_back_by_a_new_host()
    {
        var name = "restart-" + Guid.NewGuid().ToString("N");
        string dataDirectory;
        string service;
        string serviceBefore;
        string conversationBefore;
        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            var created = await host.Client.PostFormAsync("/v1/Services", ("FriendlyName", "kept")).ExpectAsync(HttpStatusCode.Created);
            service = (string)created["sid"]!;
            serviceBefore = created.ToJsonString();
            conversationBefore = (await host.Client.PostFormAsync($"/v1/Services/{service}/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created)).ToJsonString();
        }

        await using (var host = await EngineHost.StartAsync(dataDirectory))
        {
            var client = host.Client;
            Assert.Equal(Rebase(serviceBefore, host), (await client.GetAsync($"/v1/Services/{service}").ExpectAsync(HttpStatusCode.OK)).ToJsonString());
            var listed = (await client.GetAsync("/v1/Services").ExpectAsync(HttpStatusCode.OK))["services"]!.AsArray();
            Assert.Equal(2, listed.Count);
            Assert.Equal(service, (string?)listed[1]!["sid"]);
            Assert.Equal(Rebase(conversationBefore, host), (await client.GetAsync($"/v1/Services/{service}/Conversations/{name}").ExpectAsync(HttpStatusCode.OK)).ToJsonString());
        }
    }

    private static string Rebase(string json, EngineHost host) =>
        System.Text.RegularExpressions.Regex.Replace(json, @"http://127\.0\.0\.1:\d+", host.BaseUrl);
}
