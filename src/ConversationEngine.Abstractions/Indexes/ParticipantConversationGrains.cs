using Orleans.Concurrency;

namespace ConversationEngine.Indexes;

/// <summary>One participant of one conversation, as a participant's conversation index lists it.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ParticipantConversationEntry")]
public sealed record ParticipantConversationEntry
{
    /// <summary>Where the entry stands in its index: positions grow with each entry added and travel in page tokens.</summary>
    [Id(0)] public required long Position { get; init; }
    [Id(1)] public required string ConversationSid { get; init; }
    [Id(2)] public required string ParticipantSid { get; init; }
}

/// <summary>
/// The conversations one identity, or one address, takes part in within one chat service, keyed by
/// <see cref="IndexKeys.ParticipantIdentity"/> or <see cref="IndexKeys.ParticipantAddress"/>: what
/// ParticipantConversations reads, so its cost follows that participant's conversations only.
/// Conversations write it after storing a participant change (written again on their next
/// activation should that fail); readers check each entry against its conversation.
/// </summary>
[Alias("ConversationEngine.IParticipantConversationsGrain")]
public interface IParticipantConversationsGrain : IGrainWithStringKey
{
    /// <summary>Lists the participant; a participant already listed keeps its place.</summary>
    [Alias("Add")]
    Task AddAsync(string conversationSid, string participantSid);

    /// <summary>Drops the participant's entry, if there is one.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string participantSid);

    /// <summary>Entries from position <paramref name="start"/> (inclusive) in the given order, at most <paramref name="max"/>.</summary>
    [ReadOnly]
    [Alias("List")]
    Task<IReadOnlyList<ParticipantConversationEntry>> ListAsync(long start, bool descending, int max);
}
