using ConversationEngine.Twilio.Messages;

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

/// <summary>Twilio's Messages API through the typed, resilient client; statuses come back by webhook.</summary>
public sealed class TwilioTransport(ITwilioMessagesClient client) : IOutboundTransport
{
    public async Task<TransportResult> SendAsync(OutboundMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var created = await client.SendAsync(ToRequest(message), cancellationToken);
            return new TransportResult(created.Sid, created.Status, created.ErrorCode);
        }
        catch (TwilioApiException error)
        {
            throw new TransportException(error.Code, error.HttpStatus, error.IsRetryable, error.Message, error);
        }
        catch (ArgumentException error)
        {
            throw new TransportException(Errors.InvalidParameter, 0, false, error.Message, error);
        }
        catch (InvalidOperationException error)
        {
            throw new TransportException(null, 0, true, error.Message, error);
        }
    }

    public Task<IReadOnlyList<string>> StatusesAfterLinkAsync(string channelMessageSid, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    internal static OutboundMessageRequest ToRequest(OutboundMessage message) => new()
    {
        To = message.To,
        From = message.From,
        Body = message.Body,
        MediaUrls = message.MediaUrls,
        ContentSid = message.ContentSid,
        ContentVariables = message.ContentVariables,
        StatusCallback = message.StatusCallback,
        ValidityPeriod = message.ValidityPeriod,
    };
}

/// <summary>
/// The embedded default without a Twilio account: records each message in the sandbox outbox
/// (<c>GET /engine/v1/Sandbox/Messages</c>) and reports it sent, then delivered, as the outbox
/// applies Twilio's callbacks.
/// </summary>
public sealed class SandboxTransport(IGrainFactory grains, TimeProvider time, Microsoft.Extensions.Options.IOptions<DeliveryOptions> options) : IOutboundTransport
{
    public async Task<TransportResult> SendAsync(OutboundMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            TwilioTransport.ToRequest(message).Validate();
        }
        catch (ArgumentException error)
        {
            throw new TransportException(Errors.InvalidParameter, 0, false, error.Message, error);
        }

        var segments = message.Body is { } body && message.MediaUrls.Count == 0 && !message.To.Contains(':', StringComparison.Ordinal)
            ? Rules.SmsEncoding.Encode(body, smartEncoding: false).Segments
            : 1;
        var recorded = await Outbox().RecordAsync(new SandboxMessage
        {
            Sid = Sids.New(message.MediaUrls.Count > 0 ? "MM" : "SM"),
            To = message.To,
            From = message.From,
            Body = message.Body,
            MediaUrls = message.MediaUrls,
            ContentSid = message.ContentSid,
            IdempotencyKey = idempotencyKey,
            DateCreated = time.GetUtcNow(),
            Segments = segments,
        });
        return new TransportResult(recorded.Sid, "queued");
    }

    public Task<IReadOnlyList<string>> StatusesAfterLinkAsync(string channelMessageSid, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(["sent", "delivered"]);

    private ISandboxOutboxGrain Outbox() => grains.GetGrain<ISandboxOutboxGrain>(options.Value.AccountSid ?? "sandbox");
}
