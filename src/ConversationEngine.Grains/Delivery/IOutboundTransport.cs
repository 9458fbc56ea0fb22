namespace ConversationEngine.Delivery;

/// <summary>One message for a transport to send, as the outbox built it.</summary>
public sealed record OutboundMessage
{
    /// <summary>Twilio's limits on <c>ValidityPeriod</c> (error 21624 outside them).</summary>
    public const int MinValidityPeriod = 1;

    /// <inheritdoc cref="MinValidityPeriod"/>
    public const int MaxValidityPeriod = 36000;

    public required string To { get; init; }
    public required string From { get; init; }
    public string? Body { get; init; }
    public IReadOnlyList<string> MediaUrls { get; init; } = [];
    public string? ContentSid { get; init; }
    public string? ContentVariables { get; init; }
    public string? StatusCallback { get; init; }
    public int? ValidityPeriod { get; init; }
}

/// <summary>What a transport answered for one message.</summary>
/// <param name="Sid">The channel message SID (SM…/MM…): status callbacks carry it.</param>
/// <param name="Status">The initial status (queued, accepted…).</param>
/// <param name="ErrorCode">Twilio's error code when the message was created already failed.</param>
public sealed record TransportResult(string Sid, string Status, int? ErrorCode = null);

/// <summary>
/// The transport did not get the message accepted. <see cref="IsRetryable"/> leaves the delivery
/// pending for the next round (timeouts, 408/429/5xx after the client's own retries, no answer);
/// otherwise the delivery fails with <see cref="Code"/> (Twilio's, or 20001 for a request Twilio
/// would refuse for its shape).
/// </summary>
public sealed class TransportException : Exception
{
    public TransportException()
    {
    }

    public TransportException(string message)
        : base(message)
    {
    }

    public TransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TransportException(int? code, int httpStatus, bool isRetryable, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        (Code, HttpStatus, IsRetryable) = (code, httpStatus, isRetryable);
    }

    /// <summary>Twilio's error code, when it sent one.</summary>
    public int? Code { get; }

    /// <summary>The HTTP status of the last answer; 0 when none came.</summary>
    public int HttpStatus { get; }

    public bool IsRetryable { get; }
}

/// <summary>
/// Where outbound messages go: Twilio's Messages API, or the built-in sandbox when no Twilio
/// credentials are configured. Every failure is a <see cref="TransportException"/>.
/// </summary>
public interface IOutboundTransport
{
    /// <summary>
    /// Sends one message. <paramref name="idempotencyKey"/> is the delivery receipt's SID, the same
    /// on every attempt of the same delivery.
    /// </summary>
    Task<TransportResult> SendAsync(OutboundMessage message, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Statuses to apply to a channel message as soon as it is linked to its receipt, as if called
    /// back: none for Twilio (its callbacks come by webhook); sent and delivered for the sandbox.
    /// </summary>
    Task<IReadOnlyList<string>> StatusesAfterLinkAsync(string channelMessageSid, CancellationToken cancellationToken);
}
