using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ConversationEngine.Api.Hosting;
using Microsoft.AspNetCore.Authentication;
using ConversationEngine.Operations;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Http;

/// <summary>The engine's one authentication scheme and the claims it issues.</summary>
public static class BasicAuthentication
{
    public const string Scheme = "Basic";

    /// <summary>The account every request acts for (also the caller's identity with the Auth Token).</summary>
    public const string AccountSidClaim = "account_sid";

    /// <summary>The API key SID, when the caller authenticated with an API key.</summary>
    public const string ApiKeySidClaim = "api_key_sid";
}

/// <summary>
/// HTTP Basic with the Account SID and Auth Token, or an API key SID and its secret, as Twilio's
/// helper libraries send it. Refusals are Twilio's error body (401 with 20003, or 403); a client
/// address or user name with too many failed attempts gets 429 with 20429 and <c>Retry-After</c>
/// (see <see cref="FailedAuthenticationLimiter"/>).
/// </summary>
public sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<EngineOptions> engineOptions,
    FailedAuthenticationLimiter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    private static readonly object RetryAfterKey = new();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, BasicAuthentication.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Endpoints open to anyone (health, Twilio's signed webhooks, which may carry Basic
        // credentials of their own) neither count nor refuse attempts.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
        {
            return Task.FromResult(Authenticate(header));
        }

        // Per user name only for the SIDs that exist here: any other name is wrong whatever the
        // password, and counting it by client address keeps invented names from growing the table.
        var user = BasicCredentials.TryDecode(header.Parameter, out var tried, out _) && IsKnownUser(tried) ? tried : null;
        var partitions = FailedAuthenticationLimiter.Partitions(Context.Connection.RemoteIpAddress, user);
        if (failures.Refusal(partitions) is { } retryAfter)
        {
            // Not even checked: a right guess must look like a wrong one until the window ends.
            Context.Items[RetryAfterKey] = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("Too many failed authentication attempts"));
        }

        var result = Authenticate(header);
        if (result.Failure is not null)
        {
            failures.RecordFailure(partitions);
        }

        return Task.FromResult(result);
    }

    private bool IsKnownUser(string user) =>
        string.Equals(user, engineOptions.Value.AccountSid, StringComparison.Ordinal)
        || engineOptions.Value.ApiKeys.Exists(k => string.Equals(k.Sid, user, StringComparison.Ordinal));

    private AuthenticateResult Authenticate(AuthenticationHeaderValue header)
    {
        if (!BasicCredentials.TryDecode(header.Parameter, out var user, out var password))
        {
            return AuthenticateResult.Fail("Malformed Basic credentials");
        }

        var engine = engineOptions.Value;
        var claims = new List<Claim> { new(BasicAuthentication.AccountSidClaim, engine.AccountSid!) };
        if (string.Equals(user, engine.AccountSid, StringComparison.Ordinal))
        {
            if (!SecretEquals(password, engine.AuthToken))
            {
                return AuthenticateResult.Fail("Wrong credentials");
            }
        }
        else
        {
            var key = engine.ApiKeys.Find(k => string.Equals(k.Sid, user, StringComparison.Ordinal));
            if (key is null || !SecretEquals(password, key.Secret))
            {
                return AuthenticateResult.Fail("Wrong credentials");
            }

            claims.Add(new Claim(BasicAuthentication.ApiKeySidClaim, key.Sid));
        }

        claims.Add(new Claim(ClaimTypes.NameIdentifier, user));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.NameIdentifier, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.TryGetValue(RetryAfterKey, out var value) && value is TimeSpan retryAfter)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TwilioError.Create(Errors.TooManyRequests, StatusCodes.Status429TooManyRequests, "Too many failed authentication attempts; retry later").WriteAsync(Response);
        }

        Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
        return TwilioError.Create(Errors.Unauthorized, StatusCodes.Status401Unauthorized, "Authentication Error - invalid username").WriteAsync(Response);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        TwilioError.Create(Errors.Unauthorized, StatusCodes.Status403Forbidden, "Authenticated, but not allowed to access this resource").WriteAsync(Response);

    private static bool SecretEquals(string given, string? expected) =>
        !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
