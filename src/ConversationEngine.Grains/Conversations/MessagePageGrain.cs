using ConversationEngine.Grains.Persistence;
namespace ConversationEngine.Conversations;

[GenerateSerializer]
[Alias("ConversationEngine.MessagePageState")]
public sealed class MessagePageState
{
    [Id(0)] public Dictionary<long, MessageSnapshot> Messages { get; set; } = [];

    /// <summary>
    /// Rows written before <see cref="NextIndex"/> kept the highest index here, initialised to -1.
    /// Orleans' serializer leaves out a field equal to its type's default, so a highest index of 0
    /// was never stored and read back as -1: the page then forgot its first message. Read only.
    /// </summary>
    [Id(1)] public long LegacyHighestIndex { get; set; }

    /// <summary>One past the highest index ever appended here (0: none). Its default is its "empty", so nothing is lost.</summary>
    [Id(2)] public long NextIndex { get; set; }

    /// <summary>The highest index ever appended here (removed or not), or -1.</summary>
    public long HighestIndex => Math.Max(
        NextIndex - 1,
        Math.Max(LegacyHighestIndex > 0 ? LegacyHighestIndex : -1, Messages.Count > 0 ? Messages.Keys.Max() : -1));
}

public sealed class MessagePageGrain(
    [PersistentState("messages", "store")] IPersistentState<MessagePageState> store) : Grain, IMessagePageGrain
{
    private MessagePageState State => store.State;

    public async Task AppendAsync(MessageSnapshot message)
    {
        if (State.Messages.TryGetValue(message.Index, out var existing))
        {
            if (existing.Sid == message.Sid)
            {
                return;
            }

            throw new InvalidOperationException($"Message index {message.Index} is already taken by {existing.Sid}");
        }

        if (message.Index <= State.HighestIndex)
        {
            throw new InvalidOperationException($"Message index {message.Index} was used before (highest {State.HighestIndex})");
        }

        var previousNext = State.NextIndex;
        State.Messages[message.Index] = message;
        State.NextIndex = message.Index + 1;
        await store.WriteOrRevertAsync(() =>
        {
            State.Messages.Remove(message.Index);
            State.NextIndex = previousNext;
        });
    }

    public Task<MessageSnapshot?> GetAsync(long index) =>
        Task.FromResult(State.Messages.GetValueOrDefault(index));

    public async Task ReplaceAsync(MessageSnapshot message)
    {
        if (!State.Messages.TryGetValue(message.Index, out var previous) || previous.Sid != message.Sid)
        {
            throw Errors.Unknown($"Message {message.Sid}");
        }

        State.Messages[message.Index] = message;
        await store.WriteOrRevertAsync(() => State.Messages[message.Index] = previous);
    }

    public async Task<bool> RemoveAsync(long index)
    {
        if (!State.Messages.Remove(index, out var removed))
        {
            return false;
        }

        await store.WriteOrRevertAsync(() => State.Messages[index] = removed);
        return true;
    }

    public Task<IReadOnlyList<MessageSnapshot>> RangeAsync(long first, long last, bool descending, int max)
    {
        var inRange = State.Messages.Values.Where(m => m.Index >= first && m.Index <= last);
        var ordered = descending ? inRange.OrderByDescending(m => m.Index) : inRange.OrderBy(m => m.Index);
        return Task.FromResult<IReadOnlyList<MessageSnapshot>>(ordered.Take(max).ToList());
    }

    public Task<long> HighestIndexAsync() => Task.FromResult(State.HighestIndex);

    public async Task ClearAsync()
    {
        if (store.RecordExists)
        {
            await store.ClearStateAsync();
        }

        store.State = new MessagePageState();
        DeactivateOnIdle();
    }
}
