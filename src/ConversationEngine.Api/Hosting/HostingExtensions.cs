using System.Text.Json;
using ConversationEngine.Api.AgentConsole;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Live;
using ConversationEngine.Api.Resources;
using ConversationEngine.Conversations;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Inbound;
using ConversationEngine.Operations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Hosting;

public static class HostingExtensions
{
    /// <summary>Picks the caller's scheme: Access Token when the request carries one, else Basic.</summary>
    private const string CallerScheme = "Caller";

    /// <summary>
    /// The embedded host: front end plus a silo in the same process, with grain storage and
    /// reminders on a SQLite file (schema created or brought up to date by a start-up step before the silo starts).
    /// </summary>
    public static WebApplicationBuilder AddConversationEngine(this WebApplicationBuilder builder)
    {
        var engine = builder.Configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        var console = builder.Configuration.GetSection(AgentConsole.ConsoleOptions.Section).Get<AgentConsole.ConsoleOptions>() ?? new AgentConsole.ConsoleOptions();
        Credentials.Complete(engine, needsApiKey: console.DevelopmentSignIn);
        builder.Services.AddValidatedOptions<EngineOptions>(builder.Configuration.GetSection(EngineOptions.Section))
            .PostConfigure(o =>
            {
                o.AccountSid ??= engine.AccountSid;
                if (string.IsNullOrEmpty(o.AuthToken))
                {
                    o.AuthToken = engine.AuthToken;
                }

                // A key generated for the console's development sign-in (none configured).
                if (o.ApiKeys.Count == 0)
                {
                    o.ApiKeys.AddRange(engine.ApiKeys);
                }
            })
            .ValidateWith<EngineOptions, EngineOptionsValidator>();
        builder.Services.AddValidatedOptions<FailedAuthOptions>(builder.Configuration.GetSection(FailedAuthOptions.Section))
            .ValidateWith<FailedAuthOptions, FailedAuthOptionsValidator>();
        builder.Services.AddHostingOptions(builder.Configuration);
        builder.Services.AddValidatedOptions<LifecycleOptions>(builder.Configuration.GetSection(LifecycleOptions.Section))
            .ValidateWith<LifecycleOptions, LifecycleOptionsValidator>();

        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (silo.IsClient)
        {
            // The front end alone: the grains run in an external cluster it finds in PostgreSQL.
            if (!storage.IsPostgres || string.IsNullOrWhiteSpace(storage.ConnectionString))
            {
                throw new InvalidOperationException("Orleans:Mode=Client joins a cluster through its PostgreSQL membership table: set Storage:Provider=PostgreSql and Storage:ConnectionString.");
            }

            builder.UseOrleansClient(client =>
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (silo.ClusterId, silo.ServiceId));
                client.UsePostgresClustering(storage.ConnectionString);
                FailoverOptions.Apply(client, builder.Configuration);
                client.UseClusterTls(builder.Configuration);
                client.AddEngineDashboard(builder.Configuration);
                if (Telemetry.TelemetryOptions.Tracing(builder.Configuration))
                {
                    client.AddActivityPropagation();
                }
            });
            builder.Services.AddClusterSecurityNotice();
        }
        else
        {
            // This process receives the status callbacks of what its silo sends: no send before it listens.
            builder.Services.AddSingleton(Delivery.StatusCallbackReadiness.Closed());

            // The silo's schema start-up step (AddConversationEngineSilo) creates or upgrades this file.
            var sqlite = storage.IsPostgres ? null : SqliteSchema.BuildConnectionString(engine.DatabasePath);
            builder.UseOrleans(orleans => orleans
                .AddConversationEngineSilo(
                    builder.Configuration,
                    sqlite,
                    delivery =>
                    {
                        delivery.AccountSid ??= engine.AccountSid;
                        delivery.StatusCallbackUrl ??= Twilio.Webhooks.EngineWebhookPaths.Url(engine.PublicBaseUrl, Twilio.Webhooks.EngineWebhookPaths.Status);
                    },
                    webhooks => (webhooks.AccountSid, webhooks.AuthToken) = (engine.AccountSid, engine.AuthToken))
                .AddEngineDashboard(builder.Configuration));
        }

        // Uploads stream into the store here and signed URLs are checked here, in either mode; a
        // generated auth token (none configured) keys the URLs as the configured one would.
        builder.Services.AddOptions<Media.MediaOptions>().PostConfigure(media =>
        {
            media.PublicBaseUrl ??= engine.PublicBaseUrl;
            media.SigningSecret ??= engine.AuthToken;
        });
        Media.MediaServices.AddEngineMedia(builder.Services, builder.Configuration);
        builder.AddDashboardListener();
        builder.Services.TryAddSingleton(Delivery.StatusCallbackReadiness.Open());
        builder.AddEngineTelemetry("conversation-engine");
        builder.Services.AddHostedService<EngineStartup>();
        builder.Services.AddConversationEngineApi();
        return builder;
    }

    /// <summary>The front end's services: JSON dialect, OpenAPI, resource helpers.</summary>
    public static IServiceCollection AddConversationEngineApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => TwilioJson.Configure(o.SerializerOptions));
        services.AddEngineOpenApi();
        // Per request: the conversation service its path acts in decides what is found and how URLs read.
        services.AddScoped<ServiceScope>();
        services.AddScoped<ResourceLinks>();
        services.AddSingleton<SenderLinks>();
        services.AddScoped<ConversationLookup>();
        services.AddSingleton<MessageReceipts>();
        // Webhook signatures need the Twilio account's token even with no silo in this process.
        Twilio.Messages.TwilioMessagesServiceCollectionExtensions.AddTwilioOptions(services);
        services.AddSingleton<TwilioWebhook>();
        // Inbound media are fetched where Twilio's webhook is answered (the silo's calls have a short response timeout).
        Inbound.InboundMediaServices.AddInboundMediaFetching(services);
        Twilio.Webhooks.WebhookServiceCollectionExtensions.AddTwilioWebhooks(services);

        // Pre-action hooks are called from here for REST writes (and from the silo for inbound
        // messages), signed with the account's token.
        services.TryAddSingleton<Events.PreActionGate>();
        services.AddOptions<Events.WebhookDeliveryOptions>().PostConfigure<IOptions<EngineOptions>>((webhooks, engine) =>
        {
            webhooks.AccountSid ??= engine.Value.AccountSid;
            webhooks.AuthToken ??= engine.Value.AuthToken;
        });
        services.AddTransient<TwilioForwarding>();
        // Agents' live streams: one hub per front end, called back by the cluster.
        services.AddValidatedOptions<Live.LiveOptions>().BindConfiguration(Live.LiveOptions.Section);
        services.TryAddSingleton<Live.LiveHub>();
        services.AddHostedService(s => s.GetRequiredService<Live.LiveHub>());
        services.AddOptions<AgentConsole.ConsoleOptions>().BindConfiguration(AgentConsole.ConsoleOptions.Section);
        services.AddProblemDetails();
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [Readiness.Tag])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [Readiness.Tag]);
        services.AddValidatedOptions<FailedAuthOptions>().ValidateWith<FailedAuthOptions, FailedAuthOptionsValidator>();
        services.TryAddSingleton<FailedAuthenticationLimiter>();
        // Account credentials (Basic), or an agent's Access Token (X-Twilio-Token) acting as a user.
        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, CallerScheme, o => o.ForwardDefaultSelector = context =>
                AccessTokenAuthentication.TokenOf(context.Request) is not null ? AccessTokenAuthentication.Scheme : BasicAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthentication.Scheme, configureOptions: null)
            .AddScheme<AuthenticationSchemeOptions, AccessTokenAuthenticationHandler>(AccessTokenAuthentication.Scheme, configureOptions: null);
        // Everything needs credentials unless it says otherwise (health, Twilio's signed webhooks),
        // unknown paths included, so probing reveals nothing.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(CallerScheme).RequireAuthenticatedUser().Build());
        return services;
    }

    public static WebApplication MapConversationEngine(this WebApplication app)
    {
        app.UseMiddleware<InboundRefusals>();
        app.UseMiddleware<TwilioErrorMiddleware>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription().AllowAnonymous();
        app.MapHealthChecks(Readiness.Path, new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Readiness.Tag),
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
            {
                status = report.Status.ToString().ToLowerInvariant(),
                checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString().ToLowerInvariant()),
            }),
        }).AllowAnonymous();
        // The account's credentials (Basic: Account SID or API key), unless Telemetry:Metrics:AllowAnonymous;
        // an agent's Access Token is no way in, as the operator API's resources refuse users too.
        app.MapEngineMetrics(scrape => scrape.RequireAuthorization(new AuthorizationPolicyBuilder(BasicAuthentication.Scheme).RequireAuthenticatedUser().Build()));
        app.MapEngineOpenApi();
        app.MapLiveEndpoints();
        app.MapConsoleEndpoints();
        app.MapEngineDashboard();
        // Uploads are not forms, and users are checked by the endpoints themselves.
        app.MapMediaEndpoints();
        // Every resource checks a user caller's roles first (account credentials pass through).
        var api = app.MapGroup("").AddEndpointFilter<UserAccessFilter>();
        api.MapConfigurationEndpoints();
        api.MapServiceEndpoints();
        api.MapConversationEndpoints();
        api.MapParticipantEndpoints();
        api.MapRoleEndpoints();
        api.MapUserEndpoints();
        api.MapUserConversationEndpoints();
        api.MapConversationWithParticipantsEndpoints();
        api.MapParticipantConversationEndpoints();
        api.MapMessageEndpoints();
        api.MapReceiptEndpoints();
        api.MapAddressConfigurationEndpoints();
        api.MapWebhookConfigurationEndpoints();
        api.MapConversationWebhookEndpoints();
        api.MapMessagingServiceEndpoints();
        api.MapServiceSenderEndpoints();
        api.MapChannelSenderEndpoints();
        api.MapIncomingPhoneNumberEndpoints();
        api.MapShortCodeEndpoints();
        api.MapWebhookEndpoints();
        api.MapOperatorEndpoints();
        api.MapTwilioAccountEndpoints();
        api.MapTwilioSyncEndpoints();
        api.MapWebhookQueueEndpoints();
        api.MapCredentialEndpoints();
        api.MapBindingEndpoints();
        api.MapNotificationConfigurationEndpoints();
        return app;
    }
}
