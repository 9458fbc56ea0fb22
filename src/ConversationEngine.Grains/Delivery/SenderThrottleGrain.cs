using ConversationEngine.Senders;
using ConversationEngine.Telemetry;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Delivery;

/// <summary>
/// Paces one sender: each send takes <c>segments / rate</c> seconds of the sender's time, one
/// after the other, so the sender never exceeds its rate (no bursts). Slots are in memory: after
/// a crash the outboxes ask again and the pace starts afresh, which never sends faster.
/// </summary>
public sealed class SenderThrottleGrain(IGrainFactory grains, TimeProvider time, IOptions<DeliveryOptions> options, EngineMetrics metrics)
    : Grain, ISenderThrottleGrain, IDisposable
{
    /// <summary>How long a looked-up rate is trusted, so a changed Mps takes effect soon.</summary>
    private static readonly TimeSpan RateLifetime = TimeSpan.FromSeconds(30);

    private DateTimeOffset nextFree = DateTimeOffset.MinValue;
    private (double Rate, DateTimeOffset Until)? rate;
    private IDisposable? tracked;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var sender = this.GetPrimaryKeyString();
        tracked = metrics.TrackSender(() => (sender, rate?.Rate, nextFree - time.GetUtcNow()));
        return Task.CompletedTask;
    }

    public void Dispose() => tracked?.Dispose();

    public async Task<TimeSpan> ReserveAsync(int segments)
    {
        var perSecond = await GetRateAsync();
        var now = time.GetUtcNow();
        var start = nextFree > now ? nextFree : now;
        var booked = Math.Max(segments, 1);
        nextFree = start + TimeSpan.FromSeconds(booked / perSecond);
        metrics.SegmentsBooked(this.GetPrimaryKeyString(), booked);
        return start - now;
    }

    public async Task<double> GetRateAsync()
    {
        var now = time.GetUtcNow();
        if (rate is { } known && known.Until > now)
        {
            return known.Rate;
        }

        var address = this.GetPrimaryKeyString();
        var registered = options.Value.AccountSid is not { } account
            ? null
            : await grains.GetGrain<ISenderRegistryGrain>(account).FindAsync(Rules.ChannelAddress.Bare(address));
        var perSecond = registered?.Mps ?? DefaultRate(address, registered?.Kind, options.Value.Mps);
        rate = (perSecond, now + RateLifetime);
        return perSecond;
    }

    /// <summary>The default rate of a sender by what it is: its registered kind, or its address's form.</summary>
    public static double DefaultRate(string address, string? kind, MpsDefaults defaults)
    {
        if (address.StartsWith("whatsapp:", StringComparison.Ordinal))
        {
            return defaults.WhatsApp;
        }

        return kind switch
        {
            SenderKinds.ShortCode => defaults.ShortCode,
            SenderKinds.TollFree => defaults.TollFree,
            SenderKinds.Alpha => defaults.Alpha,
            SenderKinds.LongCode => address.StartsWith("+1", StringComparison.Ordinal) ? defaults.LongCode : defaults.InternationalLongCode,
            _ when address.Length is >= 3 and <= 8 && address.All(char.IsAsciiDigit) => defaults.ShortCode,
            _ when Rules.SenderSelection.IsAlphanumericId(address) => defaults.Alpha,
            _ when address.StartsWith("+1", StringComparison.Ordinal) => defaults.LongCode,
            _ => defaults.InternationalLongCode,
        };
    }
}
