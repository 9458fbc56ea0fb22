using Orleans.Concurrency;

namespace ConversationEngine.Contacts;

/// <summary>What an opt-out keyword message said, as classified on the whole trimmed body.</summary>
public enum KeywordAction
{
    None,
    OptOut,
    OptIn,
    Help,
}

[GenerateSerializer]
[Alias("ConversationEngine.ContactChannelSnapshot")]
public sealed record ContactChannelSnapshot
{
    /// <summary>The sender pool (MG…) or, without one, our number the contact wrote to.</summary>
    [Id(0)] public required string Scope { get; init; }

    /// <summary>The contact's channel address: <c>+E.164</c>, <c>whatsapp:+E.164</c>, <c>messenger:…</c>.</summary>
    [Id(1)] public required string Address { get; init; }

    [Id(2)] public required string Channel { get; init; }
    [Id(3)] public bool OptedOut { get; init; }
    [Id(4)] public string? LastKeyword { get; init; }
    [Id(5)] public DateTimeOffset? DateUpdated { get; init; }

    /// <summary>The sender (PN…/SC…/AI…) this contact keeps within the pool (Twilio's Sticky Sender).</summary>
    [Id(6)] public string? StickySenderSid { get; init; }

    /// <summary>
    /// When the contact last wrote to us on this channel (opens WhatsApp's 24-hour window); on
    /// other channels, when it first wrote (recorded once). Null: it never wrote in.
    /// </summary>
    [Id(7)] public DateTimeOffset? LastInbound { get; init; }

    /// <summary>Explicit consent: <see cref="ConsentStates"/> (an opt-out wins over an earlier opt-in).</summary>
    [Id(8)] public string ConsentState { get; init; } = ConsentStates.None;

    /// <summary>How the current consent state was given (<c>keyword</c>, <c>api</c>, <c>web_form</c>…); null for none.</summary>
    [Id(9)] public string? ConsentSource { get; init; }

    /// <summary>When the current consent state was recorded.</summary>
    [Id(10)] public DateTimeOffset? ConsentDate { get; init; }

    /// <summary>
    /// The conversations this contact has written in through this scope, newest last (at most
    /// <see cref="ContactLimits.ConversationsRemembered"/>): a message to the contact there answers it.
    /// </summary>
    [Id(11)] public IReadOnlyList<string> ConversationsWrittenIn { get; init; } = [];
}

/// <summary>A contact channel's consent, as the engine reports it.</summary>
public static class ConsentStates
{
    public const string OptedIn = "opted_in";
    public const string OptedOut = "opted_out";
    public const string None = "none";
}

public static class ContactLimits
{
    /// <summary>Consent events kept per contact channel (older ones are dropped).</summary>
    public const int ConsentHistory = 50;

    /// <summary>Conversations remembered per contact channel as ones the contact wrote in.</summary>
    public const int ConversationsRemembered = 20;

    public const int SourceLength = 64;
    public const int EvidenceLength = 1000;
}

/// <summary>An opt-in or opt-out to record on a contact channel.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConsentChange")]
public sealed record ConsentChange
{
    /// <summary><see cref="ConsentStates.OptedIn"/> or <see cref="ConsentStates.OptedOut"/>.</summary>
    [Id(0)] public required string State { get; init; }

    /// <summary>How it was given: <c>keyword</c>, <c>api</c>, <c>web_form</c>, <c>verbal</c>, <c>import</c>… (free text, bounded).</summary>
    [Id(1)] public required string Source { get; init; }

    /// <summary>What the contact agreed to, and where (the message text for a keyword).</summary>
    [Id(2)] public string? Evidence { get; init; }

    /// <summary>The keyword that made the change, as the contact's message matched it.</summary>
    [Id(3)] public string? Keyword { get; init; }

    /// <summary>The inbound message (SM…/MM…) that made the change.</summary>
    [Id(4)] public string? MessageSid { get; init; }
}

/// <summary>One recorded consent change.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConsentEvent")]
public sealed record ConsentEvent
{
    [Id(0)] public required string State { get; init; }
    [Id(1)] public required string Source { get; init; }
    [Id(2)] public string? Evidence { get; init; }
    [Id(3)] public string? Keyword { get; init; }
    [Id(4)] public string? MessageSid { get; init; }
    [Id(5)] public required DateTimeOffset DateCreated { get; init; }
}

/// <summary>
/// One contact on one channel towards one sender pool or number, keyed <c>scope|address</c>:
/// opt-in/opt-out state (each channel independently, as seed 004 describes).
/// </summary>
[Alias("ConversationEngine.IContactChannelGrain")]
public interface IContactChannelGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies an opt-out or opt-in keyword (others change nothing) and returns the state; the keyword
    /// is its own evidence. Kept for callers of earlier versions: the inbound path records keywords
    /// with <see cref="RecordConsentAsync"/>, with the message as evidence.
    /// </summary>
    [Alias("ApplyKeyword")]
    Task<ContactChannelSnapshot> ApplyKeywordAsync(KeywordAction action, string keyword);

    [ReadOnly]
    [Alias("Get")]
    Task<ContactChannelSnapshot> GetAsync();

    /// <summary>Notes that the contact wrote to us now (WhatsApp's customer-service window).</summary>
    [Alias("RecordInbound")]
    Task RecordInboundAsync(DateTimeOffset received);

    /// <summary>
    /// Records an opt-in or opt-out (a keyword's, or one given elsewhere and recorded by an
    /// operator) with its source and evidence, and returns the state. Refused (400) when the change
    /// is malformed: an unknown state, a source or evidence too long, an opt-in without evidence.
    /// </summary>
    [Alias("RecordConsent")]
    Task<ContactChannelSnapshot> RecordConsentAsync(ConsentChange change);

    /// <summary>The recorded consent changes, newest first (at most <see cref="ContactLimits.ConsentHistory"/>).</summary>
    [ReadOnly]
    [Alias("GetConsentHistory")]
    Task<IReadOnlyList<ConsentEvent>> GetConsentHistoryAsync();

    /// <summary>Notes that the contact wrote in the conversation (a message to it there is an answer).</summary>
    [Alias("RecordConversation")]
    Task RecordConversationAsync(string conversationSid);

    /// <summary>Remembers the sender the contact was given, so it keeps it (Sticky Sender).</summary>
    [Alias("SetStickySender")]
    Task SetStickySenderAsync(string senderSid);
}

public static class ContactKeys
{
    /// <summary><c>scope|address</c>, hashed when either cannot stand in a key as it is (<see cref="GrainKeys"/>).</summary>
    public static string Channel(string scope, string address) => GrainKeys.Pair(scope, address);
}
