using ConversationEngine.Senders;
using Orleans.Concurrency;

namespace ConversationEngine.TwilioAccount;

/// <summary>What one kind of resource did in a sync.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.TwilioSyncCounts")]
public sealed record TwilioSyncCounts
{
    [Id(0)] public int Added { get; init; }
    [Id(1)] public int Updated { get; init; }
    [Id(2)] public int Unchanged { get; init; }

    /// <summary>Newly found missing at Twilio in this sync (kept, marked).</summary>
    [Id(3)] public int Missing { get; init; }
}

/// <summary>A resource of the account the sync found at Twilio but did not import, and why.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.TwilioSyncSkip")]
public sealed record TwilioSyncSkip
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string Reason { get; init; }
}

/// <summary>A resource imported earlier that Twilio no longer lists.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.TwilioSyncMissing")]
public sealed record TwilioSyncMissing
{
    [Id(0)] public required string Sid { get; init; }

    /// <summary>The number, short code or sender address; a Messaging Service's friendly name.</summary>
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public required DateTimeOffset DateMissing { get; init; }
}

/// <summary>The outcome of the last sync with the Twilio account.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.TwilioSyncReport")]
public sealed record TwilioSyncReport
{
    /// <summary><c>never</c>, <c>completed</c> or <c>failed</c>.</summary>
    [Id(0)] public required string Status { get; init; }
    [Id(1)] public string? TwilioAccountSid { get; init; }

    /// <summary><c>operator</c> (the endpoint) or <c>schedule</c> (the periodic reminder).</summary>
    [Id(2)] public string? Trigger { get; init; }
    [Id(3)] public DateTimeOffset? DateStarted { get; init; }
    [Id(4)] public DateTimeOffset? DateCompleted { get; init; }

    /// <summary>Why the sync failed; nothing was marked missing by a failed sync.</summary>
    [Id(5)] public string? Error { get; init; }
    [Id(6)] public TwilioSyncCounts PhoneNumbers { get; init; } = new();
    [Id(7)] public TwilioSyncCounts ShortCodes { get; init; } = new();
    [Id(8)] public TwilioSyncCounts ChannelSenders { get; init; } = new();
    [Id(9)] public TwilioSyncCounts MessagingServices { get; init; } = new();

    /// <summary>Every imported resource currently missing at Twilio, newly or not.</summary>
    [Id(10)] public IReadOnlyList<TwilioSyncMissing> Missing { get; init; } = [];
    [Id(11)] public IReadOnlyList<TwilioSyncSkip> Skipped { get; init; } = [];
}

/// <summary>
/// The import and sync of the connected Twilio account into the engine, keyed by the engine's
/// account SID: numbers, short codes, Messaging Services with their pools and WhatsApp senders,
/// under Twilio's own SIDs. One sync runs at a time.
/// </summary>
[Alias("ConversationEngine.ITwilioAccountSyncGrain")]
public interface ITwilioAccountSyncGrain : IGrainWithStringKey
{
    /// <summary>Reads the whole account from Twilio and applies it; refused (400) without a Twilio account.</summary>
    [Alias("Sync")]
    Task<TwilioSyncReport> SyncAsync(string trigger);

    [ReadOnly]
    [Alias("GetReport")]
    Task<TwilioSyncReport> GetReportAsync();

    /// <summary>Schedules the periodic sync (first run shortly), or cancels it without an account or interval; repeating it is harmless.</summary>
    [Alias("Schedule")]
    Task ScheduleAsync();
}

/// <summary>A Messaging Service as Twilio reports it, with its sender pool, for <see cref="IMessagingServiceGrain.ImportAsync"/>.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ImportedMessagingService")]
public sealed record ImportedMessagingService
{
    /// <summary>Every setting given (what Twilio reports).</summary>
    [Id(0)] public required MessagingServiceSettings Settings { get; init; }

    /// <summary>The pool's numbers, short codes and WhatsApp-only channel senders (PN…, SC…, XE…), as imported into the registry.</summary>
    [Id(1)] public IReadOnlyList<string> SenderSids { get; init; } = [];

    /// <summary>The service's alphanumeric sender IDs under Twilio's AI… SIDs.</summary>
    [Id(2)] public IReadOnlyList<Sender> AlphaSenders { get; init; } = [];
    [Id(3)] public DateTimeOffset? DateCreated { get; init; }
}
