using ConversationEngine.Conversations;

namespace ConversationEngine.Delivery;

/// <summary>What a new message's outbox is told to deliver.</summary>
internal static class DeliveryOrders
{
    /// <summary>
    /// One delivery for every participant with a channel address except the message's author (chat
    /// participants read the log itself); null when there is nobody to send to.
    /// </summary>
    public static DeliveryOrder? For(
        MessageSnapshot message, ConversationSnapshot header, IEnumerable<ParticipantSnapshot> participants, string? contentVariables, DateTimeOffset now)
    {
        var targets = participants
            .Where(p => p.MessagingBinding is { Address: not null } && p.Sid != message.ParticipantSid)
            .Select(p => new DeliveryTarget
            {
                ParticipantSid = p.Sid,
                ReceiptSid = Sids.New(Sids.DeliveryReceipt),
                Channel = p.MessagingBinding!.Type,
                To = p.MessagingBinding.Address!,
                From = p.MessagingBinding.ProxyAddress,
            })
            .ToList();
        if (targets.Count == 0)
        {
            return null;
        }

        return new DeliveryOrder
        {
            ConversationSid = message.ConversationSid,
            MessageSid = message.Sid,
            MessageIndex = message.Index,
            Body = message.Body,
            MediaUrls = message.Media?.Select(m => m.Url).OfType<string>().ToList() ?? [],
            // An inbound item that could not be fetched has no content to hand on.
            MediaSids = message.Media?.Where(m => m.HasContent).Select(m => m.Sid).ToList() ?? [],
            ContentSid = message.ContentSid,
            ContentVariables = contentVariables,
            MessagingServiceSid = header.MessagingServiceSid,
            Targets = targets,
            DateCreated = now,
        };
    }

    /// <summary>Deleting messages stops what is still to be sent of them and removes their outboxes.</summary>
    public static async Task ForgetAsync(IGrainFactory grains, IEnumerable<MessageSnapshot> messages)
    {
        foreach (var message in messages.Where(m => m.Deliveries > 0))
        {
            await grains.GetGrain<IMessageDeliveryGrain>(DeliveryKeys.Outbox(message.ConversationSid, message.Sid)).ForgetAsync();
        }
    }
}
