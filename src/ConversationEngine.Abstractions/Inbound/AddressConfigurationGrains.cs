using Orleans.Concurrency;

namespace ConversationEngine.Inbound;

/// <summary>An address configuration (IG…): what happens to inbound messages to one of our addresses.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.AddressConfiguration")]
public sealed record AddressConfiguration
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string Type { get; init; }
    [Id(2)] public required string Address { get; init; }
    [Id(3)] public string? FriendlyName { get; init; }
    [Id(4)] public bool AutoCreationEnabled { get; init; }
    [Id(5)] public string? AutoCreationType { get; init; }
    [Id(6)] public string? ConversationServiceSid { get; init; }
    [Id(7)] public string? WebhookUrl { get; init; }
    [Id(8)] public string? WebhookMethod { get; init; }
    [Id(9)] public IReadOnlyList<string> WebhookFilters { get; init; } = [];
    [Id(10)] public string? StudioFlowSid { get; init; }
    [Id(11)] public int? StudioRetryCount { get; init; }
    [Id(12)] public string? AddressCountry { get; init; }
    [Id(13)] public required DateTimeOffset DateCreated { get; init; }
    [Id(14)] public required DateTimeOffset DateUpdated { get; init; }
}

/// <summary>A create (all fields) or update (null leaves a field) of an address configuration.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.AddressConfigurationChange")]
public sealed record AddressConfigurationChange
{
    [Id(0)] public string? Type { get; init; }
    [Id(1)] public string? Address { get; init; }
    [Id(2)] public string? FriendlyName { get; init; }
    [Id(3)] public bool? AutoCreationEnabled { get; init; }
    [Id(4)] public string? AutoCreationType { get; init; }
    [Id(5)] public string? ConversationServiceSid { get; init; }
    [Id(6)] public string? WebhookUrl { get; init; }
    [Id(7)] public string? WebhookMethod { get; init; }
    [Id(8)] public IReadOnlyList<string>? WebhookFilters { get; init; }
    [Id(9)] public string? StudioFlowSid { get; init; }
    [Id(10)] public int? StudioRetryCount { get; init; }
    [Id(11)] public string? AddressCountry { get; init; }

    /// <summary>On create, the SID an idempotency key reserved: a configuration already there under it is returned as it is.</summary>
    [Id(12)] public string? Sid { get; init; }
}

/// <summary>
/// The account's address configurations, keyed by account SID. An account owns a modest number
/// of addresses, so one grain holds them all and answers lookups by SID or address.
/// </summary>
[Alias("ConversationEngine.IAddressBookGrain")]
public interface IAddressBookGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<AddressConfiguration> CreateAsync(AddressConfigurationChange change);

    [Alias("Update")]
    Task<AddressConfiguration> UpdateAsync(string sidOrAddress, AddressConfigurationChange change);

    [Alias("Delete")]
    Task DeleteAsync(string sidOrAddress);

    /// <summary>By SID or by address; null when there is none.</summary>
    [ReadOnly]
    [Alias("Find")]
    Task<AddressConfiguration?> FindAsync(string sidOrAddress);

    [ReadOnly]
    [Alias("List")]
    Task<Page<AddressConfiguration>> ListAsync(string? type, long start, int max);
}
