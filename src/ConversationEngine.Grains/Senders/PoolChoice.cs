using ConversationEngine.Contacts;
using ConversationEngine.Rules;

namespace ConversationEngine.Senders;

/// <summary>
/// A pool's candidates for one recipient, as both the proxy choice (two-way) and a one-way send
/// ask for them: the recipient's sticky sender from its contact channel, the selection rules,
/// and the pool's turn for spreading new recipients.
/// </summary>
public static class PoolChoice
{
    /// <param name="channel">sms, mms or whatsapp: what the sender must be able to send.</param>
    /// <param name="address">The recipient's channel address (<c>+1…</c> or <c>whatsapp:+1…</c>).</param>
    /// <returns>The eligible senders, best first, and the recipient's sticky sender (null when the pool does not keep one).</returns>
    public static async Task<(IReadOnlyList<Sender> Ranked, string? Sticky)> RankAsync(IGrainFactory grains, SenderPool pool, string channel, string address, bool twoWay)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(pool);
        var sticky = pool.StickySender ? (await Contact(grains, pool, address).GetAsync()).StickySenderSid : null;
        var ranked = SenderSelection.Rank(
            new SenderNeed(channel, ChannelAddress.Bare(address), twoWay, sticky),
            // A sender the Twilio account no longer has is kept for the record, never chosen.
            pool.Senders.Where(s => s.DateMissing is null).ToList(),
            new PoolSettings(pool.StickySender, pool.AreaCodeGeomatch),
            await grains.GetGrain<IMessagingServiceGrain>(pool.MessagingServiceSid).NextTurnAsync());
        return (ranked, sticky);
    }

    /// <summary>Makes <paramref name="chosen"/> the recipient's sticky sender, when the pool keeps one and it changed.</summary>
    public static Task KeepAsync(IGrainFactory grains, SenderPool pool, string address, Sender chosen, string? sticky)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(chosen);
        return pool.StickySender && chosen.Sid != sticky
            ? Contact(grains, pool, address).SetStickySenderAsync(chosen.Sid)
            : Task.CompletedTask;
    }

    private static IContactChannelGrain Contact(IGrainFactory grains, SenderPool pool, string address) =>
        grains.GetGrain<IContactChannelGrain>(ContactKeys.Channel(pool.MessagingServiceSid, address));
}
