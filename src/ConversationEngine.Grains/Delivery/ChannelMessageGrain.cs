using ConversationEngine.Conversations;

namespace ConversationEngine.Delivery;

[GenerateSerializer]
[Alias("ConversationEngine.ChannelMessageState")]
public sealed class ChannelMessageState
{
    [Id(0)] public DeliveryReceipt? Receipt { get; set; }

    /// <summary>A status callback that arrived before the sending side linked the receipt.</summary>
    [Id(1)] public string? EarlyStatus { get; set; }
    [Id(2)] public int? EarlyErrorCode { get; set; }
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
            // Linked again (a resumed outbox): keep the newer status.
            linked = linked with { Status = current.Status, ErrorCode = current.ErrorCode, DateUpdated = current.DateUpdated };
        }
        else if (DeliveryStatuses.Rank(store.State.EarlyStatus) > DeliveryStatuses.Rank(linked.Status))
        {
            // Twilio's callback overtook the sending side's own record (it may post before its answer arrives).
            linked = linked with { Status = store.State.EarlyStatus, ErrorCode = store.State.EarlyErrorCode, DateUpdated = time.GetUtcNow() };
        }

        await SaveAsync(linked);
    }

    public async Task<DeliveryReceipt?> ApplyStatusAsync(string status, int? errorCode)
    {
        if (store.State.Receipt is not { } current)
        {
            if (DeliveryStatuses.Rank(status) > DeliveryStatuses.Rank(store.State.EarlyStatus))
            {
                // Kept for a link that may still come; for a message we never sent it stays unused.
                (store.State.EarlyStatus, store.State.EarlyErrorCode) = (status, errorCode);
                await store.WriteStateAsync();
            }

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
        // failure here is repaired by the next callback or link. A receipt shows from "sent" on
        // (Conversations has no queued receipt), which spares the page a write per delivery.
        if (DeliveryStatuses.ForReceipt(receipt.Status) is not null)
        {
            await grains.GetGrain<IConversationGrain>(receipt.ConversationSid).PutReceiptAsync(receipt);
        }
    }
}
