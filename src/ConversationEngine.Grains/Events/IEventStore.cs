namespace ConversationEngine.Events;

/// <summary>
/// The conversations' event feeds (the <c>EngineEvents</c> table). Sequence numbers are handed
/// out by the conversation; the store keeps each once (an event again, or a second one with the
/// same dedupe key, changes nothing). A number handed out for a change that failed is never
/// written: readers see a hole and, once it is old enough, pass over it.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Stores the events; one already there (the same event again, or its dedupe key seen) is
    /// skipped. Returns those whose sequence another event holds: nothing of them was written.
    /// </summary>
    Task<IReadOnlyList<ConversationEvent>> AppendAsync(IReadOnlyList<ConversationEvent> events);

    /// <summary>Events with a sequence above <paramref name="after"/>, in order, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ConversationEvent>> ReadAsync(string conversationSid, long after, int max);

    /// <summary>The highest sequence stored for the conversation, or 0.</summary>
    Task<long> HighestAsync(string conversationSid);

    /// <summary>Conversations with events recorded since <paramref name="since"/>, with their highest sequence (a starting silo resumes their queues).</summary>
    Task<IReadOnlyList<(string ConversationSid, long Highest)>> RecentAsync(DateTimeOffset since, int max);
}
