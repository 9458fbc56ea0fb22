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

/// <summary>
/// A message Twilio sent for us, keyed by its channel message SID (SM…/MM…/WA…): which receipt it
/// feeds, so status callbacks find their conversation message.
/// </summary>
[Alias("ConversationEngine.IChannelMessageGrain")]
public interface IChannelMessageGrain : IGrainWithStringKey
{
    /// <summary>Links this channel message to its receipt (the sending side calls it).</summary>
    [Alias("Link")]
    Task LinkAsync(DeliveryReceipt receipt);

    /// <summary>Applies a status callback; a status older than the current one changes nothing.</summary>
    [Alias("ApplyStatus")]
    Task<DeliveryReceipt?> ApplyStatusAsync(string status, int? errorCode);

    [ReadOnly]
    [Alias("Get")]
    Task<DeliveryReceipt?> GetAsync();
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
