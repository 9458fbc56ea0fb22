using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Twilio.Webhooks;

/// <summary>
/// Sends one webhook as Twilio sends them: form POST (<c>application/x-www-form-urlencoded;
/// charset=utf-8</c>) or GET with the parameters appended to the URL's query, signed with
/// <c>X-Twilio-Signature</c>, <c>User-Agent: TwilioProxy/1.1</c>, and
/// <c>I-Twilio-Idempotency-Token</c> when the call has one.
/// </summary>
/// <remarks>
/// One attempt, never retried here: the caller knows whether the event may be sent again (pre-action
/// hooks are not, post-event webhooks are, from their queue). Redirects are not followed (the
/// <c>3xx</c> is the outcome), so a configured URL can never lead the engine to another scheme or
/// host. Only <c>http</c> and <c>https</c> URLs are called. The auth token, the signature and the
/// parameters are never logged; a URL is logged without its query.
/// </remarks>
public sealed partial class WebhookClient(HttpClient http, TimeProvider time, ILogger<WebhookClient> logger)
{
    /// <summary>The <c>User-Agent</c> of Twilio's webhook requests.</summary>
    public const string UserAgent = "TwilioProxy/1.1";

    public const string IdempotencyTokenHeader = "I-Twilio-Idempotency-Token";

    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded") { CharSet = "utf-8" };

    /// <summary>Sends <paramref name="call"/> once and reports what came of it; fails only when <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (not the call's own timeout).</exception>
    public async Task<WebhookOutcome> SendAsync(WebhookCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentException.ThrowIfNullOrEmpty(call.AuthToken);
        var (url, credentials) = WithoutUserInfo(WebhookSignature.WithoutFragment(call.Url));
        var method = call.Method.ToUpperInvariant();
        if (!IsWebUrl(url) || method is not ("GET" or "POST"))
        {
            var target = Describe(url);
            LogInvalid(logger, method, target);

            return new WebhookOutcome { Failure = WebhookFailure.InvalidRequest, Error = "only GET or POST to an absolute http(s) URL is sent" };
        }

        using var request = method == "GET" ? Get(url, call) : Post(url, call);
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Accept.ParseAdd("*/*");
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        if (call.IdempotencyToken is { Length: > 0 } idempotency)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyTokenHeader, idempotency);
        }

        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(call.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        WebhookOutcome outcome;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var (body, truncated) = await ReadCappedAsync(response.Content, call.MaxResponseBytes, linked.Token).ConfigureAwait(false);
            outcome = new WebhookOutcome
            {
                StatusCode = (int)response.StatusCode,
                Body = body,
                BodyTruncated = truncated,
                ContentType = response.Content.Headers.ContentType?.ToString(),
                Elapsed = time.GetElapsedTime(started),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = Failed(WebhookFailure.Timeout, $"no answer within {call.Timeout.TotalMilliseconds:0} ms", started);
        }
        catch (HttpRequestException error)
        {
            outcome = Failed(Kind(error.HttpRequestError), error.Message, started);
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            var target = Describe(url);
            var elapsed = (long)outcome.Elapsed.TotalMilliseconds;
            LogOutcome(logger, method, target, outcome.StatusCode, outcome.Failure, elapsed);
        }

        return outcome;
    }

    /// <summary><paramref name="url"/> with <paramref name="parameters"/> appended to its query (fragment dropped), as a GET webhook requests it.</summary>
    public static string WithQuery(string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        url = WebhookSignature.WithoutFragment(url);
        var query = Encode(parameters);
        if (query.Length == 0)
        {
            return url;
        }

        var separator = !url.Contains('?', StringComparison.Ordinal) ? "?" : url.EndsWith('?') || url.EndsWith('&') ? "" : "&";
        return url + separator + query;
    }

    /// <summary>True for an absolute http or https URL.</summary>
    public static bool IsWebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>
    /// The URL as logs show it: scheme, host, port and path; never user info (credentials) nor the
    /// query, which may carry a GET's parameters.
    /// </summary>
    public static string Describe(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            : "(not a URL)";

    /// <summary>
    /// A URL's <c>user:password@</c> taken out, as Twilio does: the credentials go in an
    /// <c>Authorization: Basic</c> header and the signature covers the URL without them. Cut by hand,
    /// since <see cref="Uri"/> would re-escape the rest.
    /// </summary>
    public static (string Url, string? Credentials) WithoutUserInfo(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return (url, null);
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        authorityEnd = authorityEnd < 0 ? url.Length : authorityEnd;
        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        return at < 0
            ? (url, null)
            : (url[..authorityStart] + url[(at + 1)..], Uri.UnescapeDataString(url[authorityStart..at]));
    }

    private static HttpRequestMessage Get(string url, WebhookCall call)
    {
        var requested = WithQuery(url, call.Parameters);
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(requested));
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.ForGet(call.AuthToken, requested));
        return request;
    }

    private static HttpRequestMessage Post(string url, WebhookCall call)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Encode(call.Parameters)));
        content.Headers.ContentType = FormContentType;
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url)) { Content = content };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.ForPost(call.AuthToken, url, call.Parameters));
        return request;
    }

    // RFC 3986 escaping (a space is %20): whatever a receiver's form parser decodes is exactly what was signed.
    private static string Encode(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value ?? string.Empty)));

    private static async Task<(string Body, bool Truncated)> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        maxBytes = Math.Max(0, maxBytes);
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // One byte past the cap tells a body that fits from one that does not; nothing further is read.
            var buffer = new byte[maxBytes + 1];
            var read = 0;
            while (read < buffer.Length)
            {
                var count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    break;
                }

                read += count;
            }

            var truncated = read > maxBytes;
            return (Encoding.UTF8.GetString(buffer, 0, Math.Min(read, maxBytes)), truncated);
        }
    }

    private WebhookOutcome Failed(WebhookFailure failure, string error, long started) =>
        new() { Failure = failure, Error = error, Elapsed = time.GetElapsedTime(started) };

    private static WebhookFailure Kind(HttpRequestError error) => error switch
    {
        HttpRequestError.NameResolutionError => WebhookFailure.NameResolution,
        HttpRequestError.SecureConnectionError => WebhookFailure.Tls,
        HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse or HttpRequestError.VersionNegotiationError
            or HttpRequestError.ConfigurationLimitExceeded => WebhookFailure.Protocol,
        _ => WebhookFailure.Connection,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {Method} {Url}: status {Status}, failure {Failure}, {ElapsedMs} ms")]
    private static partial void LogOutcome(ILogger logger, string method, string url, int? status, WebhookFailure failure, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Method} {Url} not sent: only GET or POST to an absolute http(s) URL is")]
    private static partial void LogInvalid(ILogger logger, string method, string url);
}
