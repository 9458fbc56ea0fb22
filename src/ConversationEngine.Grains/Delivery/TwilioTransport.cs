using ConversationEngine.Twilio.Messages;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace ConversationEngine.Delivery;

/// <summary>
/// Twilio's Messages API through Twilio's own library (<see cref="MessageResource"/>) over the
/// resilient HTTP client (retries, timeouts: see <see cref="TwilioMessagesServiceCollectionExtensions"/>);
/// statuses come back by webhook.
/// </summary>
public sealed class TwilioTransport(IHttpClientFactory httpClients, IOptions<TwilioMessagesOptions> options, StatusCallbackReadiness callbacks) : IOutboundTransport
{
    /// <summary>Twilio's limit on <c>MediaUrl</c> parameters per message.</summary>
    public const int MaxMediaUrls = 10;

    public async Task<TransportResult> SendAsync(OutboundMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var create = ToCreateOptions(message);
        var settings = options.Value;
        if (!settings.HasCredentials)
        {
            throw new TransportException(null, 0, true,
                "Twilio credentials are not configured: set Twilio:AccountSid and Twilio:AuthToken (and optionally Twilio:ApiKeySid and Twilio:ApiKeySecret).");
        }

        // Twilio reports the statuses once: not before they can be received.
        await callbacks.Ready.WaitAsync(cancellationToken);

        // One client per send: its LastResponse is this send's, and the HTTP client is the factory's current one.
        var client = httpClients.CreateTwilioRestClient(settings);
        try
        {
            // The library takes no cancellation token; the caller stops waiting, the attempt runs out its timeout.
            var created = await MessageResource.CreateAsync(create, client).WaitAsync(cancellationToken);
            return new TransportResult(created.Sid, created.Status.ToString(), created.ErrorCode);
        }
        catch (ApiException error)
        {
            // Without Twilio's error body (a proxy's HTML page, a success that could not be read) the status is the last answer's.
            var status = error.Status != 0 ? error.Status : (int?)client.HttpClient.LastResponse?.StatusCode ?? 0;
            throw Refused(status, error.Code, error.Message, error);
        }
        catch (ApiStandardException error)
        {
            throw Refused(error.Status, error.Code, error.Detail ?? error.Title ?? error.Message, error);
        }
        catch (ApiConnectionException error)
        {
            var reason = error.InnerException is TimeoutRejectedException
                ? $"Twilio did not answer within {settings.Timeout.TotalSeconds:0.###} s."
                : $"Twilio could not be reached: {error.InnerException?.Message ?? error.Message}";
            throw new TransportException(null, 0, true, reason, error);
        }
    }

    public Task<IReadOnlyList<string>> StatusesAfterLinkAsync(string channelMessageSid, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Refuses, with 20001, a message Twilio would refuse for its shape, before any call is made.</summary>
    /// <exception cref="TransportException">The message breaks one of Twilio's rules; not retryable.</exception>
    internal static void Validate(OutboundMessage message)
    {
        var problem = message switch
        {
            _ when string.IsNullOrWhiteSpace(message.To) => "'To' is required.",
            _ when string.IsNullOrEmpty(message.From) => "'From' is required.",
            _ when string.IsNullOrEmpty(message.Body) && message.MediaUrls.Count == 0 && string.IsNullOrEmpty(message.ContentSid) =>
                "One of 'Body', 'MediaUrls' and 'ContentSid' must be given.",
            _ when message.MediaUrls.Count > MaxMediaUrls => $"At most {MaxMediaUrls} media URLs may be sent with one message.",
            _ when message.MediaUrls.Any(string.IsNullOrWhiteSpace) => "Media URLs must not be empty.",
            _ when !string.IsNullOrEmpty(message.ContentVariables) && string.IsNullOrEmpty(message.ContentSid) => "'ContentVariables' needs 'ContentSid'.",
            _ when message.ValidityPeriod is < OutboundMessage.MinValidityPeriod or > OutboundMessage.MaxValidityPeriod =>
                $"'ValidityPeriod' must be between {OutboundMessage.MinValidityPeriod} and {OutboundMessage.MaxValidityPeriod} seconds.",
            _ => null,
        };
        if (problem is not null)
        {
            throw new TransportException(Errors.InvalidParameter, 0, false, problem);
        }
    }

    internal static CreateMessageOptions ToCreateOptions(OutboundMessage message)
    {
        Validate(message);
        var mediaUrls = new List<Uri>();
        foreach (var url in message.MediaUrls)
        {
            mediaUrls.Add(AbsoluteUrl(url, "MediaUrl"));
        }

        return new CreateMessageOptions(new PhoneNumber(message.To))
        {
            From = new PhoneNumber(message.From),
            Body = NullIfEmpty(message.Body),
            MediaUrl = mediaUrls,
            StatusCallback = message.StatusCallback is { Length: > 0 } callback ? AbsoluteUrl(callback, "StatusCallback") : null,
            ContentSid = NullIfEmpty(message.ContentSid),
            ContentVariables = NullIfEmpty(message.ContentVariables),
            ValidityPeriod = message.ValidityPeriod,
        };
    }

    // Twilio's own text, verbatim, so it can be passed on; its documentation link stays on the inner ApiException.
    private static TransportException Refused(int status, int code, string message, Exception error) =>
        new(code == 0 ? null : code, status, TwilioMessagesServiceCollectionExtensions.IsRetryableStatus(status), message, error);

    private static Uri AbsoluteUrl(string url, string parameter) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new TransportException(Errors.InvalidParameter, 0, false, $"'{parameter}' must be an absolute http(s) URL.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
