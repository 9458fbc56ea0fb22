using Orleans.Concurrency;

namespace ConversationEngine.Accounts;

[GenerateSerializer]
[Alias("ConversationEngine.AccountConfiguration")]
public sealed record AccountConfiguration
{
    [Id(0)] public required string AccountSid { get; init; }
    [Id(1)] public required string DefaultChatServiceSid { get; init; }
    [Id(2)] public string? DefaultMessagingServiceSid { get; init; }
    [Id(3)] public TimeSpan? DefaultInactiveTimer { get; init; }
    [Id(4)] public TimeSpan? DefaultClosedTimer { get; init; }
}

/// <summary>The account (<c>AC…</c>): its Conversations configuration and default service.</summary>
[Alias("ConversationEngine.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>The configuration; the default conversation service is created on first call.</summary>
    [Alias("GetConfiguration")]
    Task<AccountConfiguration> GetConfigurationAsync();
}

[GenerateSerializer]
[Alias("ConversationEngine.ChatServiceSnapshot")]
public sealed record ChatServiceSnapshot
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string FriendlyName { get; init; }
    [Id(2)] public required DateTimeOffset DateCreated { get; init; }
    [Id(3)] public required DateTimeOffset DateUpdated { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.DirectoryEntry")]
public sealed record DirectoryEntry
{
    [Id(0)] public required long Position { get; init; }
    [Id(1)] public required string ConversationSid { get; init; }
}

/// <summary>A conversation service (<c>IS…</c>): its settings and the ordered directory of its conversations.</summary>
[Alias("ConversationEngine.IChatServiceGrain")]
public interface IChatServiceGrain : IGrainWithStringKey
{
    [Alias("Initialize")]
    Task<ChatServiceSnapshot> InitializeAsync(string friendlyName);

    [ReadOnly]
    [Alias("Get")]
    Task<ChatServiceSnapshot?> GetAsync();

    /// <summary>Appends a conversation to the directory and returns its position there.</summary>
    [Alias("RegisterConversation")]
    Task<long> RegisterConversationAsync(string conversationSid);

    [Alias("UnregisterConversation")]
    Task UnregisterConversationAsync(long position);

    /// <summary>Directory entries from <paramref name="start"/> on, at most <paramref name="max"/>.</summary>
    [ReadOnly]
    [Alias("ListConversations")]
    Task<Page<DirectoryEntry>> ListConversationsAsync(long start, int max, bool descending);
}

/// <summary>A fixed-size slice of a service's conversation directory, keyed <c>IS…/conversations/n</c>.</summary>
[Alias("ConversationEngine.IDirectoryPageGrain")]
public interface IDirectoryPageGrain : IGrainWithStringKey
{
    public const int Size = 500;

    [Alias("Put")]
    Task PutAsync(long position, string conversationSid);

    [Alias("Remove")]
    Task RemoveAsync(long position);

    [ReadOnly]
    [Alias("Range")]
    Task<IReadOnlyList<DirectoryEntry>> RangeAsync(long first, long last, bool descending, int max);
}
