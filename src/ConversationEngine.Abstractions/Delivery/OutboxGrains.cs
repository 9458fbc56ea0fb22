using Orleans.Concurrency;

namespace ConversationEngine.Delivery;

/// <summary>One recipient of a conversation message: a non-chat participant other than its author.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.DeliveryTarget")]
public sealed record DeliveryTarget
{
    [Id(0)] public required string ParticipantSid { get; init; }

    /// <summary>The receipt (DY…) this delivery reports through.</summary>
    [Id(1)] public required string ReceiptSid { get; init; }

    /// <summary>sms, whatsapp or messenger, as the participant's binding type.</summary>
    [Id(2)] public required string Channel { get; init; }

    /// <summary>The participant's channel address, as Twilio's <c>To</c> (<c>+1…</c>, <c>whatsapp:+1…</c>).</summary>
    [Id(3)] public required string To { get; init; }

    /// <summary>The participant's proxy address (its binding's sender), or null for an address-only participant.</summary>
    [Id(4)] public string? From { get; init; }
}

/// <summary>What a conversation hands its outbox for one message: the content and every recipient.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.DeliveryOrder")]
public sealed record DeliveryOrder
{
    [Id(0)] public required string ConversationSid { get; init; }
    [Id(1)] public required string MessageSid { get; init; }
    [Id(2)] public required long MessageIndex { get; init; }
    [Id(3)] public string? Body { get; init; }
    [Id(4)] public IReadOnlyList<string> MediaUrls { get; init; } = [];
    [Id(5)] public string? ContentSid { get; init; }
    [Id(6)] public string? ContentVariables { get; init; }

    /// <summary>The conversation's sender pool (MG…), if it has one.</summary>
    [Id(7)] public string? MessagingServiceSid { get; init; }
    [Id(8)] public required IReadOnlyList<DeliveryTarget> Targets { get; init; }
    [Id(9)] public required DateTimeOffset DateCreated { get; init; }

    /// <summary>Stored media (ME…), handed to Twilio as signed URLs made at each attempt.</summary>
    [Id(10)] public IReadOnlyList<string> MediaSids { get; init; } = [];

    public bool HasMedia => MediaUrls.Count > 0 || MediaSids.Count > 0;
}

/// <summary>Where one recipient's delivery stands.</summary>
public static class DeliveryStates
{
    /// <summary>Recorded, not yet handed to Twilio (or handed over without an answer that counted).</summary>
    public const string Pending = "pending";

    /// <summary>Twilio accepted it: its status callbacks move the receipt on from here.</summary>
    public const string Submitted = "submitted";

    /// <summary>Refused for good (opt-out, window closed, Twilio's 4xx, validity expired): the receipt says why.</summary>
    public const string Failed = "failed";
}

/// <summary>One recipient's delivery as the outbox records it.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.DeliveryRecord")]
public sealed record DeliveryRecord
{
    [Id(0)] public required DeliveryTarget Target { get; init; }
    [Id(1)] public required string State { get; init; }

    /// <summary>The sender it went (or goes) out from; null while none is chosen.</summary>
    [Id(2)] public string? From { get; init; }

    /// <summary>The Messaging Service whose pool chose <see cref="From"/> (a recipient without a proxy address).</summary>
    [Id(3)] public string? MessagingServiceSid { get; init; }
    [Id(4)] public string? ChannelMessageSid { get; init; }

    /// <summary>gsm7 or ucs2 for SMS text; null for other channels.</summary>
    [Id(5)] public string? Encoding { get; init; }
    [Id(6)] public int Segments { get; init; }
    [Id(7)] public int Attempts { get; init; }
    [Id(8)] public int? ErrorCode { get; init; }
    [Id(9)] public string? ErrorMessage { get; init; }
    [Id(10)] public DateTimeOffset? DateSubmitted { get; init; }

    /// <summary>The body as sent (after Smart Encoding).</summary>
    [Id(11)] public string? SentBody { get; init; }

    /// <summary>The delivery receipt as Twilio's callbacks (or a final refusal) have moved it; null while nothing is known.</summary>
    [Id(12)] public DeliveryReceipt? Receipt { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.DeliverySnapshot")]
public sealed record DeliverySnapshot
{
    [Id(0)] public required DeliveryOrder Order { get; init; }
    [Id(1)] public required IReadOnlyList<DeliveryRecord> Records { get; init; }
}

/// <summary>
/// The outbox of one conversation message, keyed <c>CH…/IM…</c>: every recipient's delivery is
/// recorded here before the conversation answers, and driven from here (a durable reminder
/// resumes it after a crash) until Twilio has accepted or finally refused each one.
/// </summary>
[Alias("ConversationEngine.IMessageDeliveryGrain")]
public interface IMessageDeliveryGrain : IGrainWithStringKey
{
    /// <summary>Records the order durably. Recording the same order again changes nothing.</summary>
    [Alias("Record")]
    Task RecordAsync(DeliveryOrder order);

    /// <summary>The message is in the conversation's log: start sending now.</summary>
    [Alias("Start")]
    Task StartAsync();

    /// <summary>
    /// The order and every recipient's record, receipts included. Interleaved (it only reads
    /// memory) so that a client reading receipts never waits for a send round paced by a throttle.
    /// </summary>
    [AlwaysInterleave]
    [Alias("Get")]
    Task<DeliverySnapshot?> GetAsync();

    /// <summary>
    /// Moves a receipt on with a status Twilio reported; a status that ranks below the current one
    /// changes nothing. Returns the receipt (null: no such receipt here). Interleaved so that
    /// callbacks are not held up by a send round paced by a throttle; the grain's writes are
    /// serialised inside it.
    /// </summary>
    [AlwaysInterleave]
    [Alias("ApplyStatus")]
    Task<DeliveryReceipt?> ApplyStatusAsync(string receiptSid, ChannelStatus status);

    /// <summary>
    /// The message or its conversation was deleted: stops what is still pending (at once, even
    /// mid-send, hence interleaved) and removes the record.
    /// </summary>
    [AlwaysInterleave]
    [Alias("Forget")]
    Task ForgetAsync();
}

public static class DeliveryKeys
{
    public static string Outbox(string conversationSid, string messageSid) => conversationSid + "/" + messageSid;
}

/// <summary>
/// The pace of one sender (keyed by its address as sent, e.g. <c>+15017122661</c> or
/// <c>whatsapp:+15017122661</c>): one activation in the cluster, so its rate holds across silos.
/// </summary>
[Alias("ConversationEngine.ISenderThrottleGrain")]
public interface ISenderThrottleGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves the next slot for <paramref name="segments"/> segments and returns how long the
    /// caller must wait before sending (zero when the sender is idle). Answers at once, from
    /// memory, calling nothing: interleaving it lets many outboxes reserve without queuing.
    /// </summary>
    [AlwaysInterleave]
    [Alias("Reserve")]
    Task<TimeSpan> ReserveAsync(int segments);

    /// <summary>Messages (segments) per second; read from memory, so interleaved like <see cref="ReserveAsync"/>.</summary>
    [AlwaysInterleave]
    [Alias("GetRate")]
    Task<double> GetRateAsync();
}

/// <summary>A message the built-in sandbox transport took instead of Twilio.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.SandboxMessage")]
public sealed record SandboxMessage
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string To { get; init; }
    [Id(2)] public string? From { get; init; }
    [Id(3)] public string? MessagingServiceSid { get; init; }
    [Id(4)] public string? Body { get; init; }
    [Id(5)] public IReadOnlyList<string> MediaUrls { get; init; } = [];
    [Id(6)] public string? ContentSid { get; init; }
    [Id(7)] public required string IdempotencyKey { get; init; }
    [Id(8)] public required DateTimeOffset DateCreated { get; init; }
    [Id(9)] public int Segments { get; init; }
}

/// <summary>The sandbox's record of what it "sent", keyed by account SID.</summary>
[Alias("ConversationEngine.ISandboxOutboxGrain")]
public interface ISandboxOutboxGrain : IGrainWithStringKey
{
    /// <summary>Records the message; the same idempotency key again returns the first record.</summary>
    [Alias("Record")]
    Task<SandboxMessage> RecordAsync(SandboxMessage message);

    [ReadOnly]
    [Alias("List")]
    Task<Page<SandboxMessage>> ListAsync(long start, int max);
}
