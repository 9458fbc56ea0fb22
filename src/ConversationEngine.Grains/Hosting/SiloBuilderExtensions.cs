using System.Net;
using ConversationEngine.Conversations;
using ConversationEngine.Delivery;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Twilio.Messages;
using ConversationEngine.Twilio.Webhooks;
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
        // The engine's meter, which the grains count on (Orleans registers the meter factory).
        builder.Services.TryAddSingleton<Telemetry.EngineMetrics>();
        Media.MediaServices.AddMediaDefaults(builder.Services);
        var lifecycle = builder.Services.AddValidatedOptions<LifecycleOptions>().ValidateWith<LifecycleOptions, LifecycleOptionsValidator>();
        if (configureLifecycle is not null)
        {
            lifecycle.Configure(configureLifecycle);
        }

        builder.Services.AddValidatedOptions<DeliveryOptions>().ValidateWith<DeliveryOptions, DeliveryOptionsValidator>();
        builder.Services.AddValidatedOptions<Inbound.InboundOptions>();
        builder.Services.AddValidatedOptions<Events.WebhookDeliveryOptions>();
        builder.Services.AddHostedService<Events.WebhookSweep>();
        builder.Services.AddTwilioWebhooks();
        builder.Services.TryAddSingleton<Events.IWebhookSender, Events.TwilioWebhookSender>();
        builder.Services.TryAddSingleton<Events.PreActionGate>();
        builder.Services.TryAddKeyedSingleton(Events.WebhookDeliveryOptions.Clock, (services, _) => services.GetRequiredService<TimeProvider>());
        builder.Services.TryAddKeyedSingleton(Idempotency.IdempotencyGrain.Clock, (services, _) => services.GetRequiredService<TimeProvider>());

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
        return builder;
    }

    /// <summary>
    /// A silo of the engine as configuration describes it: SQLite (localhost clustering, one
    /// silo) or PostgreSQL (ADO.NET membership, as many silos as run), the engine's grains and
    /// the options they read (Lifecycle, Inbound, Delivery). The embedded front end and the
    /// stand-alone silo host both compose a silo through here, so they cannot drift apart.
    /// </summary>
    /// <param name="sqliteConnectionString">The SQLite database for the <c>Sqlite</c> provider; its schema is ensured by a start-up step before the silo starts.</param>
    /// <param name="configureWebhooks">Sets the account and the auth token that signs Conversations webhooks.</param>
    public static ISiloBuilder AddConversationEngineSilo(
        this ISiloBuilder builder, IConfiguration configuration, string? sqliteConnectionString, Action<DeliveryOptions> configureDelivery, Action<Events.WebhookDeliveryOptions> configureWebhooks)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var silo = configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        builder.Services.AddHostingOptions(configuration);
        builder.Services.AddEngineSchemaStartup(storage.IsPostgres ? null : sqliteConnectionString);
        if (storage.IsPostgres)
        {
            var connectionString = storage.ConnectionString
                ?? throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is PostgreSql.");
            builder.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (silo.ClusterId, silo.ServiceId));
            builder.ConfigureClusterEndpoints(silo);
            builder.Services.AddClusterSecurityNotice();
            builder.UsePostgres(connectionString);
        }
        else
        {
            // Loopback only; no client gateway unless one is configured: the front end is in-process.
            builder.UseLocalhostClustering(silo.SiloPort, silo.EmbeddedGatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            builder.UseSqliteStorage(sqliteConnectionString ?? throw new InvalidOperationException("The Sqlite provider needs a database file."));
        }

        FailoverOptions.Apply(builder, configuration);
        // Both modes: the embedded host's loopback ports are protected too once a certificate is named.
        builder.UseClusterTls(configuration);
        if (Telemetry.TelemetryOptions.Tracing(configuration))
        {
            // A trace continues through grain calls (and across silos) only when it is exported.
            builder.AddActivityPropagation();
        }

        builder.Services.AddValidatedOptions<LifecycleOptions>(configuration.GetSection(LifecycleOptions.Section));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, TestingTimersWarning>());
        builder.Services.AddValidatedOptions<Inbound.InboundOptions>(configuration.GetSection(Inbound.InboundOptions.Section));
        builder.Services.AddConversationEngineDelivery(configuration, configureDelivery);
        Media.MediaServices.AddEngineMedia(builder.Services, configuration);
        builder.Services.AddValidatedOptions<Events.WebhookDeliveryOptions>(configuration.GetSection(Events.WebhookDeliveryOptions.Section)).PostConfigure(configureWebhooks);

        // The periodic import of the Twilio account: scheduled (or cancelled) by every silo as it starts; a reminder, so one runs per period in the cluster.
        builder.AddStartupTask(static (services, _) =>
            services.GetRequiredService<IOptions<Events.WebhookDeliveryOptions>>().Value.AccountSid is { } account
                ? services.GetRequiredService<IGrainFactory>().GetGrain<TwilioAccount.ITwilioAccountSyncGrain>(account).ScheduleAsync()
                : Task.CompletedTask);
        return builder.AddConversationEngineGrains();
    }

    /// <summary>
    /// A cluster silo's ports, bound to one address rather than every interface: the configured
    /// listen address, else the advertised one (configured, or the host's as Orleans picks it). A
    /// container binds its own address on the compose network, which the other silos and the front
    /// ends reach it at.
    /// </summary>
    private static void ConfigureClusterEndpoints(this ISiloBuilder builder, SiloOptions silo)
    {
        // Unparsable addresses are left out here; the Orleans section's validator refuses them at start.
        var listen = IPAddress.TryParse(silo.ListenAddress, out var l) ? l : null;
        var advertised = IPAddress.TryParse(silo.AdvertisedIPAddress, out var a) ? a
            : listen is not null && !IsEveryAddress(listen) ? listen
            : null;
        if (advertised is null)
        {
            builder.ConfigureEndpoints(silo.SiloPort, silo.ClusterGatewayPort);
        }
        else
        {
            builder.ConfigureEndpoints(advertised, silo.SiloPort, silo.ClusterGatewayPort);
        }

        if (listen is not null)
        {
            builder.Configure<EndpointOptions>(o =>
            {
                o.SiloListeningEndpoint = new IPEndPoint(listen, silo.SiloPort);
                o.GatewayListeningEndpoint = silo.ClusterGatewayPort > 0 ? new IPEndPoint(listen, silo.ClusterGatewayPort) : null;
            });
        }
    }

    private static bool IsEveryAddress(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>The start-up notice of how this cluster member's Orleans ports are protected (<see cref="ClusterSecurityNotice"/>).</summary>
    public static IServiceCollection AddClusterSecurityNotice(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, ClusterSecurityNotice>());
        return services;
    }

    /// <summary>
    /// The <c>Orleans</c> and <c>Storage</c> sections, bound and validated on start, for every host
    /// (front end in either mode, stand-alone silo).
    /// </summary>
    public static IServiceCollection AddHostingOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<SiloOptions>(configuration.GetSection(SiloOptions.Section)).ValidateWith<SiloOptions, SiloOptionsValidator>();
        services.AddValidatedOptions<StorageOptions>(configuration.GetSection(StorageOptions.Section)).ValidateWith<StorageOptions, StorageOptionsValidator>();
        return services;
    }

    /// <summary>
    /// Outbound delivery: Twilio's Messages API when <c>Twilio</c> credentials are configured,
    /// otherwise the built-in sandbox transport. The host sets the account and status callback URL.
    /// </summary>
    public static IServiceCollection AddConversationEngineDelivery(this IServiceCollection services, IConfiguration configuration, Action<DeliveryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<DeliveryOptions>(configuration.GetSection(DeliveryOptions.Section)).PostConfigure(configure);
        services.AddTwilioRestClient(configuration.GetSection(TwilioMessagesOptions.SectionName));
        services.TryAddSingleton(StatusCallbackReadiness.Open());
        services.TryAddSingleton<TwilioTransport>();
        services.TryAddSingleton<TwilioAccount.TwilioAccountConnection>();
        services.TryAddSingleton<SandboxTransport>();
        services.RemoveAll<IOutboundTransport>();
        services.AddSingleton<IOutboundTransport>(provider =>
            provider.GetRequiredService<IOptions<TwilioMessagesOptions>>().Value.HasCredentials
                ? provider.GetRequiredService<TwilioTransport>()
                : provider.GetRequiredService<SandboxTransport>());
        return services;
    }
}
