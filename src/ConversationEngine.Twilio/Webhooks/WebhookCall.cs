namespace ConversationEngine.Twilio.Webhooks;

/// <summary>One webhook request, as Twilio would send it.</summary>
public sealed record WebhookCall
{
    /// <summary>The largest response body read by default: 64 KiB (TwiML and pre-action JSON are far smaller).</summary>
    public const int DefaultMaxResponseBytes = 64 * 1024;

    /// <summary>An absolute http or https URL, as configured (its query is kept and signed).</summary>
    public required string Url { get; init; }

    /// <summary><c>POST</c> (form body) or <c>GET</c> (parameters appended to the query); any case.</summary>
    public string Method { get; init; } = "POST";

    /// <summary>The parameters in the order they are sent; a name may repeat.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>The auth token the request is signed with (never logged).</summary>
    public required string AuthToken { get; init; }

    /// <summary>Sent as <c>I-Twilio-Idempotency-Token</c> when set: the same for every attempt of one event.</summary>
    public string? IdempotencyToken { get; init; }

    /// <summary>How long the whole exchange may take, response body included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How much of the response body is read; the rest is never read.</summary>
    public int MaxResponseBytes { get; init; } = DefaultMaxResponseBytes;
}

/// <summary>Why a webhook got no HTTP answer.</summary>
public enum WebhookFailure
{
    /// <summary>An HTTP answer came (see <see cref="WebhookOutcome.StatusCode"/>).</summary>
    None,

    /// <summary>No complete answer within the call's timeout.</summary>
    Timeout,

    /// <summary>The connection could not be made or was lost (refused, reset, unreachable).</summary>
    Connection,

    /// <summary>The host name did not resolve.</summary>
    NameResolution,

    /// <summary>The TLS handshake failed (certificate, protocol).</summary>
    Tls,

    /// <summary>The server answered something that is not HTTP.</summary>
    Protocol,

    /// <summary>The URL is not an absolute http or https URL, or the method is neither GET nor POST; nothing was sent.</summary>
    InvalidRequest,
}

/// <summary>What came of a webhook call: an HTTP status, or why there was none.</summary>
public sealed record WebhookOutcome
{
    /// <summary>The HTTP status; null when <see cref="Failure"/> says why there was none.</summary>
    public int? StatusCode { get; init; }

    public WebhookFailure Failure { get; init; }

    /// <summary>The response body as UTF-8 text, at most the call's <see cref="WebhookCall.MaxResponseBytes"/>; empty without one.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>True when the body was longer than the cap and was cut there.</summary>
    public bool BodyTruncated { get; init; }

    /// <summary>The response's <c>Content-Type</c>, verbatim.</summary>
    public string? ContentType { get; init; }

    public TimeSpan Elapsed { get; init; }

    /// <summary>A short description of the failure, without the URL's query or anything sent.</summary>
    public string? Error { get; init; }

    /// <summary>A 2xx answer.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// The receiver is not there or broke: a timeout, a connection, name or TLS failure, a non-HTTP
    /// answer, or a 5xx. A 4xx is the receiver's answer, not a failure of it.
    /// </summary>
    public bool IsUnavailable => Failure is not WebhookFailure.None and not WebhookFailure.InvalidRequest || StatusCode >= 500;
}
