using ConversationEngine.Conversations;
using ConversationEngine.Delivery;
using ConversationEngine.Twilio.Messages;
using Microsoft.Extensions.Configuration;
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
            .Configure<IOptions<LifecycleOptions>, IOptions<DeliveryOptions>>((reminders, lifecycle, delivery) =>
            {
                var shortest = lifecycle.Value.ReminderPeriod < delivery.Value.RetryPeriod ? lifecycle.Value.ReminderPeriod : delivery.Value.RetryPeriod;
                if (shortest < reminders.MinimumReminderPeriod)
                {
                    reminders.MinimumReminderPeriod = shortest;
                }
            });
        // Without AddConversationEngineDelivery (test clusters), deliveries go to the sandbox.
        builder.Services.TryAddSingleton<IOutboundTransport, SandboxTransport>();
        builder.Services.AddOptions<DeliveryOptions>()
            .Validate(o => o.RetryPeriod > TimeSpan.Zero, "Delivery:RetryPeriod must be positive")
            .Validate(o => o.ValidityPeriodSeconds is >= 1 and <= 36000, "Delivery:ValidityPeriodSeconds must be between 1 and 36000")
            .Validate(o => o.SenderId is null || Rules.SenderSelection.IsAlphanumericId(o.SenderId), "Delivery:SenderId must be an alphanumeric sender ID (up to 11 characters, not all digits)")
            .Validate(
                o => new[] { o.Mps.LongCode, o.Mps.InternationalLongCode, o.Mps.TollFree, o.Mps.ShortCode, o.Mps.Alpha, o.Mps.WhatsApp, o.Mps.MessagingService }.All(r => r > 0),
                "Delivery:Mps rates must be positive");
        return builder;
    }

    /// <summary>
    /// Outbound delivery: Twilio's Messages API when <c>Twilio</c> credentials are configured,
    /// otherwise the built-in sandbox transport. The host sets the account and status callback URL.
    /// </summary>
    public static IServiceCollection AddConversationEngineDelivery(this IServiceCollection services, IConfiguration configuration, Action<DeliveryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section)).PostConfigure(configure).ValidateOnStart();
        services.AddTwilioMessagesClient(configuration.GetSection(TwilioMessagesOptions.SectionName));
        services.TryAddSingleton<TwilioTransport>();
        services.TryAddSingleton<SandboxTransport>();
        services.RemoveAll<IOutboundTransport>();
        services.AddSingleton<IOutboundTransport>(provider =>
            provider.GetRequiredService<IOptions<TwilioMessagesOptions>>().Value.HasCredentials
                ? provider.GetRequiredService<TwilioTransport>()
                : provider.GetRequiredService<SandboxTransport>());
        return services;
    }
}
