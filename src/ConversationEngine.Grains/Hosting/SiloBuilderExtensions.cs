using ConversationEngine.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace ConversationEngine.Grains.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// What every silo hosting the engine's grains needs besides storage and clustering, so the
    /// embedded host, stand-alone silos and test clusters are configured alike.
    /// </summary>
    public static ISiloBuilder AddConversationEngineGrains(this ISiloBuilder builder, Action<LifecycleOptions>? configureLifecycle = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        var lifecycle = builder.Services.AddOptions<LifecycleOptions>()
            .Validate(o => o.ReminderPeriod > TimeSpan.Zero, "Lifecycle:ReminderPeriod must be positive")
            .Validate(o => o.TestingOnlyMinimumTimer is null || o.TestingOnlyMinimumTimer > TimeSpan.Zero, "Lifecycle:TestingOnlyMinimumTimer must be positive when set");
        if (configureLifecycle is not null)
        {
            lifecycle.Configure(configureLifecycle);
        }

        // Orleans refuses reminder periods below its minimum; a shorter lifecycle period (tests)
        // lowers that minimum with it.
        builder.Services.AddOptions<ReminderOptions>()
            .Configure<IOptions<LifecycleOptions>>((reminders, options) =>
            {
                if (options.Value.ReminderPeriod < reminders.MinimumReminderPeriod)
                {
                    reminders.MinimumReminderPeriod = options.Value.ReminderPeriod;
                }
            });
        return builder;
    }
}
