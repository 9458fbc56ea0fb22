using System.Text;
using System.Text.Json;
using ConversationEngine.Api.Hosting;
using ConversationEngine.Twilio.Messages;
using ConversationEngine.Twilio.Webhooks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Twilio.Security;

namespace ConversationEngine.Api.Http;

/// <summary>
/// Reads a request Twilio made to us and proves it came from Twilio with
/// <see cref="RequestValidator"/>: <c>X-Twilio-Signature</c> over the URL Twilio was given (the
/// public base URL, so the check holds behind a reverse proxy) and the POST parameters, or over the
/// URL with <c>bodySHA256</c> for JSON bodies.
/// </summary>
/// <remarks>
/// Twilio signs a webhook with the auth token of the account that owns the number, the request's
/// <c>AccountSid</c>. With a Twilio account configured (<c>Twilio:AccountSid</c> and
/// <c>Twilio:AuthToken</c>) that is the only account whose webhooks are accepted, checked with
/// <c>Twilio:AuthToken</c>; without one (the sandbox) the engine's own account and
/// <c>Engine:AuthToken</c> stand in for it. Twilio never signs with an API key, so a Twilio account
/// configured with an API key but no auth token is refused at start (see
/// <see cref="TwilioMessagesOptions"/>'s validator). A webhook naming any other account cannot be
/// verified and is refused like a forged one: 403, code 20003.
/// <para>
/// A body cannot be verified before it is read, so what is read is bounded first:
/// <see cref="WebhookOptions.MaxInboundBodyBytes"/> (64 KiB by default). A larger
/// <c>Content-Length</c> is refused with 413 (code 20413) before a byte of the body is read; a body
/// without one (chunked) is cut off with the same 413 as soon as it grows past the limit.
/// </para>
/// </remarks>
public sealed partial class TwilioWebhook(IOptions<EngineOptions> engine, IOptions<TwilioMessagesOptions> twilio, IOptions<WebhookOptions> webhooks, ILogger<TwilioWebhook> logger)
{
    private const string SignatureHeader = "X-Twilio-Signature";
    private const string AccountParameter = "AccountSid";
    private const string BodyHashParameter = "bodySHA256";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The request's parameters once its signature holds; 403 otherwise, with nothing read further.</summary>
    /// <exception cref="EngineException">413 (<see cref="Errors.PayloadTooLarge"/>): the body is larger than <see cref="WebhookOptions.MaxInboundBodyBytes"/>.</exception>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ReadVerifiedAsync(HttpRequest request)
    {
        LimitBody(request, webhooks.Value.MaxInboundBodyBytes);
        var url = PublicUrl(request);
        var signature = request.Headers[SignatureHeader].ToString();
        IReadOnlyList<KeyValuePair<string, string>> parameters;
        EngineException? unreadable = null;
        bool valid;
        if (request.HasJsonContentType())
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            var body = buffer.ToArray();
            try
            {
                parameters = JsonParameters(body);
            }
            catch (EngineException error)
            {
                // Refused as unreadable only once the signature holds: a forger learns nothing more.
                (parameters, unreadable) = ([], error);
            }

            valid = SigningToken(parameters) is { } token && IsValidJson(token, url, body, signature);
        }
        else
        {
            var form = request.HasFormContentType ? await Form.ReadAsync(request) : null;
            var posted = form?.Pairs() ?? [];
            parameters = [.. posted, .. request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? "")))];
            valid = SigningToken(parameters) is { } token && IsValid(token, url, posted, signature);
        }

        if (!valid)
        {
            LogForged(logger, request.Method, url, signature.Length > 0);
            throw new EngineException(ErrorKind.Forbidden, Errors.Unauthorized, "Invalid X-Twilio-Signature");
        }

        return unreadable is null ? parameters : throw unreadable;
    }

    /// <summary>
    /// Bounds what will be read of <paramref name="request"/>'s body: a declared length past
    /// <paramref name="limit"/> is refused at once; otherwise the server stops reading past it
    /// (Kestrel's per-request <see cref="IHttpMaxRequestBodySizeFeature"/>, or a capped stream where
    /// the server offers none), failing with a 413 <see cref="BadHttpRequestException"/>.
    /// </summary>
    public static void LimitBody(HttpRequest request, long limit)
    {
        ArgumentNullException.ThrowIfNull(request);

        // First, even for a length refused below: the server then closes the connection rather
        // than drain the unread body after the answer (Kestrel would drain up to its own 30 MB).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        else
        {
            request.Body = new CappedStream(request.Body, limit);
        }

        if (request.ContentLength > limit)
        {
            throw Errors.TooLarge(limit);
        }
    }

    /// <summary>The URL Twilio signed: the public base URL with this request's path and query.</summary>
    public string PublicUrl(HttpRequest request) =>
        engine.Value.PublicBaseUrl.TrimEnd('/') + request.PathBase + request.Path + request.QueryString;

    /// <summary>The engine's own account, which inbound messages are routed under whichever Twilio account signed them.</summary>
    public string AccountSid => engine.Value.AccountSid!;

    /// <summary>
    /// Checks a form or GET webhook's signature with Twilio's <see cref="RequestValidator"/>, given
    /// every POSTed field (null for GET: the URL carries the parameters).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="authToken"/> is empty: it would be a known HMAC key.</exception>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? formParameters, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        return Validates(authToken, validator => validator.Validate(SignedUrl(url), Folded(formParameters), signature));
    }

    /// <summary>
    /// Checks a JSON webhook: the signature covers the URL alone, whose <c>bodySHA256</c> must be the
    /// SHA-256 of the raw body. Both must match.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="authToken"/> is empty.</exception>
    public static bool IsValidJson(string authToken, string url, ReadOnlySpan<byte> body, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(signature) || !HasBodyHash(url))
        {
            return false;
        }

        string text;
        try
        {
            // The validator hashes the body as UTF-8 text; bytes that are not UTF-8 would not survive the round trip.
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        return Validates(authToken, validator => validator.Validate(SignedUrl(url), text, signature));
    }

    // The validator parses the URL and throws on one it cannot: that is a refusal, not a fault.
    private static bool Validates(string authToken, Func<RequestValidator, bool> validate)
    {
        try
        {
            return validate(new RequestValidator(authToken));
        }
        catch (UriFormatException)
        {
            return false;
        }
    }

    // The token of the one account the request names, or null when it names another or several.
    private string? SigningToken(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var named = parameters.Where(p => p.Key == AccountParameter).Select(p => p.Value).Distinct(StringComparer.Ordinal).ToList();
        if (named.Count > 1)
        {
            return null;
        }

        var account = named.SingleOrDefault();
        var (knownAccount, token) = KnownAccount;
        return account is null || account == knownAccount ? token : null;
    }

    /// <summary>
    /// The auth token Twilio's webhooks are checked with, which also signs what the engine forwards
    /// of them (an unroutable inbound message, a status callback): the forwarded parameters name
    /// that same account in <c>AccountSid</c>, so the receiving application validates them as if
    /// Twilio had called it.
    /// </summary>
    public string AuthToken => KnownAccount.Token!;

    // The Twilio account when one is configured, else the engine's own (the sandbox).
    private (string? Sid, string? Token) KnownAccount =>
        twilio.Value is { AccountSid: { Length: > 0 } twilioAccount, AuthToken: { Length: > 0 } twilioToken }
            ? (twilioAccount, twilioToken)
            : (engine.Value.AccountSid, engine.Value.AuthToken);

    // RequestValidator tries the URL as given and with its port toggled, but signs user info and
    // adds a default port only to a URL without one: Twilio signs neither user info nor, for its
    // messaging webhooks, an explicit default port. Cut by hand: Uri would re-escape the query.
    private static string SignedUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url;
        }

        var authorityStart = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        authorityEnd = authorityEnd < 0 ? url.Length : authorityEnd;
        var authority = url[authorityStart..authorityEnd];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var defaultPort = ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (uri.IsDefaultPort && authority.EndsWith(defaultPort, StringComparison.Ordinal))
        {
            authority = authority[..^defaultPort.Length];
        }

        return url[..authorityStart] + authority + url[authorityEnd..];
    }

    // Twilio signs every value of a repeated name, name then value, values in ordinal order. The
    // validator's dictionary holds one value per name, so a repeated name's later pairs ride inside
    // its value: sorted by name, the signed text is the same.
    private static Dictionary<string, string>? Folded(IEnumerable<KeyValuePair<string, string>>? parameters) =>
        parameters?.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => string.Join(g.Key, g.Select(p => p.Value).Order(StringComparer.Ordinal)),
            StringComparer.Ordinal);

    // The validator reads bodySHA256 itself, but fails (rather than refuses) on one without a value.
    private static bool HasBodyHash(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal) is var start and >= 0 ? url[(start + 1)..].Split('#')[0] : "";
        var hashes = query.Split('&').Where(p => p.Split('=')[0] == BodyHashParameter).ToList();
        return hashes.Count > 0 && hashes.All(p => p.Contains('=', StringComparison.Ordinal));
    }

    private static List<KeyValuePair<string, string>> JsonParameters(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Errors.Invalid("request body", "a JSON webhook body must be an object");
            }

            return document.RootElement.EnumerateObject()
                .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))
                .ToList();
        }
        catch (JsonException error)
        {
            throw Errors.Invalid("request body", error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Url}: invalid X-Twilio-Signature (header present: {HasSignature})")]
    private static partial void LogForged(ILogger logger, string method, string url, bool hasSignature);
}
