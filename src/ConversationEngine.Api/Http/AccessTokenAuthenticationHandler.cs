using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConversationEngine.Accounts;
using ConversationEngine.Api.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

using ConversationEngine.Operations;

namespace ConversationEngine.Api.Http;

/// <summary>The Access Token scheme's header and the claims of a caller acting as a user.</summary>
public static class AccessTokenAuthentication
{
    public const string Scheme = "TwilioAccessToken";

    /// <summary>The header Twilio's REST clients send an Access Token in.</summary>
    public const string Header = "X-Twilio-Token";

    /// <summary>The user the token's grant names, and the conversation service it acts in.</summary>
    public const string IdentityClaim = "identity";
    public const string ChatServiceSidClaim = "chat_service_sid";

    /// <summary>
    /// The request's token: the header, or on the live stream's path only the <c>access_token</c>
    /// query parameter (browsers cannot set headers on a WebSocket); null when there is none.
    /// </summary>
    public static string? TokenOf(HttpRequest request) =>
        request.Headers.TryGetValue(Header, out var header) ? header.ToString()
        : request.Path.Equals(Live.LiveEndpoints.Path, StringComparison.OrdinalIgnoreCase) && request.Query.TryGetValue(Live.LiveEndpoints.TokenParameter, out var query) ? query.ToString()
        : null;

    /// <summary>Twilio's limit on an Access Token's lifetime.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    /// <summary>How far the engine's clock and the minting server's may disagree.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
}

/// <summary>
/// An Access Token as Twilio's helper libraries mint them (<c>AccessToken</c> with a <c>ChatGrant</c>):
/// an HS256 JWT with header <c>cty: twilio-fpa;v=1</c>, issued (<c>iss</c>) by one of the engine's API
/// keys and signed with its secret, for the engine's account (<c>sub</c>), with <c>grants.identity</c>
/// and <c>grants.chat.service_sid</c>. The caller acts as that user in that service. Each refusal is
/// 401 with Twilio's code for what is wrong (20101–20107); failures count toward the same per-address
/// limit as wrong Basic credentials.
/// </summary>
public sealed class AccessTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<EngineOptions> engineOptions,
    FailedAuthenticationLimiter failures,
    IGrainFactory grains,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    private static readonly object RefusalKey = new();
    private static readonly JsonWebTokenHandler Tokens = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var text = AccessTokenAuthentication.TokenOf(Request) ?? "";
        var partitions = FailedAuthenticationLimiter.Partitions(Context.Connection.RemoteIpAddress, user: null);
        if (failures.Refusal(partitions) is { } retryAfter)
        {
            return Refuse(new Refusal(Errors.TooManyRequests, StatusCodes.Status429TooManyRequests, "Too many failed authentication attempts; retry later", retryAfter));
        }

        var (principal, refusal) = await ValidateAsync(text);
        if (refusal is not null)
        {
            failures.RecordFailure(partitions);
            return Refuse(refusal);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(principal!, Scheme.Name));
    }

    private AuthenticateResult Refuse(Refusal refusal)
    {
        Context.Items[RefusalKey] = refusal;
        return AuthenticateResult.Fail(refusal.Message);
    }

    private async Task<(ClaimsPrincipal? Principal, Refusal? Refusal)> ValidateAsync(string text)
    {
        JsonWebToken token;
        try
        {
            token = Tokens.ReadJsonWebToken(text);
        }
        catch (ArgumentException)
        {
            return (null, Invalid(Errors.InvalidAccessToken, "Invalid Access Token: not a JWT"));
        }

        if (token.Alg != SecurityAlgorithms.HmacSha256 || !string.Equals(token.Cty, "twilio-fpa;v=1", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Invalid(Errors.InvalidAccessTokenHeader, "Invalid Access Token header: alg must be HS256 and cty twilio-fpa;v=1"));
        }

        var engine = engineOptions.Value;
        var key = engine.ApiKeys.Find(k => string.Equals(k.Sid, token.Issuer, StringComparison.Ordinal));
        if (key is null || !string.Equals(token.Subject, engine.AccountSid, StringComparison.Ordinal))
        {
            return (null, Invalid(Errors.InvalidAccessTokenIssuer, "Invalid Access Token issuer/subject: iss must be an API key of this account and sub its Account SID"));
        }

        if (await SignatureAndLifetimeAsync(text, key.Secret) is { } refused)
        {
            return (null, refused);
        }

        var now = clock.GetUtcNow();
        if (token.ValidTo - now.UtcDateTime > AccessTokenAuthentication.MaxLifetime + AccessTokenAuthentication.ClockSkew)
        {
            return (null, Invalid(Errors.AccessTokenExpired, "Access Token expiration date invalid: more than 24 hours away"));
        }

        if (Grant(token) is not var (identity, serviceSid)
            || !Sids.IsValid(serviceSid, Sids.ChatService)
            || await grains.GetGrain<IChatServiceGrain>(serviceSid).GetAsync() is null)
        {
            return (null, Invalid(Errors.InvalidAccessTokenGrants, "Invalid Access Token grants: an identity and a chat grant naming a Conversation Service of this account are required"));
        }

        var claims = new List<Claim>
        {
            new(BasicAuthentication.AccountSidClaim, engine.AccountSid!),
            new(BasicAuthentication.ApiKeySidClaim, key.Sid),
            new(AccessTokenAuthentication.IdentityClaim, identity),
            new(AccessTokenAuthentication.ChatServiceSidClaim, serviceSid),
            new(ClaimTypes.NameIdentifier, identity),
        };
        return (new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.NameIdentifier, ClaimTypes.Role)), null);
    }

    private static async Task<Refusal?> SignatureAndLifetimeAsync(string text, string secret)
    {
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = AccessTokenAuthentication.ClockSkew,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
            TryAllIssuerSigningKeys = true,
        };
        var result = await Tokens.ValidateTokenAsync(text, parameters);
        return result.IsValid ? null : result.Exception switch
        {
            SecurityTokenExpiredException or SecurityTokenNoExpirationException or SecurityTokenInvalidLifetimeException =>
                Invalid(Errors.AccessTokenExpired, "Access Token expired or expiration date invalid"),
            SecurityTokenNotYetValidException => Invalid(Errors.AccessTokenNotYetValid, "Access Token not yet valid"),
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException or ArgumentOutOfRangeException =>
                Invalid(Errors.InvalidAccessTokenSignature, "Invalid Access Token signature"),
            _ => Invalid(Errors.InvalidAccessToken, "Invalid Access Token"),
        };
    }

    /// <summary>The grant's identity and chat service, or null when either is missing.</summary>
    private static (string Identity, string ServiceSid)? Grant(JsonWebToken token)
    {
        try
        {
            using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));
            return payload.RootElement.TryGetProperty("grants", out var grants)
                && grants.ValueKind == JsonValueKind.Object
                && grants.TryGetProperty("identity", out var identity) && identity.ValueKind == JsonValueKind.String
                && identity.GetString() is { Length: > 0 } name
                && grants.TryGetProperty("chat", out var chat) && chat.ValueKind == JsonValueKind.Object
                && chat.TryGetProperty("service_sid", out var service) && service.ValueKind == JsonValueKind.String
                    ? (name, service.GetString()!)
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Refusal Invalid(int code, string message) => new(code, StatusCodes.Status401Unauthorized, message, null);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var refusal = Context.Items.TryGetValue(RefusalKey, out var value) && value is Refusal known
            ? known
            : Invalid(Errors.InvalidAccessToken, "Invalid Access Token");
        if (refusal.RetryAfter is { } retryAfter)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TwilioError.Create(refusal.Code, refusal.Status, refusal.Message).WriteAsync(Response);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        TwilioError.Create(Errors.Unauthorized, StatusCodes.Status403Forbidden, "Authenticated, but not allowed to access this resource").WriteAsync(Response);

    private sealed record Refusal(int Code, int Status, string Message, TimeSpan? RetryAfter);
}
