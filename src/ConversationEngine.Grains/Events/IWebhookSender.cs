using ConversationEngine.Webhooks;

namespace ConversationEngine.Events;

/// <summary>Sends one post-event webhook request, signed, and says how it went.</summary>
public interface IWebhookSender
{
    Task<WebhookAttempt> SendAsync(WebhookTarget target, IReadOnlyList<KeyValuePair<string, string>> parameters, string idempotencyToken, CancellationToken cancellationToken);
}

/// <summary>
/// How a request went: delivered (2xx), worth retrying (connection error, timeout, 5xx, 429), or
/// refused for good (another 4xx).
/// </summary>
public sealed record WebhookAttempt(bool Delivered, bool Retry, string? Error)
{
    public static WebhookAttempt Success { get; } = new(true, false, null);
}
