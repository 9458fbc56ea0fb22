using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Events;

/// <summary>
/// Finds feeds whose queues may have missed a notification (the silo that was to send it died
/// between the commit and the one-way call) and notifies them again: on start, every feed written
/// within <see cref="WebhookDeliveryOptions.ResumeLookback"/>; then, every
/// <see cref="WebhookDeliveryOptions.SweepPeriod"/>, those written since the last sweep. Queues
/// that are caught up ignore the notification.
/// </summary>
internal sealed partial class WebhookSweep(
    IGrainFactory grains, IEventStore events, IOptions<WebhookDeliveryOptions> options, TimeProvider time, ILogger<WebhookSweep> logger) : BackgroundService
{
    private const int MaxPerSweep = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var since = time.GetUtcNow() - options.Value.ResumeLookback;
        using var timer = new PeriodicTimer(options.Value.SweepPeriod, time);
        do
        {
            var started = time.GetUtcNow();
            try
            {
                await SweepAsync(since);
                since = started - options.Value.SweepPeriod;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SweepAsync(DateTimeOffset since)
    {
        foreach (var (conversationSid, highest) in await events.RecentAsync(since, MaxPerSweep))
        {
            var last = await events.ReadAsync(conversationSid, highest - 1, 1);
            if (last is [{ ChatServiceSid: { Length: > 0 } service }])
            {
                await grains.GetGrain<IEventFanOutGrain>(conversationSid).NotifyAsync(service, highest);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The webhook sweep failed; it runs again at its next period")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
