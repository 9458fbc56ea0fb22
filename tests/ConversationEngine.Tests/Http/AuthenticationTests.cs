using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

[Collection(SharedEngine.Name)]
public sealed class AuthenticationTests(EngineFixture fixture)
{
    private const string OtherAccountSid = "ACffffffffffffffffffffffffffffffff";

    private EngineHost Host => fixture.Host;

    public static TheoryData<string> ProtectedPaths => new() { "/v1/Conversations", "/v1/Services", "/v1/Configuration" };

    public static TheoryData<string, string?> WrongCredentials => new()
    {
        { EngineHost.AccountSid, "wrong-token" },
        { EngineHost.AccountSid, "" },
        { EngineHost.AccountSid, EngineHost.AuthToken + "x" },
        { EngineHost.AccountSid, EngineHost.AuthToken.ToUpperInvariant() },
        { OtherAccountSid, EngineHost.AuthToken },
        { EngineHost.ApiKeySid, "wrong-secret" },
        { EngineHost.ApiKeySid, EngineHost.AuthToken },
        { EngineHost.AccountSid, EngineHost.ApiKeySecret },
        { "SKffffffffffffffffffffffffffffffff", EngineHost.ApiKeySecret },
        { "", EngineHost.AuthToken },
    };

    public static TheoryData<string> MalformedAuthorization => new()
    {
        "Basic",
        "Basic ",
        "Basic !!!not-base64!!!",
        "Basic " + Base64(EngineHost.AccountSid + EngineHost.AuthToken), // no colon
        "Basic " + Base64(":" + EngineHost.AuthToken), // no user
        "Basic " + Base64(EngineHost.AccountSid + ":" + EngineHost.AuthToken)[..^2], // truncated
        "Bearer " + EngineHost.AuthToken,
        "Digest username=\"" + EngineHost.AccountSid + "\"",
        EngineHost.AccountSid + ":" + EngineHost.AuthToken, // credentials without a scheme
        "BasicX " + Base64(EngineHost.AccountSid + ":" + EngineHost.AuthToken),
    };

    [Theory]
    [MemberData(nameof(ProtectedPaths))]
    public async Task Request_without_credentials_is_refused_with_20003(string path)
    {
        using var client = Host.CreateClient();

        var response = await client.GetAsync(path);
        Assert.Contains(response.Headers.WwwAuthenticate, h => string.Equals(h.Scheme, "Basic", StringComparison.OrdinalIgnoreCase));

        await Task.FromResult(response).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
    }

    [Fact]
    public async Task Write_without_credentials_is_refused_with_20003_and_changes_nothing()
    {
        using var client = Host.CreateClient();
        var name = "anonymous-" + Guid.NewGuid().ToString("N");

        await client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);

        await Host.Client.GetAsync($"/v1/Conversations/{name}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Theory]
    [MemberData(nameof(WrongCredentials))]
    public async Task Wrong_credentials_are_refused_with_20003(string user, string? password)
    {
        using var client = Host.CreateClient(user, password);

        foreach (var path in new[] { "/v1/Conversations", "/v1/Services" })
        {
            await client.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        }

        await client.PostFormAsync("/v1/Conversations").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
    }

    [Theory]
    [MemberData(nameof(MalformedAuthorization))]
    public async Task Malformed_authorization_header_is_refused_with_20003(string authorization)
    {
        using var client = Host.CreateClient();

        foreach (var path in new[] { "/v1/Conversations", "/v1/Services" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));
            await client.SendAsync(request).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        }
    }

    [Fact]
    public async Task Unauthenticated_requests_to_unknown_paths_are_refused_before_routing()
    {
        using var client = Host.CreateClient();

        await client.GetAsync("/v1/Nope").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
    }

    [Fact]
    public async Task Account_sid_and_auth_token_are_accepted()
    {
        using var client = Host.CreateClient(EngineHost.AccountSid, EngineHost.AuthToken);

        await client.GetAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.OK);
        await client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Api_key_sid_and_secret_are_accepted()
    {
        using var client = Host.CreateClient(EngineHost.ApiKeySid, EngineHost.ApiKeySecret);

        await client.GetAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.OK);
        var created = await client.PostFormAsync("/v1/Conversations", ("FriendlyName", "via api key")).ExpectAsync(HttpStatusCode.Created);
        await client.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("BASIC")]
    public async Task Basic_scheme_name_is_case_insensitive(string scheme)
    {
        using var client = Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/Conversations");
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {Base64(EngineHost.AccountSid + ":" + EngineHost.AuthToken)}");

        await client.SendAsync(request).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_check_needs_no_credentials()
    {
        using var anonymous = Host.CreateClient();
        using var wrong = Host.CreateClient(EngineHost.AccountSid, "wrong-token");

        var body = await anonymous.GetAsync("/healthz").ExpectAsync(HttpStatusCode.OK);
        await wrong.GetAsync("/healthz").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("ok", (string?)body["status"]);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/docs/")]
    public async Task Api_description_and_reference_page_need_no_credentials(string path)
    {
        using var anonymous = Host.CreateClient();
        using var wrong = Host.CreateClient(EngineHost.AccountSid, "wrong-token");

        using var first = await anonymous.GetAsync(path);
        using var second = await wrong.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task Openapi_document_is_served_and_lists_the_conversations_path()
    {
        using var response = await Host.Client.GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonNode.Parse(text)!.AsObject();
        Assert.StartsWith("3.", (string)document["openapi"]!, StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/v1/Conversations"), "paths: " + string.Join(", ", paths.Select(p => p.Key)));
        var conversations = paths["/v1/Conversations"]!.AsObject();
        Assert.True(conversations.ContainsKey("get") && conversations.ContainsKey("post"), "operations: " + string.Join(", ", conversations.Select(p => p.Key)));
        Assert.True(paths.ContainsKey("/v1/Conversations/{Sid}"), "paths: " + string.Join(", ", paths.Select(p => p.Key)));
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
