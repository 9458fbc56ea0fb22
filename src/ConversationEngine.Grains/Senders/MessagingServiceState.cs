namespace ConversationEngine.Senders;

/// <summary>A number or short code in the pool, by SID: the account's registry holds the sender itself.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.PoolEntry")]
public sealed record PoolEntry
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required DateTimeOffset DateAdded { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.MessagingServiceState")]
public sealed class MessagingServiceState
{
    [Id(0)] public string? AccountSid { get; set; }

    /// <summary>Every field set (defaults applied at create); null while the service does not exist.</summary>
    [Id(1)] public MessagingServiceSettings? Settings { get; set; }

    [Id(2)] public List<PoolEntry> Members { get; set; } = [];
    [Id(3)] public List<Sender> AlphaSenders { get; set; } = [];
    [Id(4)] public DateTimeOffset DateCreated { get; set; }
    [Id(5)] public DateTimeOffset DateUpdated { get; set; }

    /// <summary>Twilio when imported from the Twilio account.</summary>
    [Id(6)] public string? Origin { get; set; }

    /// <summary>Set when an imported service is no longer at Twilio.</summary>
    [Id(7)] public DateTimeOffset? DateMissing { get; set; }
}
