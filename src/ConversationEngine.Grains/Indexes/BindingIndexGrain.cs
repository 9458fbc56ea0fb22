namespace ConversationEngine.Indexes;

[GenerateSerializer]
[Alias("ConversationEngine.IndexEntryState")]
public sealed class IndexEntryState
{
    [Id(0)] public string? Holder { get; set; }
}

/// <summary>
/// Shared behaviour of the single-holder indexes: the first claimant holds the key until it
/// releases it. A claim by the holder itself succeeds again, so retries are harmless.
/// </summary>
public abstract class SingleHolderIndexGrain(IPersistentState<IndexEntryState> store) : Grain
{
    public async Task<string?> ClaimAsync(string conversationSid)
    {
        if (store.State.Holder is { } holder)
        {
            return holder == conversationSid ? null : holder;
        }

        store.State.Holder = conversationSid;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.Holder = null;
            throw;
        }

        return null;
    }

    public async Task ReleaseAsync(string conversationSid)
    {
        if (store.State.Holder != conversationSid)
        {
            return;
        }

        await store.ClearStateAsync();
        store.State = new IndexEntryState();
        DeactivateOnIdle();
    }

    public Task<string?> GetHolderAsync() => Task.FromResult(store.State.Holder);
}

public sealed class BindingIndexGrain(
    [PersistentState("binding", "store")] IPersistentState<IndexEntryState> store) : SingleHolderIndexGrain(store), IBindingIndexGrain;

public sealed class UniqueNameIndexGrain(
    [PersistentState("uniquename", "store")] IPersistentState<IndexEntryState> store) : SingleHolderIndexGrain(store), IUniqueNameIndexGrain;
