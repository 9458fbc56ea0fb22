using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Operations;

/// <summary>
/// HTTP Basic for a host without the front end's API (the stand-alone silo): the account's
/// credentials as the front end takes them, <c>Engine:AccountSid</c> with <c>Engine:AuthToken</c>
/// or an <c>Engine:ApiKeys</c> SID with its secret. Every path needs them unless it allows
/// anonymous callers (health probes); refusals are Twilio's error body, 401 with 20003.
/// </summary>
public static class OperatorAuthentication
{
    public const string Scheme = "Basic";

    public static IServiceCollection AddOperatorAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OperatorCredentials>().Configure(credentials =>
        {
            credentials.AccountSid = configuration["Engine:AccountSid"];
            credentials.AuthToken = configuration["Engine:AuthToken"];
            foreach (var key in configuration.GetSection("Engine:ApiKeys").GetChildren())
            {
                if (key["Sid"] is { Length: > 0 } sid && key["Secret"] is { Length: > 0 } secret)
                {
                    credentials.ApiKeys[sid] = secret;
                }
            }
        });
        services.AddAuthentication(Scheme)
            .AddScheme<AuthenticationSchemeOptions, OperatorBasicHandler>(Scheme, configureOptions: null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build());
        return services;
    }
}

/// <summary>The credentials <see cref="OperatorBasicHandler"/> accepts.</summary>
public sealed class OperatorCredentials
{
    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>API key SIDs and their secrets.</summary>
    public Dictionary<string, string> ApiKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the pair is the account's or one of its keys', compared in constant time.</summary>
    public bool Accepts(string user, string password)
    {
        var expected = string.Equals(user, AccountSid, StringComparison.Ordinal) ? AuthToken
            : ApiKeys.TryGetValue(user, out var secret) ? secret
            : null;
        return !string.IsNullOrEmpty(expected)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(expected));
    }
}

public sealed class OperatorBasicHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<OperatorCredentials> credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, OperatorAuthentication.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!TryDecode(header.Parameter, out var user, out var password) || !credentials.Value.Accepts(user, password))
        {
            return Task.FromResult(AuthenticateResult.Fail("Wrong credentials"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], Scheme.Name, ClaimTypes.NameIdentifier, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
        Response.ContentType = "application/json";
        return Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["code"] = 20003,
            ["message"] = "Authentication Error - invalid username",
            ["more_info"] = "https://www.twilio.com/docs/errors/20003",
            ["status"] = 401,
        }));
    }

    private static bool TryDecode(string? parameter, out string user, out string password)
    {
        (user, password) = ("", "");
        if (string.IsNullOrWhiteSpace(parameter))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter.Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        return true;
    }
}
