using Microsoft.Extensions.Logging;

namespace ConversationEngine.Events;

/// <summary>
/// The writer of one feed (a conversation's, keyed <c>CH…</c>, or a user's, keyed <c>US…</c>),
/// held by the grain that owns it: hands out its sequence numbers, moves the events its state
/// carries into the feed, and tells the feed's fan-out. Nothing but the owner writes the feed.
/// </summary>
internal sealed partial class EventFeed(IEventStore events, IGrainFactory grains, string key, ILogger logger)
{
    /// <summary>The sequence number the next event gets.</summary>
    private long next = 1;

    /// <summary>Goes on after the last event stored or carried by the owner's state (<paramref name="pending"/>).</summary>
    public async Task OpenAsync(IEnumerable<ConversationEvent> pending) =>
        next = Math.Max(await events.HighestAsync(key), pending.Select(e => e.Sequence).DefaultIfEmpty().Max()) + 1;

    /// <summary>The next sequence number.</summary>
    public long Take() => next++;

    /// <summary>
    /// Moves the events the stored state carries (<paramref name="pending"/>, emptied of those
    /// stored) into the feed and tells its readers. Failing, they stay in the state: the next write
    /// or activation moves them.
    /// </summary>
    public async Task FlushAsync(List<ConversationEvent> pending, string? chatServiceSid)
    {
        if (pending.Count == 0)
        {
            return;
        }

        var moving = pending.ToList();
        try
        {
            await AppendAsync(moving);
            pending.RemoveAll(moving.Contains);
            Notify(chatServiceSid);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEventsBehind(logger, e, key);
        }
    }

    /// <summary>
    /// Stores events in the feed. A number another activation of the owner took meanwhile (a
    /// membership change let two run) is handed out again after the feed's end, so the event is
    /// still announced, later.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<ConversationEvent> changes)
    {
        var taken = await events.AppendAsync(changes);
        if (taken.Count == 0)
        {
            return;
        }

        next = Math.Max(next, await events.HighestAsync(key) + 1);
        if ((await events.AppendAsync(taken.Select(e => e with { Sequence = next++ }).ToList())).Count > 0)
        {
            throw Errors.Contended($"Events of {key}");
        }
    }

    /// <summary>Tells the feed's readers that events up to the last handed out exist (one-way: nobody waits).</summary>
    public void Notify(string? chatServiceSid)
    {
        if (chatServiceSid is not null)
        {
            grains.GetGrain<IEventFanOutGrain>(key).NotifyAsync(chatServiceSid, next - 1).Ignore();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Events of {FeedKey} are stored with it but not yet in its feed; the next write or activation moves them")]
    private static partial void LogEventsBehind(ILogger logger, Exception exception, string feedKey);
}
