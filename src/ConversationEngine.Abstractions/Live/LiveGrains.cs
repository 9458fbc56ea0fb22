using ConversationEngine.Events;
using Orleans.Concurrency;

namespace ConversationEngine.Live;

/// <summary>
/// A front end holding agents' live connections, as the cluster calls it back (an Orleans grain
/// observer). Every call is a hint — "look at the feed", "this user joined" — never the only copy of
/// anything: the front end reads what it delivers from the conversations' event feeds, so a lost
/// call delays an event until the next hint or refresh, and never loses it.
/// </summary>
public interface ILiveObserver : IGrainObserver
{
    /// <summary>The conversation's feed holds events up to <paramref name="sequence"/>.</summary>
    [OneWay]
    Task EventsAvailable(string conversationSid, long sequence);

    /// <summary>The user (its identity index key) became a participant of the conversation.</summary>
    [OneWay]
    Task Joined(string userKey, string conversationSid);

    /// <summary>Someone in the conversation is typing (ephemeral: never stored).</summary>
    [OneWay]
    Task Typing(string conversationSid, string identity);

    /// <summary>A participant's user came online or went offline.</summary>
    [OneWay]
    Task Reachability(string conversationSid, string identity, bool online);
}

/// <summary>
/// The live side of one conversation (key <c>CH…</c>): which front ends hold connections of its
/// participants. Memory only; front ends subscribe again every minute, so a new activation is
/// complete again within one refresh period.
/// </summary>
[Alias("ConversationEngine.IConversationLiveGrain")]
public interface IConversationLiveGrain : IGrainWithStringKey
{
    /// <summary>Subscribes (or renews); returns the highest sequence this activation was told of (0: none yet).</summary>
    [Alias("Subscribe")]
    Task<long> SubscribeAsync(ILiveObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(ILiveObserver observer);

    /// <summary>The feed grew (from the conversation's fan-out).</summary>
    [OneWay]
    [Alias("Notify")]
    Task NotifyAsync(long sequence);

    [OneWay]
    [Alias("Typing")]
    Task TypingAsync(string identity);

    [OneWay]
    [Alias("Reachability")]
    Task ReachabilityAsync(string identity, bool online);
}

/// <summary>
/// The live side of one user (key: its identity index key, <c>IndexKeys.ParticipantIdentity</c>):
/// the front ends holding its connections, and how many each holds — the user is online while any
/// does. Memory only, refreshed by the front ends like <see cref="IConversationLiveGrain"/>.
/// </summary>
[Alias("ConversationEngine.IUserLiveGrain")]
public interface IUserLiveGrain : IGrainWithStringKey
{
    /// <summary>The front end holds <paramref name="count"/> of this user's connections (0: none any more).</summary>
    [Alias("Connections")]
    Task ConnectionsAsync(ILiveObserver observer, string identity, int count);

    /// <summary>The user became a participant of the conversation (from its identity index).</summary>
    [OneWay]
    [Alias("Joined")]
    Task JoinedAsync(string conversationSid);

    [ReadOnly]
    [Alias("IsOnline")]
    Task<bool> IsOnlineAsync();
}

/// <summary>Reads conversations' event feeds for front ends, which have no database of their own. A stateless worker.</summary>
[Alias("ConversationEngine.IEventFeedGrain")]
public interface IEventFeedGrain : IGrainWithIntegerKey
{
    /// <summary>Events after <paramref name="after"/>, in order, at most <paramref name="max"/>.</summary>
    [ReadOnly]
    [Alias("Read")]
    Task<IReadOnlyList<ConversationEvent>> ReadAsync(string conversationSid, long after, int max);

    [ReadOnly]
    [Alias("Highest")]
    Task<long> HighestAsync(string conversationSid);
}
