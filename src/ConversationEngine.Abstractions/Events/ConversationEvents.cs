using Orleans.Concurrency;

namespace ConversationEngine.Events;

/// <summary>
/// One change of a conversation, in its feed: a per-conversation sequence number, the post-action
/// event name Twilio gives it, where it came from, and the webhook parameters Twilio sends for it
/// (all but AccountSid, EventType, Source and RetryCount, which delivery adds). The feed is the one
/// source for Conversations webhooks (and later live streams and exports): readers keep the last
/// sequence they handled and resume after it.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConversationEvent")]
public sealed record ConversationEvent
{
    /// <summary>
    /// The feed's key: the conversation's SID, or, for onUserAdded and onUserUpdated, which happen
    /// outside any conversation, the user's (<c>US…</c>), whose own feed orders its events.
    /// </summary>
    [Id(0)] public required string ConversationSid { get; init; }
    [Id(1)] public required long Sequence { get; init; }

    /// <summary>onConversationAdded, onMessageAdded, onDeliveryUpdated… (<see cref="EventTypes"/>).</summary>
    [Id(2)] public required string Type { get; init; }
    [Id(3)] public required DateTimeOffset Date { get; init; }

    /// <summary>Twilio's <c>Source</c>: API, SMS, WHATSAPP (SDK once agents write).</summary>
    [Id(4)] public required string Source { get; init; }

    /// <summary>
    /// Whether webhooks fire for it: REST writes only with <c>X-Twilio-Webhook-Enabled: true</c>;
    /// inbound messages, timers and deliveries always.
    /// </summary>
    [Id(5)] public required bool WebhookEnabled { get; init; }

    /// <summary>Twilio's webhook parameters for this event, in order.</summary>
    [Id(6)] public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }

    /// <summary>For onMessageAdded: the message body (trigger webhooks match their words on it).</summary>
    [Id(7)] public string? Body { get; init; }

    /// <summary>Marks an event that may be reported twice (a delivery receipt's status): the feed keeps one.</summary>
    [Id(8)] public string? DedupeKey { get; init; }

    /// <summary>The conversation's service (whose post-event target applies).</summary>
    [Id(9)] public required string ChatServiceSid { get; init; }
}

public static class EventTypes
{
    public const string ConversationAdded = "onConversationAdded";
    public const string ConversationUpdated = "onConversationUpdated";
    public const string ConversationRemoved = "onConversationRemoved";
    public const string ConversationStateUpdated = "onConversationStateUpdated";
    public const string ParticipantAdded = "onParticipantAdded";
    public const string ParticipantUpdated = "onParticipantUpdated";
    public const string ParticipantRemoved = "onParticipantRemoved";
    public const string MessageAdded = "onMessageAdded";
    public const string MessageUpdated = "onMessageUpdated";
    public const string MessageRemoved = "onMessageRemoved";
    public const string DeliveryUpdated = "onDeliveryUpdated";

    /// <summary>User events: in the user's own feed, keyed by its <c>US…</c> SID (<see cref="ConversationEvent.ConversationSid"/>).</summary>
    public const string UserAdded = "onUserAdded";
    public const string UserUpdated = "onUserUpdated";
}

/// <summary>Who made a change, carried in Orleans' request context from the door it came through.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.EventOrigin")]
public sealed record EventOrigin
{
    public const string ContextKey = "ce.origin";

    public static readonly EventOrigin System = new() { Source = "API", WebhookEnabled = true };

    /// <summary>API, SMS, WHATSAPP.</summary>
    [Id(0)] public required string Source { get; init; }
    [Id(1)] public required bool WebhookEnabled { get; init; }

    /// <summary>The origin of the current call (a timer or an internal call: <see cref="System"/>).</summary>
    public static EventOrigin Current => Orleans.Runtime.RequestContext.Get(ContextKey) as EventOrigin ?? System;

    /// <summary>Makes the calls that follow carry this origin.</summary>
    public static void Set(EventOrigin origin) => Orleans.Runtime.RequestContext.Set(ContextKey, origin);
}

/// <summary>The state of one target's queue of one conversation's events.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.WebhookQueueStatus")]
public sealed record WebhookQueueStatus
{
    [Id(0)] public required string ConversationSid { get; init; }
    [Id(1)] public required string TargetId { get; init; }

    /// <summary>The last sequence number handled (delivered, filtered out or given up).</summary>
    [Id(2)] public required long DeliveredThrough { get; init; }

    /// <summary>The highest sequence number the queue knows of.</summary>
    [Id(3)] public required long KnownThrough { get; init; }

    /// <summary>Attempts at the event at the head of the queue.</summary>
    [Id(4)] public int Attempts { get; init; }
    [Id(5)] public string? LastError { get; init; }
    [Id(6)] public DateTimeOffset? NextAttempt { get; init; }

    /// <summary>Events whose retry window ran out; kept for replay.</summary>
    [Id(7)] public IReadOnlyList<FailedDelivery> Failed { get; init; } = [];
}

[GenerateSerializer]
[Alias("ConversationEngine.FailedDelivery")]
public sealed record FailedDelivery
{
    [Id(0)] public required long Sequence { get; init; }
    [Id(1)] public required string Type { get; init; }
    [Id(2)] public required int Attempts { get; init; }
    [Id(3)] public required string LastError { get; init; }
    [Id(4)] public required DateTimeOffset GaveUp { get; init; }
}

/// <summary>
/// One target's queue of one conversation's events (key <c>CH…|IS…|target</c>, target "account",
/// "service" or a scoped webhook's WH…): delivers them in sequence order, at least once, retrying
/// with backoff for the retry window; a failing target holds back only this queue.
/// </summary>
[Alias("ConversationEngine.IWebhookQueueGrain")]
public interface IWebhookQueueGrain : IGrainWithStringKey
{
    /// <summary>Events up to <paramref name="sequence"/> exist: deliver what is due. Idempotent.</summary>
    [Alias("Notify")]
    Task NotifyAsync(long sequence);

    /// <summary>Looks at the feed's end itself and delivers what is due (a new target, a replay asked for).</summary>
    [Alias("Start")]
    Task StartAsync();

    [AlwaysInterleave]
    [Alias("Status")]
    Task<WebhookQueueStatus> StatusAsync();

    /// <summary>Delivers again from <paramref name="sequence"/> on (failed ones included).</summary>
    [Alias("Replay")]
    Task ReplayAsync(long sequence);
}

/// <summary>
/// The fan-out of one conversation's feed (key <c>CH…</c>): finds the conversation's post-event
/// targets and tells each one's queue that events exist. A stateless worker: every silo runs its own.
/// </summary>
[Alias("ConversationEngine.IEventFanOutGrain")]
public interface IEventFanOutGrain : IGrainWithStringKey
{
    [OneWay]
    [Alias("Notify")]
    Task NotifyAsync(string chatServiceSid, long sequence);

    /// <summary>The queue keys (<c>CH…|target</c>) of the conversation's current targets.</summary>
    [Alias("Queues")]
    Task<IReadOnlyList<string>> QueuesAsync(string chatServiceSid);
}
