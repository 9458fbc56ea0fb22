using ConversationEngine.Conversations;
using ConversationEngine.Rules;

namespace ConversationEngine.Accounts;

[GenerateSerializer]
[Alias("ConversationEngine.ConversationDirectoryShardState")]
public sealed class ConversationDirectoryShardState
{
    [Id(0)] public Dictionary<string, DirectoryShardEntry> Entries { get; set; } = [];

    /// <summary>The last stamp (microseconds since the epoch, or one past the previous) this shard gave a new entry.</summary>
    [Id(1)] public long LastStamp { get; set; }
}

[GenerateSerializer]
[Alias("ConversationEngine.DirectoryShardEntry")]
public sealed class DirectoryShardEntry
{
    [Id(0)] public long Position { get; set; }
    [Id(1)] public required ConversationFiling Filing { get; set; }
}

/// <summary>
/// One shard of a service's conversation directory. Positions order the whole directory: a new
/// entry gets <c>stamp × Count + shard</c>, the stamp being the creation instant in microseconds
/// (one more than this shard's last when the clock has not moved), so positions are unique across
/// shards and follow creation order; conversations migrated from the single directory of earlier
/// versions keep their small slot numbers and so come first, in their old order.
/// </summary>
public sealed class ConversationDirectoryShardGrain(
    [PersistentState("directoryshard", "store")] IPersistentState<ConversationDirectoryShardState> store,
    TimeProvider time) : Grain, IConversationDirectoryShardGrain
{
    private readonly SortedList<long, DirectoryShardEntry> byPosition = [];

    private ConversationDirectoryShardState State => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in State.Entries.Values)
        {
            byPosition[entry.Position] = entry;
        }

        return Task.CompletedTask;
    }

    public async Task FileAsync(ConversationFiling filing)
    {
        var sid = filing.Header.Sid;
        if (State.Entries.TryGetValue(sid, out var entry))
        {
            if (entry.Filing == filing)
            {
                return;
            }

            var previous = entry.Filing;
            entry.Filing = filing;
            await WriteAsync(() => entry.Filing = previous);
            return;
        }

        var lastStamp = State.LastStamp;
        var position = filing.LegacyPosition ?? NewPosition();
        entry = new DirectoryShardEntry { Position = position, Filing = filing };
        State.Entries[sid] = entry;
        byPosition[position] = entry;
        await WriteAsync(() =>
        {
            State.Entries.Remove(sid);
            byPosition.Remove(position);
            State.LastStamp = lastStamp;
        });
    }

    public async Task RemoveAsync(string conversationSid)
    {
        if (!State.Entries.Remove(conversationSid, out var entry))
        {
            return;
        }

        byPosition.Remove(entry.Position);
        await WriteAsync(() =>
        {
            State.Entries[conversationSid] = entry;
            byPosition[entry.Position] = entry;
        });
    }

    public Task<IReadOnlyList<ListedConversation>> QueryAsync(ConversationQuery query)
    {
        var now = time.UtcNowToSecond();
        var keys = byPosition.Keys;
        var found = new List<ListedConversation>();
        var step = query.Descending ? -1 : 1;
        for (var i = FirstIndex(query.Start, query.Descending); i >= 0 && i < keys.Count && found.Count < query.Max; i += step)
        {
            var entry = byPosition.Values[i];
            var conversation = AsOf(entry.Filing, now);
            if (query.Matches(conversation))
            {
                found.Add(new ListedConversation { Position = entry.Position, Conversation = conversation });
            }
        }

        return Task.FromResult<IReadOnlyList<ListedConversation>>(found);
    }

    /// <summary>
    /// The conversation as its own fetch shows it (LifecycleTimers.Snapshot): a timer already due
    /// counts even before the conversation's reminder has applied it.
    /// </summary>
    internal static ConversationSnapshot AsOf(ConversationFiling filing, DateTimeOffset now)
    {
        var timers = new ConversationTimers(filing.InactiveTimer, filing.ClosedTimer, filing.LastActivity);
        var state = ConversationLifecycle.Elapse(filing.Header.State, timers, now);
        return filing.Header with { State = state, DateInactive = timers.InactiveDue(state), DateClosed = timers.ClosedDue(state) };
    }

    /// <summary>The index of the first key at or after (before, descending) <paramref name="start"/>.</summary>
    private int FirstIndex(long start, bool descending)
    {
        var keys = byPosition.Keys;
        var (low, high) = (0, keys.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (keys[middle] < start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        // low: the first key >= start.
        return !descending ? low : low < keys.Count && keys[low] == start ? low : low - 1;
    }

    private long NewPosition()
    {
        var micros = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        State.LastStamp = Math.Max(micros, State.LastStamp + 1);
        return (State.LastStamp * DirectoryShards.Count) + DirectoryShards.ShardOfKey(this.GetPrimaryKeyString());
    }

    private async Task WriteAsync(Action revert)
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            revert();
            throw;
        }
    }
}
