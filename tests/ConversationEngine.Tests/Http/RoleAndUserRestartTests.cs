using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>Roles, users and the identity index are on the SQLite file: a new host on it serves them unchanged.</summary>
public sealed class RoleAndUserRestartTests
{
    [Fact]
    public async Task Roles_users_and_identities_read_back_the_same_after_a_restart()
    {
        string dataDirectory;
        string roles;
        string configuration;
        string user;
        var identity = "restart-" + Guid.NewGuid().ToString("N");
        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            await host.Client.PostFormAsync("/v1/Roles", ("FriendlyName", "kept"), ("Type", "service"), ("Permission", "joinConversation"))
                .ExpectAsync(HttpStatusCode.Created);
            await host.Client.PostFormAsync("/v1/Users", ("Identity", identity), ("FriendlyName", "Kept")).ExpectAsync(HttpStatusCode.Created);
            roles = await RolesAsync(host);
            configuration = await ServiceConfigurationAsync(host);
            user = await UserAsync(host, identity);
        }

        await using (var host = await EngineHost.StartAsync(dataDirectory))
        {
            Assert.Equal(roles, await RolesAsync(host));
            Assert.Equal(configuration, await ServiceConfigurationAsync(host));
            Assert.Equal(user, await UserAsync(host, identity));
            await host.Client.PostFormAsync("/v1/Users", ("Identity", identity)).ExpectErrorAsync(HttpStatusCode.Conflict, 50201);
        }
    }

    [Fact]
    public async Task Concurrent_creates_of_one_identity_make_exactly_one_user()
    {
        await using var host = await EngineHost.StartAsync();
        var identity = "race-" + Guid.NewGuid().ToString("N");
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.Client.PostFormAsync("/v1/Users", ("Identity", identity))));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var listed = (await host.Client.GetAsync("/v1/Users").ExpectAsync(HttpStatusCode.OK))["users"]!.AsArray();
        Assert.Single(listed, u => (string?)u!["identity"] == identity);
    }

    private static async Task<string> ServiceConfigurationAsync(EngineHost host)
    {
        var service = (string)(await host.Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
        return Portless(host, (await host.Client.GetAsync($"/v1/Services/{service}/Configuration").ExpectAsync(HttpStatusCode.OK)).ToJsonString());
    }

    private static async Task<string> RolesAsync(EngineHost host) =>
        Portless(host, (await host.Client.GetAsync("/v1/Roles").ExpectAsync(HttpStatusCode.OK))["roles"]!.ToJsonString());

    private static async Task<string> UserAsync(EngineHost host, string identity) =>
        Portless(host, (await host.Client.GetAsync($"/v1/Users/{identity}").ExpectAsync(HttpStatusCode.OK)).ToJsonString());

    /// <summary>Each host listens on its own port, which its URLs carry.</summary>
    private static string Portless(EngineHost host, string json) => json.Replace(host.BaseUrl, "", StringComparison.Ordinal);
}
