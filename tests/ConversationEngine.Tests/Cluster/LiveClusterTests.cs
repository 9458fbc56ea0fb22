using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Cluster;

/// <summary>
/// The live stream in a cluster on PostgreSQL: an event reaches the agent whichever front end it is
/// connected to and whichever node made the change, and an agent whose front end goes away resumes
/// on another one with every missed event once.
/// </summary>
public sealed class LiveClusterTests
{
    [PostgresFact]
    public async Task Events_reach_an_agent_on_another_front_end_and_a_front_end_restart_loses_none()
    {
        var cluster = Postgres.ClusterSettings("live");
        await using var silo1 = await EngineHost.StartAsync(settings: cluster);
        await using var silo2 = await EngineHost.StartAsync(settings: cluster);
        var client = new Dictionary<string, string?>(cluster) { ["Orleans:Mode"] = "Client" };
        var frontEnd = await EngineHost.StartAsync(settings: client);

        var service = (string)(await silo1.Client.PostFormAsync("/v1/Services", ("FriendlyName", "live cluster")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var conversation = (string)(await silo1.Client.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "c")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await silo2.Client.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Participants", ("Identity", "agent.ana")).ExpectAsync(HttpStatusCode.Created);
        var token = AccessTokens.Mint("agent.ana", service);

        Dictionary<string, long> seen;
        await using (var live = await LiveClient.ConnectAsync(frontEnd.BaseUrl, token))
        {
            await live.NextAsync("ready");
            await silo1.Client.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Messages", ("Author", "customer"), ("Body", "via silo 1")).ExpectAsync(HttpStatusCode.Created);
            await live.NextAsync(f => (string?)f["data"]?["Body"] == "via silo 1");
            await silo2.Client.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Messages", ("Author", "customer"), ("Body", "via silo 2")).ExpectAsync(HttpStatusCode.Created);
            await live.NextAsync(f => (string?)f["data"]?["Body"] == "via silo 2");
            seen = new Dictionary<string, long>(live.Positions);

            // The front end goes away under the agent's open connection.
            await frontEnd.DisposeAsync();
        }

        for (var i = 1; i <= 5; i++)
        {
            await silo1.Client.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Messages", ("Author", "customer"), ("Body", $"while away {i}")).ExpectAsync(HttpStatusCode.Created);
        }

        await using var another = await EngineHost.StartAsync(settings: client);
        await using var resumed = await LiveClient.ConnectAsync(another.BaseUrl, token, seen);
        await resumed.NextAsync("ready");
        await silo2.Client.PostFormAsync($"/v1/Services/{service}/Conversations/{conversation}/Messages", ("Author", "customer"), ("Body", "after resume")).ExpectAsync(HttpStatusCode.Created);
        await resumed.NextAsync(f => (string?)f["data"]?["Body"] == "after resume", TimeSpan.FromSeconds(20));

        var bodies = resumed.Received.Where(f => (string?)f["event_type"] == "onMessageAdded").Select(f => (string?)f["data"]!["Body"]).ToList();
        Assert.Equal(["while away 1", "while away 2", "while away 3", "while away 4", "while away 5", "after resume"], bodies);
        var sequences = resumed.Received.Where(f => (string?)f["type"] == "event").Select(f => (long)f["sequence"]!).ToList();
        Assert.Equal(sequences.Distinct().Order(), sequences);
        Assert.Equal(seen[conversation] + 1, sequences[0]);
    }
}
