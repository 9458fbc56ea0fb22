using System.Security.Cryptography;
using System.Text;
using ConversationEngine.Api.Hosting;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Http;

/// <summary>
/// HTTP Basic with the Account SID and Auth Token, or an API key SID and its secret, as Twilio's
/// helper libraries send it. Health and Twilio's own webhooks (signature-checked) are exempt.
/// </summary>
public sealed class BasicAuthenticationMiddleware(RequestDelegate next, IOptions<EngineOptions> options)
{
    private static readonly PathString[] Open = ["/healthz", "/webhooks"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (Open.Any(p => context.Request.Path.StartsWithSegments(p)) || IsAuthorized(context.Request))
        {
            await next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
        await TwilioError.Create(Errors.Unauthorized, 401, "Authentication Error - invalid username").WriteAsync(context.Response);
    }

    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
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

        var user = decoded[..colon];
        var password = decoded[(colon + 1)..];
        var engine = options.Value;
        if (user == engine.AccountSid)
        {
            return SecretEquals(password, engine.AuthToken);
        }

        var key = engine.ApiKeys.Find(k => string.Equals(k.Sid, user, StringComparison.Ordinal));
        return key is not null && SecretEquals(password, key.Secret);
    }

    private static bool SecretEquals(string given, string? expected) =>
        !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
