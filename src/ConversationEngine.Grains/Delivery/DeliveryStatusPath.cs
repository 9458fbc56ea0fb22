namespace ConversationEngine.Delivery;

/// <summary>
/// Where a status Twilio reports for a channel message goes: asked of the channel message (which
/// keeps it should its delivery not be linked yet), then applied to the delivery's outbox. The
/// caller (the status webhook) drives both calls, so neither grain calls the other.
/// </summary>
public static class DeliveryStatusPath
{
    /// <returns>The receipt as it now stands; null when the status is kept for a link, or for a message this engine did not send.</returns>
    public static async Task<DeliveryReceipt?> ApplyAsync(IGrainFactory grains, string channelMessageSid, string status, int? errorCode)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var reported = new ChannelStatus { Status = status, ErrorCode = errorCode };
        var link = await grains.GetGrain<IChannelMessageGrain>(channelMessageSid).RouteAsync(reported);
        return link is null ? null : await grains.GetGrain<IMessageDeliveryGrain>(link.Outbox).ApplyStatusAsync(link.ReceiptSid, reported);
    }
}
