using ConversationEngine.Rules;

namespace ConversationEngine.Conversations;

/// <summary>What the conversation list keeps of a conversation: its header as last stored and its timers.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ListedConversation")]
public sealed record ListedConversation
{
    [Id(0)] public required ConversationSnapshot Header { get; init; }
    [Id(1)] public TimeSpan? InactiveTimer { get; init; }
    [Id(2)] public TimeSpan? ClosedTimer { get; init; }

    /// <summary>
    /// When the timers last restarted. The list also keeps it in a column of its own, which wins
    /// on reading: an append to a conversation with timers rewrites that column only.
    /// </summary>
    [Id(3)] public DateTimeOffset LastActivity { get; init; }

    public bool HasTimers => InactiveTimer is not null || ClosedTimer is not null;

    /// <summary>The conversation as a client should see it at <paramref name="now"/> (timers already due applied).</summary>
    public ConversationSnapshot Project(DateTimeOffset now) =>
        ConversationLifecycle.Project(Header, new ConversationTimers(InactiveTimer, ClosedTimer, LastActivity), now);

    /// <summary>Equal as far as a list reader can tell: activity counts only with timers, and to the second.</summary>
    public bool SameAs(ListedConversation? other) =>
        other is not null && other.Header == Header && other.InactiveTimer == InactiveTimer && other.ClosedTimer == ClosedTimer
        && (!HasTimers || other.LastActivity.ToUnixTimeSeconds() == LastActivity.ToUnixTimeSeconds());
}

/// <summary>
/// The conversation list of every service: one entry per conversation, written by the
/// conversation itself after it stores a change, read by <see cref="ConversationListGrain"/>
/// without activating anyone. Entries are in creation order; a position is never handed out twice.
/// </summary>
public interface IConversationIndex
{
    /// <summary>Adds the conversation at the end of its service's list, or replaces its entry where it stands.</summary>
    Task PutAsync(ListedConversation conversation);

    /// <summary>Moves the entry's last activity forward (never back).</summary>
    Task TouchAsync(string conversationSid, DateTimeOffset lastActivity);

    Task RemoveAsync(string conversationSid);

    Task<ListedConversation?> GetAsync(string conversationSid);

    /// <summary>
    /// Entries of the query's service matching its filters on stored fields, from position
    /// <paramref name="start"/> (inclusive) in the given order, at most <paramref name="max"/>.
    /// </summary>
    Task<IReadOnlyList<(long Position, ListedConversation Conversation)>> ListAsync(ConversationQuery query, long start, bool descending, int max);
}
