using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace ConversationEngine.Twilio.Messages;

/// <summary>
/// The typed <see cref="HttpClient"/> behind <see cref="ITwilioMessagesClient"/>:
/// <c>POST {BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c> as a form, HTTP Basic with
/// the API key (when configured) or the auth token. Register it with
/// <see cref="TwilioMessagesServiceCollectionExtensions.AddTwilioMessagesClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{TwilioMessagesOptions})"/>,
/// which puts the retry pipeline in front of it; this class itself sends each request once.
/// </summary>
public sealed class TwilioMessagesClient : ITwilioMessagesClient
{
    private static readonly ProductInfoHeaderValue[] UserAgent =
    [
        new("ConversationEngine", typeof(TwilioMessagesClient).Assembly.GetName().Version?.ToString(3) ?? "1.0.0"),
        new($"(.NET {Environment.Version})"),
    ];

    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    private readonly HttpClient httpClient;
    private readonly TwilioMessagesOptions options;
    private readonly TimeProvider timeProvider;

    public TwilioMessagesClient(HttpClient httpClient, IOptions<TwilioMessagesOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.httpClient = httpClient;
        this.options = options.Value;
        this.timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public Task<OutboundMessageResult> SendAsync(OutboundMessageRequest request, CancellationToken cancellationToken = default)
    {
        // Checked before the first await, so a bad request throws at the call rather than in the task.
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (!options.HasCredentials)
        {
            throw new InvalidOperationException(
                "Twilio credentials are not configured: set Twilio:AccountSid and Twilio:AuthToken, or Twilio:ApiKeySid and Twilio:ApiKeySecret.");
        }

        return SendCoreAsync(request, cancellationToken);
    }

    private async Task<OutboundMessageResult> SendCoreAsync(OutboundMessageRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, MessagesUrl())
        {
            // Buffered content, so every retry of the resilience handler can send it again.
            Content = new FormUrlEncodedContent(request.ToFormParameters()),
        };
        message.Headers.Authorization = BasicCredentials();
        message.Headers.Accept.Add(Json);
        foreach (var product in UserAgent)
        {
            message.Headers.UserAgent.Add(product);
        }

        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TwilioApiException(
                TwilioApiException.NoAnswer, code: null, $"Twilio did not answer within {options.Timeout.TotalSeconds:0.###} s.", innerException: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout, when the client was built without the handler's per-attempt timeout.
            throw new TwilioApiException(TwilioApiException.NoAnswer, code: null, "Twilio did not answer in time.", innerException: e);
        }
        catch (HttpRequestException e)
        {
            throw new TwilioApiException(TwilioApiException.NoAnswer, code: null, $"Twilio could not be reached: {e.Message}", innerException: e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                throw TwilioApiException.FromAnswer(status, response.ReasonPhrase, body, RetryAfter.From(response, timeProvider));
            }

            try
            {
                return OutboundMessageResult.Parse(body);
            }
            catch (FormatException e)
            {
                // The message probably exists: not retryable, as a retry would likely send it twice.
                throw new TwilioApiException(status, code: null, $"Twilio's answer could not be read: {e.Message}", innerException: e);
            }
        }
    }

    private Uri MessagesUrl() =>
        new($"{options.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(options.AccountSid!)}/Messages.json");

    // An API key is Twilio's advice for production (revocable, per application); the auth token is the fallback.
    private AuthenticationHeaderValue BasicCredentials()
    {
        var (user, password) = options.UsesApiKey
            ? (options.ApiKeySid!, options.ApiKeySecret!)
            : (options.AccountSid!, options.AuthToken!);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }
}
