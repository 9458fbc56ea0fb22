using ConversationEngine.Telemetry;

namespace ConversationEngine.Api.Hosting;

/// <summary>
/// Counts the inbound Twilio messages refused before they were read (a bad signature, a body too
/// large or unreadable) as <c>engine.inbound.messages{outcome="refused"}</c>; the others are counted
/// by the grain that routes them. Their channel is not known: it is <c>unknown</c>.
/// </summary>
internal sealed class InboundRefusals(RequestDelegate next, EngineMetrics metrics)
{
    private static readonly PathString InboundPath = Twilio.Webhooks.EngineWebhookPaths.Messages;

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Request.Path.Equals(InboundPath, StringComparison.OrdinalIgnoreCase)
            && context.Response.StatusCode is >= 400 and < 500)
        {
            metrics.InboundMessage("unknown", "refused");
        }
    }
}
