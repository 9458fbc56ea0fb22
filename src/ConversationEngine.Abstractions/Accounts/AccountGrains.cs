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

/// <summary>An update of the account configuration; null leaves a value, the Remove flags clear one.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.UpdateAccountConfiguration")]
public sealed record UpdateAccountConfiguration
{
    [Id(0)] public string? DefaultChatServiceSid { get; init; }
    [Id(1)] public string? DefaultMessagingServiceSid { get; init; }
    [Id(2)] public TimeSpan? DefaultInactiveTimer { get; init; }
    [Id(3)] public TimeSpan? DefaultClosedTimer { get; init; }
    [Id(4)] public bool RemoveDefaultMessagingServiceSid { get; init; }
    [Id(5)] public bool RemoveDefaultInactiveTimer { get; init; }
    [Id(6)] public bool RemoveDefaultClosedTimer { get; init; }
}

/// <summary>The account (<c>AC…</c>): its Conversations configuration and default service.</summary>
[Alias("ConversationEngine.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>The configuration; the default conversation service is created on first call.</summary>
    [Alias("GetConfiguration")]
    Task<AccountConfiguration> GetConfigurationAsync();

    [Alias("UpdateConfiguration")]
    Task<AccountConfiguration> UpdateConfigurationAsync(UpdateAccountConfiguration update);

    /// <summary>
    /// Creates a conversation service (<c>IS…</c>) of the account under <paramref name="serviceSid"/>
    /// (new, or reserved by an idempotency key); a repeat finds the service there and answers with it.
    /// </summary>
    [Alias("CreateServiceWithSid")]
    Task<ChatServiceSnapshot> CreateServiceAsync(string serviceSid, string friendlyName);

    /// <summary>The SIDs of the account's conversation services, oldest first; the default service among them.</summary>
    [Alias("ListServices")]
    Task<IReadOnlyList<string>> ListServicesAsync();

    /// <summary>
    /// Deletes the service's own record and configuration (the caller deleted its conversations
    /// first); refused for the account's default service. Deleting one that is gone changes nothing.
    /// </summary>
    [Alias("DeleteService")]
    Task DeleteServiceAsync(string chatServiceSid);
}

/// <summary>A conversation service's configuration (<c>/v1/Services/{IS}/Configuration</c>).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ChatServiceConfiguration")]
public sealed record ChatServiceConfiguration
{
    [Id(0)] public required string ChatServiceSid { get; init; }
    [Id(1)] public string? DefaultConversationCreatorRoleSid { get; init; }
    [Id(2)] public string? DefaultConversationRoleSid { get; init; }
    [Id(3)] public string? DefaultChatServiceRoleSid { get; init; }
    [Id(4)] public bool ReachabilityEnabled { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.UpdateChatServiceConfiguration")]
public sealed record UpdateChatServiceConfiguration
{
    [Id(0)] public string? DefaultConversationCreatorRoleSid { get; init; }
    [Id(1)] public string? DefaultConversationRoleSid { get; init; }
    [Id(2)] public string? DefaultChatServiceRoleSid { get; init; }
    [Id(3)] public bool? ReachabilityEnabled { get; init; }
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

/// <summary>A conversation service (<c>IS…</c>): its settings.</summary>
[Alias("ConversationEngine.IChatServiceGrain")]
public interface IChatServiceGrain : IGrainWithStringKey
{
    [Alias("Initialize")]
    Task<ChatServiceSnapshot> InitializeAsync(string friendlyName);

    [ReadOnly]
    [Alias("Get")]
    Task<ChatServiceSnapshot?> GetAsync();

    /// <summary>The service's configuration; refused as not found when the service does not exist.</summary>
    [ReadOnly]
    [Alias("GetConfiguration")]
    Task<ChatServiceConfiguration> GetConfigurationAsync();

    [Alias("UpdateConfiguration")]
    Task<ChatServiceConfiguration> UpdateConfigurationAsync(UpdateChatServiceConfiguration update);

    /// <summary>Forgets the service and its configuration (its webhook configuration too).</summary>
    [Alias("Delete")]
    Task DeleteAsync();

    /// <summary>
    /// Appends a conversation to the directory pages earlier versions listed conversations from,
    /// and returns its position there. This version lists from the conversation table and no
    /// longer calls it; it stays so the move out of the pages can be tested.
    /// </summary>
    [Alias("RegisterConversation")]
    Task<long> RegisterConversationAsync(string conversationSid);

    /// <summary>
    /// Moves the directory of earlier versions into the conversation table (each conversation
    /// lists itself), once; the list calls it before it reads a service for the first time.
    /// </summary>
    [Alias("MoveDirectory")]
    Task MoveDirectoryAsync();
}

/// <summary>A fixed-size slice of a service's conversation directory of earlier versions, keyed <c>IS…/conversations/n</c>.</summary>
[Alias("ConversationEngine.IDirectoryPageGrain")]
public interface IDirectoryPageGrain : IGrainWithStringKey
{
    public const int Size = 500;

    [Alias("Put")]
    Task PutAsync(long position, string conversationSid);

    [Alias("Clear")]
    Task ClearAsync();

    [ReadOnly]
    [Alias("Range")]
    Task<IReadOnlyList<DirectoryEntry>> RangeAsync(long first, long last, bool descending, int max);
}
