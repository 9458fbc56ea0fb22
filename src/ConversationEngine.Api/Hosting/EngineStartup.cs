using ConversationEngine.Accounts;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Hosting;

/// <summary>
/// Runs after the silo has started: makes sure the account and its default conversation service
/// exist before the first request needs them.
/// </summary>
internal sealed partial class EngineStartup(
    IGrainFactory grains,
    IOptions<EngineOptions> options,
    IOptions<Conversations.LifecycleOptions> lifecycle,
    ILogger<EngineStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (lifecycle.Value.TestingOnlyMinimumTimer is { } minimum)
        {
            LogTestingTimers(logger, minimum);
        }

        var configuration = await grains.GetGrain<IAccountGrain>(options.Value.AccountSid!).GetConfigurationAsync();
        LogReady(logger, configuration.AccountSid, configuration.DefaultChatServiceSid, options.Value.PublicBaseUrl);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lifecycle:TestingOnlyMinimumTimer is set ({Minimum}): conversation timers below Twilio's minimums are accepted. Never set it in production.")]
    private static partial void LogTestingTimers(ILogger logger, TimeSpan minimum);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountSid} ready; default conversation service {ChatServiceSid}; API at {BaseUrl}/v1")]
    private static partial void LogReady(ILogger logger, string accountSid, string chatServiceSid, string baseUrl);
}
