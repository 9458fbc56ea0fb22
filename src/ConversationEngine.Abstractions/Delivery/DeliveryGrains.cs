using Orleans.Concurrency;

namespace ConversationEngine.Delivery;

/// <summary>
/// The delivery of one conversation message to one non-chat participant, as the message's
/// delivery receipt (DY…). <see cref="Status"/> is Twilio's message status, lower-case.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.DeliveryReceipt")]
public sealed record DeliveryReceipt
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string ConversationSid { get; init; }
    [Id(2)] public required string MessageSid { get; init; }
    [Id(3)] public required long MessageIndex { get; init; }
    [Id(4)] public required string ParticipantSid { get; init; }
    [Id(5)] public string? ChannelMessageSid { get; init; }
    [Id(6)] public string? Status { get; init; }
    [Id(7)] public int? ErrorCode { get; init; }
    [Id(8)] public required DateTimeOffset DateCreated { get; init; }
    [Id(9)] public required DateTimeOffset DateUpdated { get; init; }
}

/// <summary>Which outbox delivery a channel message belongs to.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ChannelMessageLink")]
public sealed record ChannelMessageLink
{
    /// <summary>The outbox key (<c>CH…/IM…</c>).</summary>
    [Id(0)] public required string Outbox { get; init; }
    [Id(1)] public required string ReceiptSid { get; init; }
}

/// <summary>A status Twilio reported for a channel message.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ChannelStatus")]
public sealed record ChannelStatus
{
    [Id(0)] public required string Status { get; init; }
    [Id(1)] public int? ErrorCode { get; init; }
}

/// <summary>
/// A message Twilio sent for us, keyed by its channel message SID (SM…/MM…/WA…): which outbox
/// delivery it belongs to, so status callbacks find their receipt. It holds a status only while
/// none can be applied yet (a callback that overtook Twilio's own answer to the send). It calls
/// nobody: the outbox links it, and the status path asks it, then applies the status to the outbox.
/// </summary>
[Alias("ConversationEngine.IChannelMessageGrain")]
public interface IChannelMessageGrain : IGrainWithStringKey
{
    /// <summary>
    /// Links this channel message to its delivery; returns the best status that arrived before
    /// the link, for the outbox to apply.
    /// </summary>
    [Alias("Link")]
    Task<ChannelStatus?> LinkAsync(ChannelMessageLink link);

    /// <summary>
    /// Where a status for this channel message goes; when it is not linked yet, the status is
    /// kept for the link instead (if it ranks above one kept before) and null is returned.
    /// </summary>
    [Alias("Route")]
    Task<ChannelMessageLink?> RouteAsync(ChannelStatus status);

    [ReadOnly]
    [Alias("Get")]
    Task<ChannelMessageLink?> GetAsync();
}

/// <summary>Twilio's message statuses in the order a delivery moves through them.</summary>
public static class DeliveryStatuses
{
    /// <summary>
    /// The rank of a status: a callback only ever moves a receipt to a higher rank, so
    /// out-of-order callbacks never move it back. Failure ranks below delivered (a late
    /// "delivered" is the truth), read is last.
    /// </summary>
    public static int Rank(string? status) => status switch
    {
        null => 0,
        "accepted" or "scheduled" or "queued" => 1,
        "sending" => 2,
        "sent" => 3,
        "failed" or "undelivered" or "canceled" => 4,
        "delivered" => 5,
        "read" => 6,
        _ => 0,
    };

    /// <summary>The receipt status Conversations reports (sent, delivered, read, failed, undelivered) or null.</summary>
    public static string? ForReceipt(string? status) => status switch
    {
        "sent" or "delivered" or "read" or "failed" or "undelivered" => status,
        "canceled" => "failed",
        _ => null,
    };
}
