using ConversationEngine.Conversations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// Warns at start that <c>Lifecycle:TestingOnlyMinimumTimer</c> is set, from the silo that applies
/// it (the embedded host's and every stand-alone silo), since it is grains that accept the short timers.
/// </summary>
internal sealed partial class TestingTimersWarning(IOptions<LifecycleOptions> lifecycle, ILogger<TestingTimersWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (lifecycle.Value.TestingOnlyMinimumTimer is { } minimum)
        {
            LogTestingTimers(logger, minimum);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lifecycle:TestingOnlyMinimumTimer is set ({Minimum}): conversation timers below Twilio's minimums are accepted. Never set it in production.")]
    private static partial void LogTestingTimers(ILogger logger, TimeSpan minimum);
}
