using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConversationEngine.Grains.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        services.AddValidatedOptions<FailedAuthOptions>(configuration.GetSection(FailedAuthOptions.Section))
            .ValidateWith<FailedAuthOptions, FailedAuthOptionsValidator>();
        services.TryAddSingleton<FailedAuthenticationLimiter>();
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

    /// <summary>Whether the name is the account's SID or one of its keys'.</summary>
    public bool Knows(string user) => string.Equals(user, AccountSid, StringComparison.Ordinal) || ApiKeys.ContainsKey(user);

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
    IOptions<OperatorCredentials> credentials,
    FailedAuthenticationLimiter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    private const string RetryAfterKey = "operator-auth-retry-after";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, OperatorAuthentication.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // The front end's brute-force rule (Security:FailedAuth): failures are counted per client
        // address and per known SID tried, and past the limit nothing is checked until the window ends.
        var decoded = BasicCredentials.TryDecode(header.Parameter, out var user, out var password);
        var partitions = FailedAuthenticationLimiter.Partitions(Context.Connection.RemoteIpAddress, decoded && credentials.Value.Knows(user) ? user : null);
        if (failures.Refusal(partitions) is { } retryAfter)
        {
            Context.Items[RetryAfterKey] = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("Too many failed authentication attempts"));
        }

        if (!decoded || !credentials.Value.Accepts(user, password))
        {
            failures.RecordFailure(partitions);
            return Task.FromResult(AuthenticateResult.Fail("Wrong credentials"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], Scheme.Name, ClaimTypes.NameIdentifier, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.TryGetValue(RetryAfterKey, out var value) && value is TimeSpan retryAfter)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return OperatorErrors.WriteAsync(Response, 20429, StatusCodes.Status429TooManyRequests, "Too many failed authentication attempts; retry later");
        }

        Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
        return OperatorErrors.WriteAsync(Response, 20003, StatusCodes.Status401Unauthorized, "Authentication Error - invalid username");
    }
}

/// <summary>HTTP Basic's <c>user:password</c>, as every host's Basic handler reads it.</summary>
public static class BasicCredentials
{
    public static bool TryDecode(string? parameter, out string user, out string password)
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
