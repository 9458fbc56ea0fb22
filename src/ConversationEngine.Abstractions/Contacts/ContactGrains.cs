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
}

/// <summary>
/// One contact on one channel towards one sender pool or number, keyed <c>scope|address</c>:
/// opt-in/opt-out state (each channel independently, as seed 004 describes).
/// </summary>
[Alias("ConversationEngine.IContactChannelGrain")]
public interface IContactChannelGrain : IGrainWithStringKey
{
    /// <summary>Applies an opt-out or opt-in keyword (others change nothing) and returns the state.</summary>
    [Alias("ApplyKeyword")]
    Task<ContactChannelSnapshot> ApplyKeywordAsync(KeywordAction action, string keyword);

    [ReadOnly]
    [Alias("Get")]
    Task<ContactChannelSnapshot> GetAsync();

    /// <summary>Notes that the contact wrote to us now (WhatsApp's customer-service window).</summary>
    [Alias("RecordInbound")]
    Task RecordInboundAsync(DateTimeOffset received);

    /// <summary>Remembers the sender the contact was given, so it keeps it (Sticky Sender).</summary>
    [Alias("SetStickySender")]
    Task SetStickySenderAsync(string senderSid);
}

public static class ContactKeys
{
    /// <summary><c>scope|address</c>, hashed when either cannot stand in a key as it is (<see cref="GrainKeys"/>).</summary>
    public static string Channel(string scope, string address) => GrainKeys.Pair(scope, address);
}
