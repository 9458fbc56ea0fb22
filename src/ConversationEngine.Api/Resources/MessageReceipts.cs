using ConversationEngine.Conversations;
using ConversationEngine.Delivery;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// A message's delivery receipts, read from its outbox (where status callbacks move them), with
/// any that an earlier version stored on the message itself. A receipt shows from "sent" on, or
/// failed: Conversations has no queued receipt.
/// </summary>
public sealed class MessageReceipts(IGrainFactory grains)
{
    public async Task<IReadOnlyList<DeliveryReceipt>> ForAsync(MessageSnapshot message)
    {
        if (message.Deliveries == 0)
        {
            return message.LegacyReceipts;
        }

        var outbox = await grains.GetGrain<IMessageDeliveryGrain>(DeliveryKeys.Outbox(message.ConversationSid, message.Sid)).GetAsync();
        var current = outbox?.Records.Select(r => r.Receipt).OfType<DeliveryReceipt>().Where(r => DeliveryStatuses.ForReceipt(r.Status) is not null).ToList() ?? [];
        return current
            .Concat(message.LegacyReceipts.Where(legacy => !current.Exists(r => r.Sid == legacy.Sid)))
            .OrderBy(r => r.DateCreated)
            .ThenBy(r => r.Sid, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The receipts of each message, read side by side.</summary>
    public async Task<IReadOnlyList<(MessageSnapshot Message, IReadOnlyList<DeliveryReceipt> Receipts)>> ForAsync(IReadOnlyList<MessageSnapshot> messages)
    {
        var receipts = await Task.WhenAll(messages.Select(ForAsync));
        return messages.Select((m, i) => (m, receipts[i])).ToList();
    }
}
