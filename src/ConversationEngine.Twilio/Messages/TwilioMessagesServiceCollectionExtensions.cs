using ConversationEngine.Twilio.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Twilio.Clients;
using Twilio.Http;

namespace ConversationEngine.Twilio.Messages;

/// <summary>
/// Registers the <c>Twilio</c> options and the <see cref="HttpClient"/> that Twilio's
/// <see cref="TwilioRestClient"/> sends through (see <see cref="CreateTwilioRestClient"/>), behind a
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
/// so retrying them never duplicates. The HTTP client's own timeout is switched off: the
/// per-attempt timeout and the bounded attempts and delays limit how long a send can take.
/// </remarks>
public static class TwilioMessagesServiceCollectionExtensions
{
    /// <summary>The resilience pipeline's name, as it appears in Polly's logs and metrics.</summary>
    public const string PipelineName = "twilio-messages";

    /// <summary>The named <see cref="HttpClient"/> Twilio's library sends through.</summary>
    public const string HttpClientName = "twilio";

    /// <summary>
    /// The same client without retries (one attempt, cut off after <see cref="TwilioMessagesOptions.Timeout"/>):
    /// for requests a repeat could carry out twice at a cost, such as buying a number.
    /// </summary>
    public const string SingleAttemptHttpClientName = "twilio-single-attempt";

    /// <summary>
    /// Binds and validates the options alone, from the host's configuration section
    /// <see cref="TwilioMessagesOptions.SectionName"/>: a front end without a silo checks webhook
    /// signatures with them.
    /// </summary>
    public static IServiceCollection AddTwilioOptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TwilioMessagesOptions>().BindConfiguration(TwilioMessagesOptions.SectionName);
        return AddValidation(services);
    }

    /// <summary>Registers the client with options set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; validated when the host starts.</param>
    /// <returns>The HTTP client's builder, for further handlers.</returns>
    public static IHttpClientBuilder AddTwilioRestClient(this IServiceCollection services, Action<TwilioMessagesOptions> configure)
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
    /// <returns>The HTTP client's builder, for further handlers.</returns>
    public static IHttpClientBuilder AddTwilioRestClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<TwilioMessagesOptions>().Bind(configuration);
        return AddClient(services);
    }

    /// <summary>
    /// Twilio's REST client over the resilient <see cref="HttpClient"/>, as the API key (when
    /// configured) or the account and its auth token; the account is the one in request paths.
    /// Made per use, as <see cref="IHttpClientFactory"/> clients are meant to be.
    /// </summary>
    public static TwilioRestClient CreateTwilioRestClient(this IHttpClientFactory httpClients, TwilioMessagesOptions options) =>
        httpClients.CreateTwilioRestClient(options, HttpClientName);

    /// <summary>Twilio's REST client over the named client: <see cref="HttpClientName"/> or <see cref="SingleAttemptHttpClientName"/>.</summary>
    public static TwilioRestClient CreateTwilioRestClient(this IHttpClientFactory httpClients, TwilioMessagesOptions options, string httpClientName)
    {
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(options);

        // An API key is Twilio's advice for production (revocable, per application); the auth token is the fallback.
        var (username, password) = options.UsesApiKey
            ? (options.ApiKeySid!, options.ApiKeySecret!)
            : (options.AccountSid!, options.AuthToken!);
        return new TwilioRestClient(username, password, options.AccountSid, httpClient: new SystemNetHttpClient(httpClients.CreateClient(httpClientName)));
    }

    private static IServiceCollection AddValidation(IServiceCollection services)
    {
        services.AddOptions<TwilioMessagesOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioMessagesOptions>, TwilioMessagesOptionsValidator>());
        return services;
    }

    private static IHttpClientBuilder AddClient(IServiceCollection services)
    {
        AddValidation(services);
        services.TryAddSingleton(TimeProvider.System);

        var builder = services.AddHttpClient(HttpClientName, static client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan).WithLongLivedHandler();
        builder.AddHttpMessageHandler(static provider => new TwilioBaseUrlHandler(provider.GetRequiredService<IOptions<TwilioMessagesOptions>>()));
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

        services.AddHttpClient(SingleAttemptHttpClientName, static client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .WithLongLivedHandler()
            .AddHttpMessageHandler(static provider => new TwilioBaseUrlHandler(provider.GetRequiredService<IOptions<TwilioMessagesOptions>>()))
            .AddResilienceHandler(PipelineName + "-single-attempt", static (pipeline, context) =>
                pipeline.AddTimeout(context.GetOptions<TwilioMessagesOptions>().Timeout));
        return builder;
    }

    /// <summary>True for the answers worth the same request again: 408, 429, 5xx, or none at all (0).</summary>
    public static bool IsRetryableStatus(int status) => status is 0 or 408 or 429 or >= 500;

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxDelay, TimeProvider timeProvider)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        var response = outcome.Result!;
        return IsRetryableStatus((int)response.StatusCode)
            && !(RetryAfter.From(response, timeProvider) > maxDelay);
    }
}
