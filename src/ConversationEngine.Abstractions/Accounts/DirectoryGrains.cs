using System.Globalization;
using ConversationEngine.Conversations;
using Orleans.Concurrency;

namespace ConversationEngine.Accounts;

/// <summary>
/// What a conversation files in its directory shard: the header as stored and what its state by
/// now is computed from (the timers and the instant they run from), so a list shows what a fetch
/// shows without activating the conversation.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConversationFiling")]
public sealed record ConversationFiling
{
    [Id(0)] public required ConversationSnapshot Header { get; init; }
    [Id(1)] public TimeSpan? InactiveTimer { get; init; }
    [Id(2)] public TimeSpan? ClosedTimer { get; init; }
    [Id(3)] public DateTimeOffset LastActivity { get; init; }

    /// <summary>The slot an earlier version's single directory gave it; kept as its position so migrated conversations keep their order.</summary>
    [Id(4)] public long? LegacyPosition { get; init; }
}

/// <summary>
/// A scan of a service's directory from <see cref="Start"/> (inclusive) in position order, keeping
/// at most <see cref="Max"/> conversations that pass the filters (state as of now, date_created range).
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConversationQuery")]
public sealed record ConversationQuery
{
    [Id(0)] public required long Start { get; init; }
    [Id(1)] public required bool Descending { get; init; }
    [Id(2)] public required int Max { get; init; }
    [Id(3)] public string? State { get; init; }
    [Id(4)] public DateTimeOffset? StartDate { get; init; }

    /// <summary>Compared by UTC calendar day: a conversation created any time that day matches.</summary>
    [Id(5)] public DateTimeOffset? EndDate { get; init; }

    public bool Matches(ConversationSnapshot conversation) =>
        (State is null || conversation.State == State)
        && (StartDate is null || conversation.DateCreated >= StartDate)
        && (EndDate is null || conversation.DateCreated.UtcDateTime.Date <= EndDate.Value.UtcDateTime.Date);
}

[GenerateSerializer]
[Alias("ConversationEngine.ListedConversation")]
public sealed record ListedConversation
{
    [Id(0)] public required long Position { get; init; }

    /// <summary>The conversation as a fetch would show it now (due timers applied).</summary>
    [Id(1)] public required ConversationSnapshot Conversation { get; init; }
}

/// <summary>
/// One of a service's <see cref="Count"/> directory shards, keyed <c>IS…/directory/k</c>; a
/// conversation belongs to shard <see cref="DirectoryShards.Of"/> of its SID. Only conversations
/// write to it, and it calls no one.
/// </summary>
[Alias("ConversationEngine.IConversationDirectoryShardGrain")]
public interface IConversationDirectoryShardGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces the conversation's entry (a new one gets a position after every other of this shard); an identical entry is not written again.</summary>
    [Alias("File")]
    Task FileAsync(ConversationFiling filing);

    [Alias("Remove")]
    Task RemoveAsync(string conversationSid);

    [ReadOnly]
    [Alias("Query")]
    Task<IReadOnlyList<ListedConversation>> QueryAsync(ConversationQuery query);
}

/// <summary>Which shard holds a conversation: a stable hash of its SID (FNV-1a), the same on every silo and every run.</summary>
public static class DirectoryShards
{
    /// <summary>Fixed: changing it would move conversations between shards.</summary>
    public const int Count = 16;

    public static int Of(string conversationSid)
    {
        var hash = 2166136261u;
        foreach (var c in conversationSid)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return (int)(hash % Count);
    }

    public static string Key(string chatServiceSid, int shard) =>
        chatServiceSid + "/directory/" + shard.ToString(CultureInfo.InvariantCulture);

    public static int ShardOfKey(string key) =>
        int.Parse(key.AsSpan(key.LastIndexOf('/') + 1), NumberStyles.None, CultureInfo.InvariantCulture);
}
