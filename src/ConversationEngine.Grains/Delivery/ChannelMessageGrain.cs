using ConversationEngine.Grains.Persistence;

namespace ConversationEngine.Delivery;

[GenerateSerializer]
[Alias("ConversationEngine.ChannelMessageState")]
public sealed class ChannelMessageState
{
    /// <summary>Receipts kept here by earlier versions; read for their link only.</summary>
    [Id(0)] public DeliveryReceipt? LegacyReceipt { get; set; }

    /// <summary>A status callback that arrived before the sending side linked the message.</summary>
    [Id(1)] public string? EarlyStatus { get; set; }
    [Id(2)] public int? EarlyErrorCode { get; set; }
    [Id(3)] public ChannelMessageLink? Link { get; set; }
}

/// <summary>
/// The channel message's link to its delivery. Being one activation, it settles the race between
/// the outbox linking and Twilio's first callback: either the link comes first and the callback is
/// routed to the outbox, or the callback is kept and handed to the outbox with the link.
/// </summary>
public sealed class ChannelMessageGrain(
    [PersistentState("channelmessage", "store")] IPersistentState<ChannelMessageState> store) : Grain, IChannelMessageGrain
{
    private ChannelMessageState State => store.State;

    public async Task<ChannelStatus?> LinkAsync(ChannelMessageLink link)
    {
        if (State.Link != link)
        {
            var previous = State.Link;
            State.Link = link;
            await store.WriteOrRevertAsync(() => State.Link = previous);
        }

        return State.EarlyStatus is { } status ? new ChannelStatus { Status = status, ErrorCode = State.EarlyErrorCode } : null;
    }

    public async Task<ChannelMessageLink?> RouteAsync(ChannelStatus status)
    {
        if (Link() is { } link)
        {
            return link;
        }

        if (DeliveryStatuses.Rank(status.Status) > DeliveryStatuses.Rank(State.EarlyStatus))
        {
            // Kept for a link that may still come; for a message we never sent it stays unused.
            var previous = (State.EarlyStatus, State.EarlyErrorCode);
            (State.EarlyStatus, State.EarlyErrorCode) = (status.Status, status.ErrorCode);
            await store.WriteOrRevertAsync(() => (State.EarlyStatus, State.EarlyErrorCode) = previous);
        }

        return null;
    }

    public Task<ChannelMessageLink?> GetAsync() => Task.FromResult(Link());

    private ChannelMessageLink? Link() => State.Link
        ?? (State.LegacyReceipt is { } legacy
            ? new ChannelMessageLink { Outbox = DeliveryKeys.Outbox(legacy.ConversationSid, legacy.MessageSid), ReceiptSid = legacy.Sid }
            : null);
}
