using Orleans.Concurrency;

namespace ConversationEngine.Senders;

/// <summary>Registration of a number or short code the account owns (null leaves a field on update).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.SenderRegistration")]
public sealed record SenderRegistration
{
    [Id(0)] public string? Address { get; init; }
    [Id(1)] public string? FriendlyName { get; init; }
    [Id(2)] public IReadOnlyList<string>? Capabilities { get; init; }
    [Id(3)] public double? Mps { get; init; }

    /// <summary>Short codes only: the country they deliver in.</summary>
    [Id(4)] public string? Country { get; init; }

    /// <summary>On register, the SID an idempotency key reserved: a sender already there under it is returned as it is.</summary>
    [Id(5)] public string? Sid { get; init; }
}

/// <summary>The numbers (PN…) and short codes (SC…) the account owns, keyed by account SID.</summary>
[Alias("ConversationEngine.ISenderRegistryGrain")]
public interface ISenderRegistryGrain : IGrainWithStringKey
{
    [Alias("RegisterNumber")]
    Task<Sender> RegisterNumberAsync(SenderRegistration registration);

    [Alias("RegisterShortCode")]
    Task<Sender> RegisterShortCodeAsync(SenderRegistration registration);

    [Alias("Update")]
    Task<Sender> UpdateAsync(string sid, SenderRegistration registration);

    /// <summary>
    /// Records a sender as Twilio reports it, under Twilio's SID (<see cref="Sender.Origin"/> twilio):
    /// added, or updated in place (capabilities, name; its MPS and pool are kept), and no longer
    /// missing. A number registered by hand under another SID is taken over: its old SID keeps
    /// resolving to it, so pools and conversations that named it go on working.
    /// </summary>
    [Alias("Import")]
    Task<Sender> ImportAsync(Sender sender);

    /// <summary>As <see cref="ImportAsync"/> for many senders in one write (an account's whole listing); each stored sender and what became of it, in that order.</summary>
    [Alias("ImportMany")]
    Task<IReadOnlyList<SenderImport>> ImportManyAsync(IReadOnlyList<Sender> senders);

    /// <summary>
    /// After a complete listing at Twilio: every imported sender of <paramref name="kind"/> (PN, SC)
    /// not in <paramref name="presentSids"/> is marked missing (kept, never deleted). Returns those newly marked.
    /// </summary>
    [Alias("MarkMissing")]
    Task<IReadOnlyList<Sender>> MarkMissingAsync(string sidPrefix, IReadOnlyCollection<string> presentSids);

    [Alias("Remove")]
    Task RemoveAsync(string sid);

    /// <summary>By SID or address; null when the account owns no such sender.</summary>
    [ReadOnly]
    [Alias("Find")]
    Task<Sender?> FindAsync(string sidOrAddress);

    [ReadOnly]
    [Alias("List")]
    Task<Page<Sender>> ListAsync(string kind, long start, int max);

    /// <summary>Each of <paramref name="sids"/> resolved (a SID an import took over gives the sender under its new SID), null where unknown.</summary>
    [ReadOnly]
    [Alias("Resolve")]
    Task<IReadOnlyList<Sender?>> ResolveAsync(IReadOnlyList<string> sids);

    /// <summary>
    /// Records that <paramref name="messagingServiceSid"/> holds the sender: a sender belongs to one
    /// Messaging Service at a time (not found, 20404, when not registered; a conflict, 21712, when another holds it).
    /// Repeating it for the same service is harmless. The record goes with the sender when it is removed.
    /// </summary>
    [Alias("Assign")]
    Task<Sender> AssignAsync(string sid, string messagingServiceSid);

    /// <summary>
    /// As <see cref="AssignAsync"/> for many senders in one write, but taking each from another service
    /// that holds it (Twilio says where it is); the services they were taken from, by SID (only those that had another).
    /// </summary>
    [Alias("ClaimMany")]
    Task<IReadOnlyDictionary<string, string>> ClaimManyAsync(IReadOnlyList<string> sids, string messagingServiceSid);

    /// <summary>Releases the senders <paramref name="messagingServiceSid"/> holds among <paramref name="sids"/>; others are left alone.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string messagingServiceSid, IReadOnlyList<string> sids);

    /// <summary>The Messaging Service holding the sender, or null.</summary>
    [ReadOnly]
    [Alias("FindHolder")]
    Task<string?> FindHolderAsync(string sid);
}

/// <summary>A sender in a Messaging Service's pool, with the time it joined.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.PoolSender")]
public sealed record PoolSender
{
    [Id(0)] public required Sender Sender { get; init; }
    [Id(1)] public required DateTimeOffset DateAdded { get; init; }
}

/// <summary>A Messaging Service's settings, as in Twilio's Messaging v1 resource.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.MessagingServiceSettings")]
public sealed record MessagingServiceSettings
{
    [Id(0)] public string? FriendlyName { get; init; }
    [Id(1)] public string? InboundRequestUrl { get; init; }
    [Id(2)] public string? InboundMethod { get; init; }
    [Id(3)] public string? FallbackUrl { get; init; }
    [Id(4)] public string? FallbackMethod { get; init; }
    [Id(5)] public string? StatusCallback { get; init; }
    [Id(6)] public bool? StickySender { get; init; }
    [Id(7)] public bool? MmsConverter { get; init; }
    [Id(8)] public bool? SmartEncoding { get; init; }
    [Id(9)] public string? ScanMessageContent { get; init; }
    [Id(10)] public bool? FallbackToLongCode { get; init; }
    [Id(11)] public bool? AreaCodeGeomatch { get; init; }
    [Id(12)] public int? ValidityPeriod { get; init; }
    [Id(13)] public bool? SynchronousValidation { get; init; }
    [Id(14)] public string? Usecase { get; init; }
    [Id(15)] public bool? UseInboundWebhookOnNumber { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.MessagingServiceSnapshot")]
public sealed record MessagingServiceSnapshot
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required MessagingServiceSettings Settings { get; init; }
    [Id(2)] public IReadOnlyList<string> PhoneNumberSids { get; init; } = [];
    [Id(3)] public IReadOnlyList<string> ShortCodeSids { get; init; } = [];

    /// <summary>The service's own alphanumeric sender IDs (AI…).</summary>
    [Id(4)] public IReadOnlyList<Sender> AlphaSenders { get; init; } = [];
    [Id(5)] public required DateTimeOffset DateCreated { get; init; }
    [Id(6)] public required DateTimeOffset DateUpdated { get; init; }
    [Id(7)] public required string AccountSid { get; init; }

    /// <summary><see cref="SenderOrigins.Twilio"/> when imported from the Twilio account (the SID is Twilio's).</summary>
    [Id(8)] public string? Origin { get; init; }

    /// <summary>An imported service the last complete sync no longer found at Twilio: since when (kept, not deleted).</summary>
    [Id(9)] public DateTimeOffset? DateMissing { get; init; }
}

/// <summary>What an import did to one sender or Messaging Service.</summary>
public enum ImportOutcome
{
    Unchanged,
    Added,
    Updated,
}

/// <summary>A sender as an import stored it, and what the import did.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.SenderImport")]
public sealed record SenderImport
{
    [Id(0)] public required Sender Sender { get; init; }
    [Id(1)] public required ImportOutcome Outcome { get; init; }
}

/// <summary>A Messaging Service as an import left it, and what the import did.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.MessagingServiceImport")]
public sealed record MessagingServiceImport
{
    [Id(0)] public required MessagingServiceSnapshot Service { get; init; }
    [Id(1)] public required ImportOutcome Outcome { get; init; }
}

/// <summary>A Messaging Service (MG…): settings and the senders in its pool.</summary>
[Alias("ConversationEngine.IMessagingServiceGrain")]
public interface IMessagingServiceGrain : IGrainWithStringKey
{
    /// <param name="reserved">
    /// The SID was reserved by an idempotency key: a service already there under it is this
    /// request's own earlier attempt, answered as it is instead of refused.
    /// </param>
    [Alias("Create")]
    Task<MessagingServiceSnapshot> CreateAsync(string accountSid, MessagingServiceSettings settings, bool reserved);

    [ReadOnly]
    [Alias("Get")]
    Task<MessagingServiceSnapshot?> GetAsync();

    [Alias("Update")]
    Task<MessagingServiceSnapshot> UpdateAsync(MessagingServiceSettings settings);

    [Alias("Delete")]
    Task DeleteAsync();

    /// <summary>
    /// Creates or updates the service as Twilio reports it, under Twilio's SID: its settings, and its
    /// pool made exactly Twilio's (members taken from another service that held them locally).
    /// </summary>
    [Alias("Import")]
    Task<MessagingServiceImport> ImportAsync(string accountSid, TwilioAccount.ImportedMessagingService imported);

    /// <summary>An imported service Twilio no longer lists: marked, kept (conversations may use it). Returns the snapshot, null when it does not exist.</summary>
    [Alias("MarkMissing")]
    Task<MessagingServiceSnapshot?> MarkMissingAsync();

    /// <summary>
    /// Adds a number or short code the account owns (PN… / SC…) to the pool: not found (20404) when the
    /// account has no such sender, a conflict (21710) when it is already in this pool, (21712) when another
    /// Messaging Service holds it.
    /// </summary>
    [Alias("AddSender")]
    Task<PoolSender> AddSenderAsync(string senderSid);

    /// <summary>Adds the service's alphanumeric sender ID (one per service; a conflict when it has one).</summary>
    [Alias("AddAlphaSender")]
    Task<PoolSender> AddAlphaSenderAsync(string alphaSender);

    /// <summary>Removes a PN…, SC… or AI… sender from the pool (not found when it is not in it).</summary>
    [Alias("RemoveSender")]
    Task RemoveSenderAsync(string senderSid);

    /// <summary>One member of the pool, resolved; null when it is not in the pool or no longer registered.</summary>
    [ReadOnly]
    [Alias("FindSender")]
    Task<PoolSender?> FindSenderAsync(string senderSid);

    /// <summary>The pool's members whose SID starts with <paramref name="sidPrefix"/> (PN, SC or AI), resolved, in the order they joined.</summary>
    [ReadOnly]
    [Alias("ListSenders")]
    Task<Page<PoolSender>> ListSendersAsync(string sidPrefix, long start, int max);

    /// <summary>The pool as the selection rules see it: every sender resolved, with the settings; null when the service does not exist.</summary>
    [ReadOnly]
    [Alias("GetPool")]
    Task<SenderPool?> GetPoolAsync();

    /// <summary>
    /// A turn for spreading new recipients over equal senders: a counter in memory that calls
    /// nothing, interleaved so a busy service never holds a choice up.
    /// </summary>
    [Alias("NextTurn")]
    [AlwaysInterleave]
    Task<int> NextTurnAsync();
}

[GenerateSerializer]
[Alias("ConversationEngine.SenderPool")]
public sealed record SenderPool
{
    [Id(0)] public required string MessagingServiceSid { get; init; }
    [Id(1)] public required IReadOnlyList<Sender> Senders { get; init; }
    /// <summary>No initializer: Orleans does not send a field equal to its default, so a default of true turned false into true.</summary>
    [Id(2)] public required bool StickySender { get; init; }
    [Id(3)] public bool AreaCodeGeomatch { get; init; }
    [Id(4)] public bool SmartEncoding { get; init; }
    [Id(5)] public int? ValidityPeriod { get; init; }
    [Id(6)] public string? StatusCallback { get; init; }
}

/// <summary>The account's Messaging Services, keyed by account SID (for listing).</summary>
[Alias("ConversationEngine.IMessagingServiceDirectoryGrain")]
public interface IMessagingServiceDirectoryGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(string messagingServiceSid);

    [Alias("Remove")]
    Task RemoveAsync(string messagingServiceSid);

    [ReadOnly]
    [Alias("List")]
    Task<Page<string>> ListAsync(long start, int max);
}
