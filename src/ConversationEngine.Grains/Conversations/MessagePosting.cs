using ConversationEngine.Delivery;

namespace ConversationEngine.Conversations;

/// <summary>
/// Adding a message: a redelivered inbound message is recognised, the new one drafted, its
/// deliveries recorded in its outbox and then the message appended to the log. The outbox comes
/// first, so once the page holds the message its deliveries are on record; an outbox whose
/// message never reached the log drops itself.
/// </summary>
internal static class MessagePosting
{
    /// <returns>The message, whether it was already there, and its outbox to start (null: nobody to send to).</returns>
    public static async Task<(MessageSnapshot Message, bool Duplicate, IMessageDeliveryGrain? Outbox)> PostAsync(
        IGrainFactory grains, MessageLog log, AddMessage command, ConversationSnapshot header, IReadOnlyList<ParticipantSnapshot> participants, TimeProvider time, DateTimeOffset now,
        Func<MessageSnapshot, Events.ConversationEvent> added)
    {
        if (command.SourceSid is not null && await log.FindRecentAsync(m => m.SourceSid == command.SourceSid) is { } duplicate)
        {
            return (duplicate, true, null);
        }

        if (command.Reservation is { } reservation && await log.FindRecentAsync(m => Sids.IsReservedMessage(m.Sid, reservation)) is { } attempted)
        {
            return (attempted, true, null);
        }

        var message = Rules.Drafts.NewMessage(command, header, log.NextIndex, participants, now);
        message = await Media.MediaAttachment.AttachAsync(grains, message, participants);
        var order = DeliveryOrders.For(message, header, participants, command.ContentVariables, time.GetUtcNow());
        message = message with { Deliveries = order?.Targets.Count ?? 0 };
        var outbox = order is null ? null : grains.GetGrain<IMessageDeliveryGrain>(DeliveryKeys.Outbox(header.Sid, message.Sid));
        if (outbox is not null)
        {
            await outbox.RecordAsync(order!);
        }

        await log.AppendAsync(message, added(message));
        return (message, false, outbox);
    }
}
