namespace ConversationEngine.Accounts;

[GenerateSerializer]
[Alias("ConversationEngine.DirectoryPageState")]
public sealed class DirectoryPageState
{
    [Id(0)] public Dictionary<long, string> Entries { get; set; } = [];
}

public sealed class DirectoryPageGrain(
    [PersistentState("directory", "store")] IPersistentState<DirectoryPageState> store) : Grain, IDirectoryPageGrain
{
    public async Task PutAsync(long position, string conversationSid)
    {
        if (store.State.Entries.TryGetValue(position, out var existing) && existing == conversationSid)
        {
            return;
        }

        store.State.Entries[position] = conversationSid;
        await store.WriteStateAsync();
    }

    public Task ClearAsync() => store.ClearStateAsync();

    public Task<IReadOnlyList<DirectoryEntry>> RangeAsync(long first, long last, bool descending, int max)
    {
        var inRange = store.State.Entries.Where(e => e.Key >= first && e.Key <= last);
        var ordered = descending ? inRange.OrderByDescending(e => e.Key) : inRange.OrderBy(e => e.Key);
        return Task.FromResult<IReadOnlyList<DirectoryEntry>>(
            ordered.Take(max).Select(e => new DirectoryEntry { Position = e.Key, ConversationSid = e.Value }).ToList());
    }
}
