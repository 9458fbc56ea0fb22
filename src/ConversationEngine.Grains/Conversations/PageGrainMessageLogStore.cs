using ConversationEngine.Events;
using ConversationEngine.Indexes;

namespace ConversationEngine.Conversations;

/// <summary>
/// The log as earlier versions kept it: fixed-size page grains (<c>CH…/n</c>), each rewritten
/// whole on an append. Conversations created before the message table still read from here until
/// they are moved (see <see cref="MessageLog.MoveToAsync"/>), and it serves hosts without a table.
/// Pages share no transaction with the event feed: an event is written right after its change here.
/// </summary>
internal sealed class PageGrainMessageLogStore(IGrainFactory grains, IEventStore? events = null) : IMessageLogStore
{
    private const int Size = IMessagePageGrain.Size;

    public async Task AppendAsync(MessageSnapshot message, ConversationEvent? added)
    {
        await Page(message.ConversationSid, message.Index).AppendAsync(message);
        await RecordAsync(added);
    }

    public Task<MessageSnapshot?> GetAsync(string conversationSid, long index) => Page(conversationSid, index).GetAsync(index);

    public async Task<IReadOnlyList<MessageSnapshot>> RangeAsync(string conversationSid, long first, long last, bool descending, int max)
    {
        var found = new List<MessageSnapshot>(Math.Min(max, 1024));
        var position = descending ? last : first;
        while (found.Count < max && position >= first && position <= last)
        {
            var pageFirst = position / Size * Size;
            var pageLast = pageFirst + Size - 1;
            var (rangeFirst, rangeLast) = descending ? (Math.Max(pageFirst, first), position) : (position, Math.Min(pageLast, last));
            found.AddRange(await Page(conversationSid, position).RangeAsync(rangeFirst, rangeLast, descending, max - found.Count));
            position = descending ? pageFirst - 1 : pageLast + 1;
        }

        return found;
    }

    public async Task<long> HighestIndexAsync(string conversationSid, long known)
    {
        var highest = known;
        while (true)
        {
            var onPage = await Page(conversationSid, highest + 1).HighestIndexAsync();
            if (onPage <= highest)
            {
                return highest;
            }

            highest = onPage;
        }
    }

    public async Task ReplaceAsync(MessageSnapshot message, ConversationEvent? change)
    {
        await Page(message.ConversationSid, message.Index).ReplaceAsync(message);
        await RecordAsync(change);
    }

    public async Task RemoveAsync(string conversationSid, long index, ConversationEvent? change)
    {
        await Page(conversationSid, index).RemoveAsync(index);
        await RecordAsync(change);
    }

    private async Task RecordAsync(ConversationEvent? change)
    {
        if (change is not null && (await (events ?? throw new InvalidOperationException("No event store to record the change in.")).AppendAsync([change])).Count > 0)
        {
            throw Errors.Contended($"Event {change.Sequence} of {change.ConversationSid}");
        }
    }

    public async Task ClearAsync(string conversationSid)
    {
        var highest = await HighestIndexAsync(conversationSid, -1);
        for (long page = 0; page <= Math.Max(highest, 0) / Size; page++)
        {
            await grains.GetGrain<IMessagePageGrain>(IndexKeys.MessagePage(conversationSid, page)).ClearAsync();
        }
    }

    private IMessagePageGrain Page(string conversationSid, long index) =>
        grains.GetGrain<IMessagePageGrain>(IndexKeys.MessagePage(conversationSid, index / Size));
}
