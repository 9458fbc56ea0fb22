using System.Text.Json;

namespace ConversationEngine.Twilio.Messages;

/// <summary>
/// Twilio did not create the message: it refused (4xx), failed (5xx) after every retry, gave no
/// answer in time, could not be reached, or gave a success answer that could not be read.
/// Carries Twilio's error body (<c>{"code", "message", "more_info", "status"}</c>) when it sent one.
/// </summary>
public sealed class TwilioApiException : Exception
{
    /// <summary><see cref="HttpStatus"/> when no HTTP answer arrived (timeout or transport failure).</summary>
    public const int NoAnswer = 0;

    public TwilioApiException()
    {
    }

    public TwilioApiException(string message)
        : base(message)
    {
    }

    public TwilioApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A failure with Twilio's answer, or with <paramref name="httpStatus"/> <see cref="NoAnswer"/>.</summary>
    public TwilioApiException(int httpStatus, int? code, string message, string? moreInfo = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        HttpStatus = httpStatus;
        Code = code;
        MoreInfo = moreInfo;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status of Twilio's last answer; <see cref="NoAnswer"/> (0) when there was none.</summary>
    public int HttpStatus { get; }

    /// <summary>Twilio's error code (e.g. 21211 for an invalid 'To' number), when its body carried one.</summary>
    public int? Code { get; }

    /// <summary>The documentation link Twilio gave for <see cref="Code"/>.</summary>
    public string? MoreInfo { get; }

    /// <summary>How long Twilio asked the caller to wait, from its last answer's <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// True when sending the same request later may succeed: 408, 429, 5xx, or no answer at all.
    /// Other 4xx answers are final. A retry after no answer or a 5xx may duplicate the message.
    /// </summary>
    public bool IsRetryable => IsRetryableStatus(HttpStatus);

    internal static bool IsRetryableStatus(int status) =>
        status is NoAnswer or 408 or 429 or >= 500;

    /// <summary>Builds the exception from a non-2xx answer, reading Twilio's error body if it is one.</summary>
    internal static TwilioApiException FromAnswer(int httpStatus, string? reason, byte[] body, TimeSpan? retryAfter)
    {
        int? code = null;
        string? message = null;
        string? moreInfo = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                code = OutboundMessageResult.Int(root, "code");
                message = Text(root, "message");
                moreInfo = Text(root, "more_info");
            }
        }
        catch (JsonException)
        {
            // Not Twilio's error body (a proxy's HTML page, an empty 503): the status alone speaks.
        }

        // Twilio's own text, verbatim, so callers can pass it on; the numbers are in the properties.
        message ??= $"Twilio answered {httpStatus} {reason}".TrimEnd();
        return new TwilioApiException(httpStatus, code, message, moreInfo, retryAfter);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
