using ConversationEngine.Events;

namespace ConversationEngine.Conversations;

/// <summary>
/// Where a conversation's messages are kept, by index. An append is durable when it returns; the
/// conversation hands out indexes, so the store only has to refuse an index already used by
/// another message. A removed message's index stays used.
/// </summary>
public interface IMessageLogStore
{
    /// <summary>
    /// Stores the message at its index, with its event in the same transaction where the store
    /// can; the same message again is a no-op, another one there an error.
    /// </summary>
    Task AppendAsync(MessageSnapshot message, ConversationEvent? added = null);

    Task<MessageSnapshot?> GetAsync(string conversationSid, long index);

    /// <summary>Stored messages with index in [first, last] in the given order, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<MessageSnapshot>> RangeAsync(string conversationSid, long first, long last, bool descending, int max);

    /// <summary>
    /// The highest index ever stored (removed or not), or -1. <paramref name="known"/> is one the
    /// caller knows is used (or -1): a store may start looking there.
    /// </summary>
    Task<long> HighestIndexAsync(string conversationSid, long known);

    /// <summary>Replaces a stored message (with its event); not found when its index holds no message with its SID.</summary>
    Task ReplaceAsync(MessageSnapshot message, ConversationEvent? change = null);

    /// <summary>Removes the message at the index (with its event); its index stays used.</summary>
    Task RemoveAsync(string conversationSid, long index, ConversationEvent? change = null);

    /// <summary>Forgets the conversation's log entirely.</summary>
    Task ClearAsync(string conversationSid);
}
