using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ConversationEngine.Twilio.Messages;

/// <summary>
/// Registers <see cref="ITwilioMessagesClient"/> as a typed <see cref="HttpClient"/> behind a
/// resilience handler:
/// <list type="bullet">
/// <item>at most <see cref="TwilioMessagesOptions.MaxAttempts"/> attempts in all, each cut off after
/// <see cref="TwilioMessagesOptions.Timeout"/>;</item>
/// <item>retried: 408, 429 and every 5xx answer, <see cref="HttpRequestException"/> (connection
/// refused or reset) and a timed-out attempt; never another 4xx, never the caller's cancellation;</item>
/// <item>waiting <c>Retry-After</c> when the answer has one, otherwise an exponential backoff from
/// <see cref="TwilioMessagesOptions.BaseDelay"/> with jitter, capped at <see cref="TwilioMessagesOptions.MaxDelay"/>;
/// a <c>Retry-After</c> beyond that cap stops retrying and surfaces the answer instead.</item>
/// </list>
/// </summary>
/// <remarks>
/// The send is a POST and Twilio's Messages API takes no idempotency key, so a retry after a
/// timeout, a dropped connection or a 5xx can create the message twice if Twilio had in fact
/// accepted the first attempt. That is the accepted trade-off: delivery is at least once, and a
/// duplicate text is cheaper than a lost one. 429 and 408 answers mean the message was not created,
/// so retrying them never duplicates. The caller's own HTTP client timeout is switched off: the
/// per-attempt timeout and the bounded attempts and delays limit how long a send can take.
/// </remarks>
public static class TwilioMessagesServiceCollectionExtensions
{
    /// <summary>The resilience pipeline's name, as it appears in Polly's logs and metrics.</summary>
    public const string PipelineName = "twilio-messages";

    /// <summary>Registers the client with options set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; validated when the host starts.</param>
    /// <returns>The typed client's builder, for further handlers.</returns>
    public static IHttpClientBuilder AddTwilioMessagesClient(this IServiceCollection services, Action<TwilioMessagesOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<TwilioMessagesOptions>().Configure(configure);
        return AddClient(services);
    }

    /// <summary>Registers the client with options bound from configuration.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">
    /// The section holding the options, usually <c>configuration.GetSection(TwilioMessagesOptions.SectionName)</c>.
    /// </param>
    /// <returns>The typed client's builder, for further handlers.</returns>
    public static IHttpClientBuilder AddTwilioMessagesClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<TwilioMessagesOptions>().Bind(configuration);
        return AddClient(services);
    }

    private static IHttpClientBuilder AddClient(IServiceCollection services)
    {
        services.AddOptions<TwilioMessagesOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioMessagesOptions>, TwilioMessagesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        var builder = services.AddHttpClient<ITwilioMessagesClient, TwilioMessagesClient>(
            static client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler(PipelineName, static (pipeline, context) =>
        {
            var options = context.GetOptions<TwilioMessagesOptions>();
            var timeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            if (options.MaxAttempts > 1)
            {
                pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.BaseDelay,
                    MaxDelay = options.MaxDelay,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options.MaxDelay, timeProvider)),
                    // Null falls back to the backoff above.
                    DelayGenerator = args => ValueTask.FromResult(RetryAfter.From(args.Outcome.Result, timeProvider)),
                });
            }

            // Added after the retry, so it sits inside it: the limit is per attempt, and a timed-out
            // attempt surfaces as TimeoutRejectedException, which the retry handles.
            pipeline.AddTimeout(options.Timeout);
        });
        return builder;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxDelay, TimeProvider timeProvider)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        var response = outcome.Result!;
        return TwilioApiException.IsRetryableStatus((int)response.StatusCode)
            && !(RetryAfter.From(response, timeProvider) > maxDelay);
    }
}
