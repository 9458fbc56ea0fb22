namespace ConversationEngine.Conversations;

/// <summary>Conversation states, spelled as on the wire.</summary>
public static class ConversationStates
{
    public const string Initializing = "initializing";
    public const string Active = "active";
    public const string Inactive = "inactive";
    public const string Closed = "closed";

    public static bool IsKnown(string value) =>
        value is Initializing or Active or Inactive or Closed;
}

[GenerateSerializer]
[Alias("ConversationEngine.ConversationSnapshot")]
public sealed record ConversationSnapshot
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string ChatServiceSid { get; init; }
    [Id(2)] public string? MessagingServiceSid { get; init; }
    [Id(3)] public string? FriendlyName { get; init; }
    [Id(4)] public string? UniqueName { get; init; }
    [Id(5)] public required string Attributes { get; init; }
    [Id(6)] public required string State { get; init; }
    [Id(7)] public required DateTimeOffset DateCreated { get; init; }
    [Id(8)] public required DateTimeOffset DateUpdated { get; init; }
    [Id(9)] public DateTimeOffset? DateInactive { get; init; }
    [Id(10)] public DateTimeOffset? DateClosed { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.CreateConversation")]
public sealed record CreateConversation
{
    [Id(0)] public required string ChatServiceSid { get; init; }
    [Id(1)] public string? FriendlyName { get; init; }
    [Id(2)] public string? UniqueName { get; init; }
    [Id(3)] public string? Attributes { get; init; }
    [Id(4)] public string? MessagingServiceSid { get; init; }
    [Id(5)] public string? State { get; init; }
    [Id(6)] public TimeSpan? InactiveTimer { get; init; }
    [Id(7)] public TimeSpan? ClosedTimer { get; init; }
    [Id(8)] public DateTimeOffset? DateCreated { get; init; }
    [Id(9)] public DateTimeOffset? DateUpdated { get; init; }

    /// <summary>
    /// The conversation's SID was reserved by an idempotency key: a conversation already there under
    /// it is this request's own earlier attempt, answered as it is instead of refused.
    /// </summary>
    [Id(10)] public bool Reserved { get; init; }
}

/// <summary>An update; a null member leaves that field as it is.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.UpdateConversation")]
public sealed record UpdateConversation
{
    [Id(0)] public string? FriendlyName { get; init; }
    [Id(1)] public string? UniqueName { get; init; }
    [Id(2)] public string? Attributes { get; init; }
    [Id(3)] public string? MessagingServiceSid { get; init; }
    [Id(4)] public string? State { get; init; }
    [Id(5)] public TimeSpan? InactiveTimer { get; init; }
    [Id(6)] public TimeSpan? ClosedTimer { get; init; }
    [Id(7)] public DateTimeOffset? DateCreated { get; init; }
    [Id(8)] public DateTimeOffset? DateUpdated { get; init; }

    /// <summary>Removes the inactive timer (Twilio's form: an empty <c>Timers.Inactive</c>).</summary>
    [Id(9)] public bool RemoveInactiveTimer { get; init; }

    [Id(10)] public bool RemoveClosedTimer { get; init; }
}

/// <summary>A participant's channel binding: type sms/whatsapp/messenger, as on the wire.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.MessagingBinding")]
public sealed record MessagingBinding
{
    [Id(0)] public required string Type { get; init; }
    [Id(1)] public string? Address { get; init; }
    [Id(2)] public string? ProxyAddress { get; init; }
    [Id(3)] public string? ProjectedAddress { get; init; }

    /// <summary>The key of the system-wide pair index, or null when this binding holds no pair.</summary>
    public string? PairKey => Address is not null && ProxyAddress is not null ? Indexes.IndexKeys.Binding(Address, ProxyAddress) : null;
}

[GenerateSerializer]
[Alias("ConversationEngine.ParticipantSnapshot")]
public sealed record ParticipantSnapshot
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string ConversationSid { get; init; }
    [Id(2)] public string? Identity { get; init; }
    [Id(3)] public required string Attributes { get; init; }
    [Id(4)] public MessagingBinding? MessagingBinding { get; init; }
    [Id(5)] public string? RoleSid { get; init; }
    [Id(6)] public required DateTimeOffset DateCreated { get; init; }
    [Id(7)] public required DateTimeOffset DateUpdated { get; init; }
    [Id(8)] public long? LastReadMessageIndex { get; init; }
    [Id(9)] public DateTimeOffset? LastReadTimestamp { get; init; }
    [Id(10)] public required string ChatServiceSid { get; init; }

    /// <summary>The user conversation's notification level (<c>muted</c>); null is Twilio's <c>default</c>.</summary>
    [Id(11)] public string? NotificationLevel { get; init; }

    public bool IsChat => MessagingBinding is null || (MessagingBinding.Address is null && Identity is not null);
}

[GenerateSerializer]
[Alias("ConversationEngine.AddParticipant")]
public sealed record AddParticipant
{
    [Id(0)] public string? Identity { get; init; }
    [Id(1)] public string? Address { get; init; }
    [Id(2)] public string? ProxyAddress { get; init; }
    [Id(3)] public string? ProjectedAddress { get; init; }
    [Id(4)] public string? Attributes { get; init; }
    [Id(5)] public string? RoleSid { get; init; }
    [Id(6)] public DateTimeOffset? DateCreated { get; init; }
    [Id(7)] public DateTimeOffset? DateUpdated { get; init; }

    /// <summary>
    /// The SID an idempotency key reserved for it: a participant already there under it is this
    /// request's own earlier attempt, answered as it is.
    /// </summary>
    [Id(8)] public string? Sid { get; init; }
}

/// <summary>
/// A participant update; a null member leaves that field as it is. For the proxy and projected
/// addresses Twilio's literal <c>null</c> removes the value.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.UpdateParticipant")]
public sealed record UpdateParticipant
{
    [Id(0)] public string? Identity { get; init; }
    [Id(1)] public string? ProxyAddress { get; init; }
    [Id(2)] public string? ProjectedAddress { get; init; }
    [Id(3)] public string? Attributes { get; init; }
    [Id(4)] public string? RoleSid { get; init; }
    [Id(5)] public DateTimeOffset? DateCreated { get; init; }
    [Id(6)] public DateTimeOffset? DateUpdated { get; init; }
    [Id(7)] public long? LastReadMessageIndex { get; init; }
    [Id(8)] public DateTimeOffset? LastReadTimestamp { get; init; }

    /// <summary><c>default</c> or <c>muted</c>, as a User Conversation update sets it.</summary>
    [Id(9)] public string? NotificationLevel { get; init; }
}

/// <summary>
/// A participant with its conversation and the number of messages past its read horizon, read
/// together in one turn of the conversation, so a message being added is in both or in neither.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.ParticipantReadState")]
public sealed record ParticipantReadState
{
    [Id(0)] public required ConversationSnapshot Conversation { get; init; }
    [Id(1)] public required ParticipantSnapshot Participant { get; init; }
    [Id(2)] public required long UnreadMessagesCount { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.MediaItem")]
public sealed record MediaItem
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public long Size { get; init; }
    [Id(2)] public string? ContentType { get; init; }
    [Id(3)] public string? Filename { get; init; }

    /// <summary>
    /// Where the content is, for media that arrived by URL before inbound media were fetched into
    /// the store (messages recorded by earlier versions); null for stored items.
    /// </summary>
    [Id(4)] public string? Url { get; init; }

    /// <summary>
    /// For an inbound item fetched into the store: Twilio's URL it came from. With it the item
    /// carries what its record needs, which is created when the message is attached to its
    /// conversation (only then is the conversation service known).
    /// </summary>
    [Id(5)] public string? SourceUrl { get; init; }

    /// <summary>For an inbound item that could not be fetched: 11200 (retrieval failed) or 50512 (too large).</summary>
    [Id(6)] public int? ErrorCode { get; init; }

    /// <summary>What went wrong fetching it, for operators.</summary>
    [Id(7)] public string? ErrorMessage { get; init; }

    /// <summary>In the media store, with a record (not a legacy URL-only item).</summary>
    public bool IsStored => Url is null;

    /// <summary>Stored with its content (not an inbound item whose fetch failed).</summary>
    public bool HasContent => IsStored && ErrorCode is null;
}

[GenerateSerializer]
[Alias("ConversationEngine.MessageSnapshot")]
public sealed record MessageSnapshot
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string ConversationSid { get; init; }
    [Id(2)] public required long Index { get; init; }
    [Id(3)] public required string Author { get; init; }
    [Id(4)] public string? Body { get; init; }
    [Id(5)] public IReadOnlyList<MediaItem>? Media { get; init; }
    [Id(6)] public required string Attributes { get; init; }
    [Id(7)] public string? ParticipantSid { get; init; }
    [Id(8)] public required DateTimeOffset DateCreated { get; init; }
    [Id(9)] public required DateTimeOffset DateUpdated { get; init; }
    [Id(10)] public string? ContentSid { get; init; }
    [Id(11)] public required string ChatServiceSid { get; init; }

    /// <summary>The channel message it came in as (inbound SM…/MM…), for de-duplication.</summary>
    [Id(12)] public string? SourceSid { get; init; }

    /// <summary>
    /// Receipts stored on the page by earlier versions, read only: receipts now live with the
    /// message's outbox (<see cref="Delivery.IMessageDeliveryGrain"/>) and are read from there.
    /// </summary>
    [Id(13)] public IReadOnlyList<Delivery.DeliveryReceipt> LegacyReceipts { get; init; } = [];

    /// <summary>How many channel deliveries were ordered for it (its outbox exists when non-zero).</summary>
    [Id(14)] public int Deliveries { get; init; }

    /// <summary>The subject given on create or update (email channel); Twilio's message JSON has no field for it.</summary>
    [Id(15)] public string? Subject { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.AddMessage")]
public sealed record AddMessage
{
    [Id(0)] public string? Author { get; init; }
    [Id(1)] public string? Body { get; init; }
    [Id(2)] public string? Attributes { get; init; }
    [Id(3)] public IReadOnlyList<string>? MediaSids { get; init; }
    [Id(4)] public string? ContentSid { get; init; }
    [Id(5)] public string? ContentVariables { get; init; }
    [Id(6)] public DateTimeOffset? DateCreated { get; init; }
    [Id(7)] public DateTimeOffset? DateUpdated { get; init; }
    [Id(8)] public string? Subject { get; init; }

    /// <summary>Media of an inbound message: fetched into the store (their records are created on attaching), or legacy URL-only items.</summary>
    [Id(9)] public IReadOnlyList<MediaItem>? MediaItems { get; init; }

    /// <summary>
    /// The channel message this one came in as: appending it again returns the message already
    /// appended instead of a second one.
    /// </summary>
    [Id(10)] public string? SourceSid { get; init; }

    /// <summary>
    /// 32 hex digits an idempotency key reserved for it: the message SID's random part comes from
    /// them, and a recent message with that part is this request's own earlier attempt.
    /// </summary>
    [Id(11)] public string? Reservation { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.UpdateMessage")]
public sealed record UpdateMessage
{
    [Id(0)] public string? Author { get; init; }
    [Id(1)] public string? Body { get; init; }
    [Id(2)] public string? Attributes { get; init; }
    [Id(3)] public DateTimeOffset? DateCreated { get; init; }
    [Id(4)] public DateTimeOffset? DateUpdated { get; init; }
    [Id(5)] public string? Subject { get; init; }
}

