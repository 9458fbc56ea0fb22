namespace ConversationEngine.Inbound;

[GenerateSerializer]
[Alias("ConversationEngine.UnroutableLogState")]
public sealed class UnroutableLogState
{
    [Id(0)] public List<string> MessageSids { get; set; } = [];
}

/// <summary>
/// Kept in one grain: unroutable messages are a misconfiguration signal for operators, not a
/// traffic path, and each entry is only a SID (the inbound grain keeps the content).
/// </summary>
public sealed class UnroutableLogGrain(
    [PersistentState("unroutable", "store")] IPersistentState<UnroutableLogState> store) : Grain, IUnroutableLogGrain
{
    public async Task AppendAsync(string messageSid)
    {
        if (store.State.MessageSids.Contains(messageSid))
        {
            return;
        }

        store.State.MessageSids.Add(messageSid);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.MessageSids.Remove(messageSid);
            throw;
        }
    }

    public Task<Page<string>> ListAsync(long start, int max) => Task.FromResult(Page.Slice(store.State.MessageSids, start, max));
}
