using ConversationEngine.Media;
using ConversationEngine.Twilio.Http;
using ConversationEngine.Twilio.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ConversationEngine.Inbound;

public static class InboundMediaServices
{
    /// <summary>
    /// The inbound media fetcher and its <see cref="HttpClient"/>, for the process that answers
    /// Twilio's webhooks (the media store and the <c>Media</c> and <c>Twilio</c> options are the
    /// host's). Behind the client: retries of 408, 429, 5xx, refused or reset connections and
    /// timed-out attempts, up to <see cref="MediaOptions.InboundFetchAttempts"/> attempts with a
    /// short backoff (the whole fetch has a deadline of its own), each attempt cut off after
    /// <see cref="MediaOptions.InboundFetchTimeout"/>; then <see cref="TwilioMediaHandler"/>
    /// (credentials where they belong, redirects) on a handler that follows no redirect itself.
    /// </summary>
    public static IServiceCollection AddInboundMediaFetching(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<InboundMediaFetcher>();
        var client = services.AddHttpClient(InboundMediaFetcher.HttpClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .WithLongLivedHandler(static handler => handler.AllowAutoRedirect = false);
        client.AddResilienceHandler("twilio-media", static (pipeline, context) =>
            {
                var media = context.ServiceProvider.GetRequiredService<IOptions<MediaOptions>>().Value;
                if (media.InboundFetchAttempts > 1)
                {
                    pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                    {
                        MaxRetryAttempts = media.InboundFetchAttempts - 1,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(250),
                        MaxDelay = TimeSpan.FromSeconds(2),
                        ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is null
                            ? TwilioMessagesServiceCollectionExtensions.IsRetryableStatus((int)args.Outcome.Result!.StatusCode)
                            : args.Outcome.Exception is HttpRequestException or TimeoutRejectedException),
                    });
                }

                // Inside the retry: the limit is per attempt.
                pipeline.AddTimeout(media.InboundFetchTimeout);
            });
        client.AddHttpMessageHandler(static provider => new TwilioMediaHandler(provider.GetRequiredService<IOptions<TwilioMessagesOptions>>()));
        return services;
    }
}
