using ConversationEngine.Indexes;

namespace ConversationEngine.Conversations;

/// <summary>
/// A conversation's messages, spread over fixed-size page grains (<c>CH…/n</c>). It hands out
/// indexes, finds a message from the index its SID carries, scans in either order and, after a
/// crash, learns from the pages where the log ends. The conversation grain owns it and calls it
/// within its own turns; pages call nobody, so nothing here can call back.
/// </summary>
internal sealed class MessageLog(IGrainFactory grains, string conversationSid, ConversationGrainState state)
{
    private const int Size = IMessagePageGrain.Size;

    /// <summary>The index the next message gets.</summary>
    public long NextIndex => state.NextMessageIndex;

    /// <summary>
    /// Stores the message at <see cref="NextIndex"/>. An append is acknowledged once its page holds
    /// it, before the conversation writes anything; should the answer be lost, the log recovers
    /// from the pages, so an index is never handed out twice.
    /// </summary>
    public async Task AppendAsync(MessageSnapshot message)
    {
        try
        {
            await Page(PageOf(message.Index)).AppendAsync(message);
        }
        catch
        {
            await RecoverAsync();
            throw;
        }

        state.NextMessageIndex = message.Index + 1;
    }

    /// <summary>Moves <see cref="NextIndex"/> past what the pages hold; returns the last message, if any.</summary>
    public async Task<MessageSnapshot?> RecoverAsync()
    {
        while (true)
        {
            var highest = await Page(PageOf(state.NextMessageIndex)).HighestIndexAsync();
            if (highest < state.NextMessageIndex)
            {
                break;
            }

            state.NextMessageIndex = highest + 1;
        }

        return state.NextMessageIndex > 0 ? await Page(PageOf(state.NextMessageIndex - 1)).GetAsync(state.NextMessageIndex - 1) : null;
    }

    /// <summary>The message with this SID, found through the index it carries; null when there is none.</summary>
    public async Task<MessageSnapshot?> FindAsync(string messageSid)
    {
        if (Sids.TryGetMessageIndex(messageSid, out var index) && index < state.NextMessageIndex)
        {
            var message = await Page(PageOf(index)).GetAsync(index);
            if (message is not null && message.Sid == messageSid)
            {
                return message;
            }
        }

        return null;
    }

    /// <summary>
    /// The message that came in as <paramref name="sourceSid"/>, looked for among the last two
    /// pages: a redelivery arrives within moments of the first, not thousands of messages later.
    /// </summary>
    public async Task<MessageSnapshot?> FindRecentAsync(string sourceSid)
    {
        var recent = await ScanAsync(state.NextMessageIndex - 1, descending: true, 2 * Size);
        return recent.Find(m => m.SourceSid == sourceSid);
    }

    /// <summary>Applies an update to a message; refused as not found when there is none.</summary>
    public async Task<MessageSnapshot> UpdateAsync(string messageSid, UpdateMessage command, DateTimeOffset now)
    {
        var current = await FindAsync(messageSid) ?? throw NotFound(messageSid);
        var updated = Rules.Drafts.UpdatedMessage(current, command, state.Participants, now);
        await Page(PageOf(updated.Index)).ReplaceAsync(updated);
        return updated;
    }

    /// <summary>Removes a message once <paramref name="beforeRemove"/> has run; refused as not found when there is none.</summary>
    public async Task RemoveAsync(string messageSid, Func<MessageSnapshot, Task> beforeRemove)
    {
        var message = await FindAsync(messageSid) ?? throw NotFound(messageSid);
        await beforeRemove(message);
        await Page(PageOf(message.Index)).RemoveAsync(message.Index);
    }

    private static EngineException NotFound(string messageSid) => Errors.Unknown($"Message {messageSid}");

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
            Items = hasMore ? items.Take(pageSize).ToList() : items,
            Next = hasMore ? items[pageSize].Index : null,
            Previous = previous,
        };
    }

    /// <summary>Empties every page, handing each page's messages to <paramref name="beforeClear"/> first.</summary>
    public async Task ClearAsync(Func<IReadOnlyList<MessageSnapshot>, Task> beforeClear)
    {
        var lastPage = PageOf(Math.Max(state.NextMessageIndex - 1, 0));
        for (long page = 0; page <= lastPage; page++)
        {
            await beforeClear(await Page(page).RangeAsync(page * Size, (page + 1) * Size - 1, false, Size));
            await Page(page).ClearAsync();
        }
    }

    private async Task<List<MessageSnapshot>> ScanAsync(long from, bool descending, int max)
    {
        var found = new List<MessageSnapshot>(Math.Min(max, 1024));
        var last = state.NextMessageIndex - 1;
        if (last < 0 || from > last || from < 0)
        {
            return found;
        }

        var position = from;
        while (found.Count < max && position >= 0 && position <= last)
        {
            var page = PageOf(position);
            var pageFirst = page * Size;
            var pageLast = pageFirst + Size - 1;
            var (rangeFirst, rangeLast) = descending ? (pageFirst, position) : (position, Math.Min(pageLast, last));
            found.AddRange(await Page(page).RangeAsync(rangeFirst, rangeLast, descending, max - found.Count));
            position = descending ? pageFirst - 1 : pageLast + 1;
        }

        return found;
    }

    internal static long PageOf(long index) => index / Size;

    private IMessagePageGrain Page(long page) => grains.GetGrain<IMessagePageGrain>(IndexKeys.MessagePage(conversationSid, page));
}
