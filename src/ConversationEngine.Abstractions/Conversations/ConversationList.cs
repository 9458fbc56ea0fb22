using Orleans.Concurrency;

namespace ConversationEngine.Conversations;

/// <summary>Which conversations of a service a list shows.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConversationQuery")]
public sealed record ConversationQuery
{
    [Id(0)] public required string ChatServiceSid { get; init; }

    /// <summary>Only conversations in this state; null for all.</summary>
    [Id(1)] public string? State { get; init; }

    /// <summary>Only conversations created at or after this instant.</summary>
    [Id(2)] public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only conversations created before this instant.</summary>
    [Id(3)] public DateTimeOffset? CreatedBefore { get; init; }
}

/// <summary>A conversation as listed, with its position in the list (positions travel in page tokens).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConversationListEntry")]
public sealed record ConversationListEntry
{
    [Id(0)] public required long Position { get; init; }
    [Id(1)] public required ConversationSnapshot Conversation { get; init; }
}

/// <summary>
/// Lists conversations from the conversation table, never activating one; a stateless worker, so
/// every silo answers its own callers.
/// </summary>
[Alias("ConversationEngine.IConversationListGrain")]
public interface IConversationListGrain : IGrainWithIntegerKey
{
    /// <summary>Matching conversations from position <paramref name="start"/> (inclusive) in the given order, at most <paramref name="max"/>.</summary>
    [ReadOnly]
    [Alias("List")]
    Task<IReadOnlyList<ConversationListEntry>> ListAsync(ConversationQuery query, long start, bool descending, int max);
}
