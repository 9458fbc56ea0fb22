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
    IHostApplicationLifetime lifetime,
    Delivery.StatusCallbackReadiness callbacks,
    ILogger<EngineStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Kestrel listens once the application has started: from then on status callbacks arrive.
        lifetime.ApplicationStarted.Register(callbacks.MarkReady);

        // The testing-only timer floor is announced by the silo that applies it (TestingTimersWarning).
        if (options.Value.AllowWeakSecrets)
        {
            foreach (var problem in EngineOptionsValidator.WeakSecretProblems(options.Value))
            {
                Grains.Hosting.WeakSecrets.LogAccepted(logger, problem);
            }
        }

        var configuration = await grains.GetGrain<IAccountGrain>(options.Value.AccountSid!).GetConfigurationAsync();
        LogReady(logger, configuration.AccountSid, configuration.DefaultChatServiceSid, options.Value.PublicBaseUrl);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountSid} ready; default conversation service {ChatServiceSid}; API at {BaseUrl}/v1")]
    private static partial void LogReady(ILogger logger, string accountSid, string chatServiceSid, string baseUrl);
}
