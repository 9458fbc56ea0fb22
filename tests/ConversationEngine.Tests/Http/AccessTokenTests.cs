using System.Net;
using System.Text;
using ConversationEngine.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Access Tokens as Twilio's helper libraries mint them (C# and Node) authenticate an agent acting
/// as a user; every kind of bad token is refused with 401 and Twilio's code for what is wrong.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class AccessTokenTests(EngineFixture fixture)
{
    private EngineHost Host => fixture.Host;

    [Fact]
    public async Task Token_minted_by_twilios_csharp_library_acts_as_its_user()
    {
        var service = await NewServiceAsync();
        using var agent = Host.CreateUserClient(AccessTokens.Mint("agent.ana", service));

        var user = await agent.GetAsync($"/v1/Services/{service}/Users/agent.ana").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("agent.ana", (string?)user["identity"]);
        Assert.Matches("^US[0-9a-f]{32}$", (string?)user["sid"]);
        var conversations = await agent.GetAsync($"/v1/Services/{service}/Users/agent.ana/Conversations").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(conversations["conversations"]!.AsArray());
    }

    [Fact]
    public async Task Token_minted_by_twilios_node_library_acts_as_its_user()
    {
        var service = await NewServiceAsync();
        var run = await TwilioNode.RunScriptAsync("access-token.mjs", new Dictionary<string, string>
        {
            ["ACCOUNT_SID"] = EngineHost.AccountSid,
            ["API_KEY_SID"] = EngineHost.ApiKeySid,
            ["API_KEY_SECRET"] = EngineHost.ApiKeySecret,
            ["IDENTITY"] = "agent.noa",
            ["CHAT_SERVICE_SID"] = service,
        });
        Assert.True(run.ExitCode == 0, run.Output);
        var token = (string)System.Text.Json.Nodes.JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!["token"]!;
        using var agent = Host.CreateUserClient(token);

        var created = await agent.PostFormAsync($"/v1/Services/{service}/Conversations", ("FriendlyName", "from node")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(service, (string?)created["chat_service_sid"]);
        await agent.GetAsync($"/v1/Services/{service}/Users/agent.noa").ExpectAsync(HttpStatusCode.OK);
    }

    public static TheoryData<string, int> BadTokens => new()
    {
        { "tampered", 20107 },
        { "wrong-secret", 20107 },
        { "unknown-key", 20103 },
        { "other-account", 20103 },
        { "expired", 20104 },
        { "beyond-24-hours", 20104 },
        { "not-yet-valid", 20105 },
        { "unknown-service", 20106 },
        { "no-chat-grant", 20106 },
        { "no-twilio-header", 20102 },
        { "not-a-jwt", 20101 },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_token_is_refused_with_401_and_twilios_code(string kind, int code)
    {
        var service = await NewServiceAsync();
        var token = kind switch
        {
            "tampered" => Tamper(AccessTokens.Mint("eve", service)),
            "wrong-secret" => AccessTokens.Mint("eve", service, keySecret: "another-secret-of-32-characters!"),
            "unknown-key" => AccessTokens.Mint("eve", service, keySid: "SKffffffffffffffffffffffffffffffff"),
            "other-account" => AccessTokens.Mint("eve", service, accountSid: "ACffffffffffffffffffffffffffffffff"),
            "expired" => Handmade(service, expires: DateTime.UtcNow.AddMinutes(-5), notBefore: DateTime.UtcNow.AddHours(-1)),
            "beyond-24-hours" => AccessTokens.Mint("eve", service, ttl: TimeSpan.FromHours(25)),
            "not-yet-valid" => Handmade(service, expires: DateTime.UtcNow.AddHours(2), notBefore: DateTime.UtcNow.AddHours(1)),
            "unknown-service" => AccessTokens.Mint("eve", "IS" + new string('f', 32)),
            "no-chat-grant" => Handmade(service, chat: false),
            "no-twilio-header" => Handmade(service, twilioHeader: false),
            _ => "not.a-jwt",
        };
        using var caller = Host.CreateUserClient(token);

        var error = await caller.GetAsync($"/v1/Services/{service}/Users/eve").ExpectErrorAsync(HttpStatusCode.Unauthorized, code);

        Assert.Equal(401, (int?)error["status"]);
    }

    [Fact]
    public async Task Token_of_one_service_cannot_act_in_another()
    {
        var mine = await NewServiceAsync();
        var other = await NewServiceAsync();
        using var agent = Host.CreateUserClient(AccessTokens.Mint("agent.ana", mine));

        await agent.GetAsync($"/v1/Services/{other}/Users/agent.ana").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await agent.PostFormAsync($"/v1/Services/{other}/Conversations", ("FriendlyName", "x")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await agent.GetAsync("/v1/Users/agent.ana").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
    }

    private async Task<string> NewServiceAsync() =>
        (string)(await Host.Client.PostFormAsync("/v1/Services", ("FriendlyName", "tokens")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"eve\"", "\"adm\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    /// <summary>A token built claim by claim, for shapes Twilio's library never mints.</summary>
    private static string Handmade(string service, DateTime? expires = null, DateTime? notBefore = null, bool chat = true, bool twilioHeader = true)
    {
        var grants = new Dictionary<string, object> { ["identity"] = "eve" };
        if (chat)
        {
            grants["chat"] = new Dictionary<string, object> { ["service_sid"] = service };
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = EngineHost.ApiKeySid,
            Claims = new Dictionary<string, object> { ["sub"] = EngineHost.AccountSid, ["grants"] = grants },
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            NotBefore = notBefore ?? DateTime.UtcNow.AddMinutes(-1),
            IssuedAt = notBefore ?? DateTime.UtcNow.AddMinutes(-1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(EngineHost.ApiKeySecret)), SecurityAlgorithms.HmacSha256),
            AdditionalHeaderClaims = twilioHeader ? new Dictionary<string, object> { ["cty"] = "twilio-fpa;v=1" } : null,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
