using ConversationEngine.Twilio.Webhooks;
using ConversationEngine.Webhooks;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Events;

/// <summary>
/// Sends a post-event webhook with Twilio's wire layer (<see cref="WebhookClient"/>): signed with
/// the account's auth token, the event's idempotency token on every attempt. A 2xx delivers; a
/// connection failure, a timeout, a 5xx or a 429 is worth another try; another answer is final.
/// </summary>
internal sealed class TwilioWebhookSender(WebhookClient client, IOptions<WebhookDeliveryOptions> options) : IWebhookSender
{
    public async Task<WebhookAttempt> SendAsync(WebhookTarget target, IReadOnlyList<KeyValuePair<string, string>> parameters, string idempotencyToken, CancellationToken cancellationToken)
    {
        var token = options.Value.AuthToken
            ?? throw new InvalidOperationException("Webhooks:AuthToken is not set: Conversations webhooks cannot be signed.");
        var outcome = await client.SendAsync(
            new WebhookCall
            {
                Url = target.Url,
                Method = target.Method,
                Parameters = parameters,
                AuthToken = token,
                IdempotencyToken = idempotencyToken,
                Timeout = options.Value.RequestTimeout,
            },
            cancellationToken);
        if (outcome.IsSuccess)
        {
            return WebhookAttempt.Success;
        }

        var error = outcome.StatusCode is { } status ? $"HTTP {status}" : outcome.Error ?? outcome.Failure.ToString();
        return new WebhookAttempt(false, outcome.IsUnavailable || outcome.StatusCode == 429, error);
    }
}
