namespace ConversationEngine.Conversations;

[GenerateSerializer]
[Alias("ConversationEngine.ConversationGrainState")]
public sealed class ConversationGrainState
{
    /// <summary>The header as last written; its due dates are derived, not stored.</summary>
    [Id(0)] public ConversationSnapshot? Header { get; set; }
    [Id(1)] public List<ParticipantSnapshot> Participants { get; set; } = [];

    /// <summary>
    /// A lower bound of the next message index. Appends do not write it (the page is the record);
    /// activation moves it past the highest index the pages hold.
    /// </summary>
    [Id(2)] public long NextMessageIndex { get; set; }

    /// <summary>
    /// The conversation's slot in its service's directory, set on create. No initializer other
    /// than the default: Orleans' serializer does not store a field equal to its type's default,
    /// so an initial -1 turned a stored slot 0 back into -1.
    /// </summary>
    [Id(3)] public long DirectoryPosition { get; set; }
    [Id(4)] public TimeSpan? InactiveTimer { get; set; }
    [Id(5)] public TimeSpan? ClosedTimer { get; set; }

    /// <summary>
    /// When the timers last restarted. Appends do not write it either: activation takes the later
    /// of this and the last message's time.
    /// </summary>
    [Id(6)] public DateTimeOffset LastActivity { get; set; }

    /// <summary>
    /// Where the messages are: <see cref="LogFormats.Pages"/> (0, earlier versions' page grains,
    /// and the default a stored 0 reads back as) or <see cref="LogFormats.Table"/>.
    /// </summary>
    [Id(7)] public int LogFormat { get; set; }

    /// <summary>
    /// Events of changes this state carries, written with it (so a change is never stored
    /// without its event) and moved into the feed right after; a later write drops them.
    /// </summary>
    [Id(8)] public List<Events.ConversationEvent> PendingEvents { get; set; } = [];

    /// <summary>
    /// Participant-conversation index entries to add or drop for the participant changes this
    /// state carries, written with it and applied right after (again on the next activation
    /// should that fail); a later write drops them.
    /// </summary>
    [Id(9)] public List<ParticipantIndexChange> PendingIndexChanges { get; set; } = [];

    /// <summary>
    /// A ConversationWithParticipants that failed part-way and was closed: a retry of it (the same
    /// idempotency key, so the same SID) answers with the same failure, never with the closed conversation.
    /// </summary>
    [Id(10)] public bool CreationFailed { get; set; }

    /// <summary>
    /// A message stored with the change it records (a transfer's system message), appended to the
    /// log right after the write and again on the next activation should that fail; once the log
    /// holds it (its index is below the log's end) it is done, and a later write drops it.
    /// </summary>
    [Id(11)] public MessageSnapshot? PendingMessage { get; set; }
}

/// <summary>One entry of an identity's or address's conversation index to add, or to drop.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ParticipantIndexChange")]
public sealed record ParticipantIndexChange
{
    /// <summary>The index's key (<see cref="Indexes.IndexKeys.ParticipantIdentity"/> or <see cref="Indexes.IndexKeys.ParticipantAddress"/>).</summary>
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required string ParticipantSid { get; init; }
    [Id(2)] public bool Removed { get; init; }
}

public static class LogFormats
{
    public const int Pages = 0;
    public const int Table = 1;
}
