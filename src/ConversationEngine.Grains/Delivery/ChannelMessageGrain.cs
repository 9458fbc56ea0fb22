using ConversationEngine.Conversations;

namespace ConversationEngine.Delivery;

[GenerateSerializer]
[Alias("ConversationEngine.ChannelMessageState")]
public sealed class ChannelMessageState
{
    [Id(0)] public DeliveryReceipt? Receipt { get; set; }
}

public sealed class ChannelMessageGrain(
    [PersistentState("channelmessage", "store")] IPersistentState<ChannelMessageState> store,
    IGrainFactory grains,
    TimeProvider time) : Grain, IChannelMessageGrain
{
    public async Task LinkAsync(DeliveryReceipt receipt)
    {
        var linked = receipt with { ChannelMessageSid = this.GetPrimaryKeyString() };
        if (store.State.Receipt is { } current && DeliveryStatuses.Rank(current.Status) > DeliveryStatuses.Rank(linked.Status))
        {
            // A callback overtook the sending side's own record: keep the newer status.
            linked = linked with { Status = current.Status, ErrorCode = current.ErrorCode, DateUpdated = current.DateUpdated };
        }

        await SaveAsync(linked);
    }

    public async Task<DeliveryReceipt?> ApplyStatusAsync(string status, int? errorCode)
    {
        if (store.State.Receipt is not { } current)
        {
            return null;
        }

        if (DeliveryStatuses.Rank(status) <= DeliveryStatuses.Rank(current.Status))
        {
            return current;
        }

        await SaveAsync(current with { Status = status, ErrorCode = errorCode, DateUpdated = time.GetUtcNow() });
        return store.State.Receipt;
    }

    public Task<DeliveryReceipt?> GetAsync() => Task.FromResult(store.State.Receipt);

    private async Task SaveAsync(DeliveryReceipt receipt)
    {
        var previous = store.State.Receipt;
        store.State.Receipt = receipt;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.Receipt = previous;
            throw;
        }

        // The conversation's copy is what clients read; this grain's copy is the record, so a
        // failure here is repaired by the next callback or link.
        await grains.GetGrain<IConversationGrain>(receipt.ConversationSid).PutReceiptAsync(receipt);
    }
}
