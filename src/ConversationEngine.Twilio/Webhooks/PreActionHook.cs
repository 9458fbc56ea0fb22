using ConversationEngine.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Twilio.Webhooks;

/// <summary>
/// Calls the account's or a service's pre-action hook (onMessageAdd, onConversationAdd…) and reads
/// its answer by Twilio's table (see <see cref="PreActionDecision"/>): one attempt, never retried,
/// bounded by <see cref="WebhookOptions.PreActionTimeout"/> (Twilio's 5 seconds).
/// </summary>
public sealed partial class PreActionHook(WebhookClient client, IOptions<WebhookOptions> options, ILogger<PreActionHook> logger)
{
    private const string EventTypeParameter = "EventType";

    /// <summary>
    /// The hook's decision on <paramref name="eventType"/>; <see cref="PreActionDecision.NotCalled"/>
    /// (proceed) without a request when the target's filters do not include it. The parameters are
    /// sent as given, with <c>EventType</c> first when they lack it, signed with <paramref name="authToken"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<PreActionDecision> CallAsync(
        PreActionTarget target,
        string eventType,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        string authToken,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!target.Filters.Contains(eventType, StringComparer.Ordinal))
        {
            return PreActionDecision.NotCalled;
        }

        var call = new WebhookCall
        {
            Url = target.Url,
            Method = target.Method,
            Parameters = parameters.Any(p => p.Key == EventTypeParameter) ? parameters : [new(EventTypeParameter, eventType), .. parameters],
            AuthToken = authToken,
            // Pre-action hooks are never retried: each call is its own event.
            IdempotencyToken = Guid.NewGuid().ToString("N"),
            Timeout = options.Value.PreActionTimeout,
        };
        var outcome = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        var decision = PreActionDecision.From(outcome, eventType);
        var url = WebhookClient.Describe(target.Url);
        LogDecision(logger, eventType, url, decision.Verdict, outcome.StatusCode, outcome.Failure, decision.Note);

        return decision;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pre-action {EventType} at {Url}: {Verdict} (status {Status}, failure {Failure}) {Note}")]
    private static partial void LogDecision(ILogger logger, string eventType, string url, PreActionVerdict verdict, int? status, WebhookFailure failure, string? note);
}
