using ConversationEngine.Events;
using ConversationEngine.Twilio.Webhooks;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// The pre-action hooks of a REST write (onConversationAdd, onMessageUpdate, onParticipantRemove…):
/// asked only when its <c>X-Twilio-Webhook-Enabled</c> header is <c>true</c>
/// (<see cref="WebhookHeader"/>); the resource they are told about is read only then.
/// </summary>
internal static class PreActions
{
    /// <summary>
    /// The hooks' folded decision, <see cref="PreActionDecision.NotCalled"/> without the header;
    /// a rejection throws (403 / 20403) before anything is written.
    /// </summary>
    /// <param name="subject">The chat service the action happens in and the event's parameters.</param>
    public static async Task<PreActionDecision> AskAsync(
        this PreActionGate gate,
        HttpRequest request,
        bool enabled,
        string eventType,
        Func<Task<(string ChatServiceSid, List<KeyValuePair<string, string>> Parameters)>> subject)
    {
        if (!enabled)
        {
            return PreActionDecision.NotCalled;
        }

        var (chatServiceSid, parameters) = await subject();
        return await gate.CheckAsync(eventType, chatServiceSid, parameters, request.HttpContext.RequestAborted);
    }

    /// <summary>As above, for a subject already at hand.</summary>
    public static Task<PreActionDecision> AskAsync(
        this PreActionGate gate,
        HttpRequest request,
        bool enabled,
        string eventType,
        string chatServiceSid,
        Func<List<KeyValuePair<string, string>>> parameters) =>
        gate.AskAsync(request, enabled, eventType, () => Task.FromResult((chatServiceSid, parameters())));
}
