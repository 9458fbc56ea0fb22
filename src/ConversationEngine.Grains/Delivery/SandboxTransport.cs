using Microsoft.Extensions.Options;

namespace ConversationEngine.Delivery;

/// <summary>
/// The embedded default without a Twilio account: records each message in the sandbox outbox
/// (<c>GET /engine/v1/Sandbox/Messages</c>) and reports it sent, then delivered, as the outbox
/// applies Twilio's callbacks.
/// </summary>
public sealed class SandboxTransport(IGrainFactory grains, TimeProvider time, IOptions<DeliveryOptions> options) : IOutboundTransport
{
    public async Task<TransportResult> SendAsync(OutboundMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        TwilioTransport.Validate(message);

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
