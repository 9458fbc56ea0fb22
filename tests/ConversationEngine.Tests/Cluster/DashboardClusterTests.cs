using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Cluster;

/// <summary>The Orleans Dashboard on a front end in client mode: the whole cluster, seen through its gateways.</summary>
public sealed class DashboardClusterTests
{
    [PostgresFact]
    public async Task A_client_mode_front_end_shows_every_silo_of_the_cluster()
    {
        var cluster = Postgres.ClusterSettings("dash");
        await using var silo1 = await EngineHost.StartAsync(settings: cluster);
        await using var silo2 = await EngineHost.StartAsync(settings: cluster);
        await using var frontEnd = await EngineHost.StartAsync(settings: new Dictionary<string, string?>(cluster) { ["Orleans:Mode"] = "Client" });

        var counters = await Eventually.ValueAsync(
            async () => JsonNode.Parse(await frontEnd.Client.GetStringAsync("/dashboard/DashboardCounters"))!,
            body => (int)body["totalActiveHostCount"]! == 2,
            TimeSpan.FromSeconds(30),
            "the front end's dashboard showing both silos");
        Assert.All(counters["hosts"]!.AsArray(), host => Assert.Equal("Active", (string)host!["status"]!));

        using var anonymous = frontEnd.CreateClient();
        await anonymous.GetAsync("/dashboard/DashboardCounters").ExpectErrorAsync(HttpStatusCode.Unauthorized, Errors.Unauthorized);
    }
}
