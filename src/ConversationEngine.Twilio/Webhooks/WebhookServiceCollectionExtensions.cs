using ConversationEngine.Twilio.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Twilio.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="WebhookClient"/> (a typed <see cref="HttpClient"/> with no retry handler
    /// and no redirects), <see cref="PreActionHook"/> and <see cref="WebhookOptions"/> bound from the
    /// <see cref="WebhookOptions.SectionName"/> section. Once per service collection, however many
    /// hosts compose it (the embedded front end and its silo).
    /// </summary>
    public static IServiceCollection AddTwilioWebhooks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(PreActionHook)))
        {
            return services;
        }

        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<WebhookClient>(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            // WebhookClient logs each call itself (without query or body); the factory's own request
            // logging would add four Information lines per webhook.
            .RemoveAllLoggers()
            .WithLongLivedHandler(static handler =>
            {
                // A 3xx is the receiver's answer; following it could lead anywhere.
                handler.AllowAutoRedirect = false;
                handler.UseCookies = false;
            });
        services.AddTransient<PreActionHook>();
        return services;
    }
}
