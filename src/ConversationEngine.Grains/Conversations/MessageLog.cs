using ConversationEngine.Events;

namespace ConversationEngine.Conversations;

/// <summary>
/// A conversation's messages in its store (the message table, or the page grains of earlier
/// versions). It hands out indexes, finds a message from the index its SID carries, scans in
/// either order and, after a crash, learns from the store where the log ends. The conversation
/// grain owns it and calls it within its own turns; stores call nobody back.
/// </summary>
internal sealed class MessageLog(IMessageLogStore store, string conversationSid, ConversationGrainState state)
{
    /// <summary>Messages read per step when the whole log is walked (delete, move).</summary>
    private const int Chunk = 500;

    /// <summary>
    /// The log of a conversation as its state says where it is: the message table, or the page
    /// grains of earlier versions (also where hosts without a table keep it).
    /// </summary>
    public static MessageLog For(IGrainFactory grains, IMessageLogStore? table, IEventStore events, string conversationSid, ConversationGrainState state) =>
        new(state.LogFormat == LogFormats.Table
                ? table ?? throw new InvalidOperationException($"Conversation {conversationSid} keeps its messages in the message table, and this host has none.")
                : new PageGrainMessageLogStore(grains, events),
            conversationSid,
            state);

    /// <summary>
    /// The log of an existing conversation, brought to its end; a log still in page grains is
    /// moved into the table first when the host has one: copied, then the conversation's state
    /// stored with its new place (<paramref name="saveState"/>), then the pages cleared. Cut short
    /// anywhere, the next activation does it again; copying a message twice changes nothing.
    /// </summary>
    public static async Task<(MessageLog Log, MessageSnapshot? Last)> OpenAsync(
        IGrainFactory grains, IMessageLogStore? table, IEventStore events, string conversationSid, ConversationGrainState state, Func<Task> saveState)
    {
        var log = For(grains, table, events, conversationSid, state);
        if (state.LogFormat == LogFormats.Pages && table is not null)
        {
            var pages = log;
            log = await pages.MoveToAsync(table);
            state.LogFormat = LogFormats.Table;
            await saveState();
            await pages.Store.ClearAsync(conversationSid);
        }

        return (log, await log.RecoverAsync());
    }

    private IMessageLogStore Store => store;

    /// <summary>The index the next message gets.</summary>
    public long NextIndex => state.NextMessageIndex;

    /// <summary>
    /// Stores the message at <see cref="NextIndex"/>. An append is acknowledged once the store
    /// holds it, before the conversation writes anything; should the answer be lost, the log
    /// recovers from the store, so an index is never handed out twice.
    /// </summary>
    public async Task AppendAsync(MessageSnapshot message, ConversationEvent? added = null)
    {
        try
        {
            await store.AppendAsync(message, added);
        }
        catch
        {
            await RecoverAsync();
            throw;
        }

        state.NextMessageIndex = message.Index + 1;
    }

    /// <summary>Moves <see cref="NextIndex"/> past what the store holds; returns the last message, if any.</summary>
    public async Task<MessageSnapshot?> RecoverAsync()
    {
        state.NextMessageIndex = await store.HighestIndexAsync(conversationSid, state.NextMessageIndex - 1) + 1;
        return state.NextMessageIndex > 0 ? await store.GetAsync(conversationSid, state.NextMessageIndex - 1) : null;
    }

    /// <summary>The message with this SID, found through the index it carries; null when there is none.</summary>
    public async Task<MessageSnapshot?> FindAsync(string messageSid)
    {
        if (Sids.TryGetMessageIndex(messageSid, out var index) && index < state.NextMessageIndex)
        {
            var message = await store.GetAsync(conversationSid, index);
            if (message is not null && message.Sid == messageSid)
            {
                return message;
            }
        }

        return null;
    }

    /// <summary>
    /// The message that matches, looked for among the last hundred: a redelivered inbound message
    /// or a retried request arrives within moments of the first, not thousands of messages later.
    /// </summary>
    public async Task<MessageSnapshot?> FindRecentAsync(Func<MessageSnapshot, bool> match)
    {
        var recent = await ScanAsync(state.NextMessageIndex - 1, descending: true, 100);
        return recent.FirstOrDefault(match);
    }

    public Task ReplaceAsync(MessageSnapshot message, ConversationEvent? change = null) => store.ReplaceAsync(message, change);

    public Task RemoveAsync(MessageSnapshot message, ConversationEvent? change = null) => store.RemoveAsync(conversationSid, message.Index, change);

    /// <summary>A page of the log from <paramref name="start"/> (null: the first in that order).</summary>
    public async Task<Page<MessageSnapshot>> ListAsync(long? start, bool descending, int pageSize)
    {
        var last = state.NextMessageIndex - 1;
        var from = start ?? (descending ? last : 0);
        var items = await ScanAsync(from, descending, pageSize + 1);
        var hasMore = items.Count > pageSize;
        long? previous = null;
        var before = descending ? from + 1 : from - 1;
        if (before >= 0 && before <= last)
        {
            var preceding = await ScanAsync(before, !descending, pageSize);
            previous = preceding.Count > 0 ? preceding[^1].Index : null;
        }

        return new Page<MessageSnapshot>
        {
            Items = hasMore ? items.Take(pageSize).ToList() : items.ToList(),
            Next = hasMore ? items[pageSize].Index : null,
            Previous = previous,
        };
    }

    /// <summary>Empties the log, handing its messages to <paramref name="beforeClear"/> a chunk at a time first.</summary>
    public async Task ClearAsync(Func<IReadOnlyList<MessageSnapshot>, Task> beforeClear)
    {
        await WalkAsync(beforeClear);
        await store.ClearAsync(conversationSid);
    }

    /// <summary>
    /// Copies the whole log into <paramref name="target"/> (appends of the same message are
    /// no-ops, so a move cut short is simply done again), then answers the log over there. The
    /// highest index used stays known through <see cref="ConversationGrainState.NextMessageIndex"/>,
    /// which the caller stores before it clears this log.
    /// </summary>
    public async Task<MessageLog> MoveToAsync(IMessageLogStore target)
    {
        await RecoverAsync();
        await WalkAsync(async messages =>
        {
            foreach (var message in messages)
            {
                await target.AppendAsync(message);
            }
        });
        return new MessageLog(target, conversationSid, state);
    }

    private async Task WalkAsync(Func<IReadOnlyList<MessageSnapshot>, Task> visit)
    {
        for (long from = 0; from < state.NextMessageIndex; from += Chunk)
        {
            var messages = await store.RangeAsync(conversationSid, from, Math.Min(from + Chunk - 1, state.NextMessageIndex - 1), false, Chunk);
            if (messages.Count > 0)
            {
                await visit(messages);
            }
        }
    }

    private async Task<IReadOnlyList<MessageSnapshot>> ScanAsync(long from, bool descending, int max)
    {
        var last = state.NextMessageIndex - 1;
        if (last < 0 || from > last || from < 0)
        {
            return [];
        }

        return descending
            ? await store.RangeAsync(conversationSid, 0, from, true, max)
            : await store.RangeAsync(conversationSid, from, last, false, max);
    }
}
