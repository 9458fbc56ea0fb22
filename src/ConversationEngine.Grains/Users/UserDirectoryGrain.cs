namespace ConversationEngine.Users;

[GenerateSerializer]
[Alias("ConversationEngine.UserDirectoryState")]
public sealed class UserDirectoryState
{
    [Id(0)] public long NextPosition { get; set; }
    [Id(1)] public SortedDictionary<long, string> Entries { get; set; } = [];
}

/// <summary>
/// A service's users in creation order. One grain holds the whole list: enough for the agents and
/// customers of one service at the engine's scale, and written once per user created or deleted.
/// </summary>
public sealed class UserDirectoryGrain(
    [PersistentState("users", "store")] IPersistentState<UserDirectoryState> store) : Grain, IUserDirectoryGrain
{
    public async Task AddAsync(string userSid)
    {
        if (store.State.Entries.ContainsValue(userSid))
        {
            return;
        }

        var position = store.State.NextPosition;
        store.State.Entries[position] = userSid;
        store.State.NextPosition = position + 1;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.Entries.Remove(position);
            store.State.NextPosition = position;
            throw;
        }
    }

    public async Task RemoveAsync(string userSid)
    {
        var entry = store.State.Entries.FirstOrDefault(e => e.Value == userSid);
        if (entry.Value is null)
        {
            return;
        }

        store.State.Entries.Remove(entry.Key);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.Entries[entry.Key] = entry.Value;
            throw;
        }
    }

    public async Task ClearAsync()
    {
        await store.ClearStateAsync();
        store.State = new UserDirectoryState();
    }

    public Task<IReadOnlyList<UserEntry>> RangeAsync(long start, int max) =>
        Task.FromResult<IReadOnlyList<UserEntry>>(store.State.Entries
            .Where(e => e.Key >= start)
            .Take(max)
            .Select(e => new UserEntry { Position = e.Key, UserSid = e.Value })
            .ToList());
}
