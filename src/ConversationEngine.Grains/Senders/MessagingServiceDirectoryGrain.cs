namespace ConversationEngine.Senders;

[GenerateSerializer]
[Alias("ConversationEngine.MessagingServiceDirectoryState")]
public sealed class MessagingServiceDirectoryState
{
    [Id(0)] public List<string> Sids { get; set; } = [];
}

/// <summary>The account's Messaging Services in creation order, for listing; an account has few.</summary>
public sealed class MessagingServiceDirectoryGrain(
    [PersistentState("messagingServices", "store")] IPersistentState<MessagingServiceDirectoryState> store) : Grain, IMessagingServiceDirectoryGrain
{
    private List<string> Sids => store.State.Sids;

    public async Task AddAsync(string messagingServiceSid)
    {
        if (Sids.Contains(messagingServiceSid))
        {
            return;
        }

        Sids.Add(messagingServiceSid);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            Sids.Remove(messagingServiceSid);
            throw;
        }
    }

    public async Task RemoveAsync(string messagingServiceSid)
    {
        var position = Sids.IndexOf(messagingServiceSid);
        if (position < 0)
        {
            return;
        }

        Sids.RemoveAt(position);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            Sids.Insert(position, messagingServiceSid);
            throw;
        }
    }

    public Task<Page<string>> ListAsync(long start, int max) => Task.FromResult(Page.Slice(Sids, start, max));
}
