using ConversationEngine.Twilio.Messages;

namespace ConversationEngine.Delivery;

/// <summary>What a transport answered for one message.</summary>
/// <param name="Sid">The channel message SID (SM…/MM…): status callbacks carry it.</param>
/// <param name="Status">The initial status (queued, accepted…).</param>
/// <param name="ErrorCode">Twilio's error code when the message was created already failed.</param>
public sealed record TransportResult(string Sid, string Status, int? ErrorCode = null);

/// <summary>
/// Where outbound messages go: Twilio's Messages API, or the built-in sandbox when no Twilio
/// credentials are configured. Failures are <see cref="TwilioApiException"/>s: retryable ones
/// leave the delivery pending, the others fail it with Twilio's code.
/// </summary>
public interface IOutboundTransport
{
    /// <summary>
    /// Sends one message. <paramref name="idempotencyKey"/> is the delivery receipt's SID, the same
    /// on every attempt of the same delivery.
    /// </summary>
    Task<TransportResult> SendAsync(OutboundMessageRequest request, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Called once the channel message is linked to its receipt, so early statuses find it.</summary>
    Task AfterLinkedAsync(TransportResult result, CancellationToken cancellationToken);
}

/// <summary>Twilio's Messages API through the typed, resilient client; statuses come back by webhook.</summary>
public sealed class TwilioTransport(ITwilioMessagesClient client) : IOutboundTransport
{
    public async Task<TransportResult> SendAsync(OutboundMessageRequest request, string idempotencyKey, CancellationToken cancellationToken)
    {
        var created = await client.SendAsync(request, cancellationToken);
        return new TransportResult(created.Sid, created.Status, created.ErrorCode);
    }

    public Task AfterLinkedAsync(TransportResult result, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// The embedded default without a Twilio account: records each message in the sandbox outbox
/// (<c>GET /engine/v1/Sandbox/Messages</c>) and reports it sent, then delivered, through the same
/// channel-message status path a Twilio status callback takes.
/// </summary>
public sealed class SandboxTransport(IGrainFactory grains, TimeProvider time, Microsoft.Extensions.Options.IOptions<DeliveryOptions> options) : IOutboundTransport
{
    public async Task<TransportResult> SendAsync(OutboundMessageRequest request, string idempotencyKey, CancellationToken cancellationToken)
    {
        request.Validate();
        var segments = request.Body is { } body && request.MediaUrls.Count == 0 && !request.To.Contains(':', StringComparison.Ordinal)
            ? Rules.SmsEncoding.Encode(body, smartEncoding: false).Segments
            : 1;
        var recorded = await Outbox().RecordAsync(new SandboxMessage
        {
            Sid = Sids.New(request.MediaUrls.Count > 0 ? "MM" : "SM"),
            To = request.To,
            From = request.From,
            MessagingServiceSid = request.MessagingServiceSid,
            Body = request.Body,
            MediaUrls = request.MediaUrls,
            ContentSid = request.ContentSid,
            IdempotencyKey = idempotencyKey,
            DateCreated = time.GetUtcNow(),
            Segments = segments,
        });
        return new TransportResult(recorded.Sid, request.MessagingServiceSid is null ? "queued" : "accepted");
    }

    public async Task AfterLinkedAsync(TransportResult result, CancellationToken cancellationToken)
    {
        var message = grains.GetGrain<IChannelMessageGrain>(result.Sid);
        await message.ApplyStatusAsync("sent", null);
        await message.ApplyStatusAsync("delivered", null);
    }

    private ISandboxOutboxGrain Outbox() => grains.GetGrain<ISandboxOutboxGrain>(options.Value.AccountSid ?? "sandbox");
}
