using Twilio.Jwt.AccessToken;

namespace ConversationEngine.Tests.Support;

/// <summary>Access Tokens minted with Twilio's C# library, as an app's token endpoint would, and clients that send them.</summary>
public static class AccessTokens
{
    public static string Mint(
        string identity,
        string chatServiceSid,
        TimeSpan? ttl = null,
        string keySid = EngineHost.ApiKeySid,
        string keySecret = EngineHost.ApiKeySecret,
        string accountSid = EngineHost.AccountSid) =>
        new Token(accountSid, keySid, keySecret, identity: identity,
            expiration: DateTime.UtcNow + (ttl ?? TimeSpan.FromHours(1)),
            grants: new HashSet<IGrant> { new ChatGrant { ServiceSid = chatServiceSid } }).ToJwt();

    /// <summary>A client acting as the token's user (header <c>X-Twilio-Token</c>, no Basic credentials).</summary>
    public static HttpClient CreateUserClient(this EngineHost host, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Twilio-Token", token);
        return client;
    }
}
