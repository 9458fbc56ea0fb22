using ConversationEngine.Api.Http;
using ConversationEngine.Delivery;
using ConversationEngine.Inbound;
using ConversationEngine.Twilio;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// What Twilio calls: <c>/webhooks/twilio/messages</c> (incoming SMS, MMS, WhatsApp, Messenger;
/// POST or GET, answered with TwiML) and <c>/webhooks/twilio/status</c> (delivery status
/// callbacks). Every request is signature-checked before anything is read into the engine.
/// </summary>
public static partial class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/webhooks/twilio").WithTags("Twilio webhooks").AllowAnonymous();
        group.MapMethods("/messages", ["GET", "POST"], InboundAsync).WithName("TwilioIncomingMessage");
        group.MapPost("/status", StatusAsync).WithName("TwilioStatusCallback");
        return routes;
    }

    public static async Task<IResult> InboundAsync(HttpRequest request, TwilioWebhook webhook, IGrainFactory grains, ILogger<TwilioWebhook> logger)
    {
        var parameters = await webhook.ReadVerifiedAsync(request);
        InboundMessage message;
        try
        {
            message = InboundMessage.Parse(parameters);
        }
        catch (FormatException error)
        {
            LogInvalid(logger, "incoming message", error.Message);
            throw Errors.Invalid("webhook", error.Message);
        }

        webhook.CheckAccount(message.AccountSid);
        var outcome = await grains.GetGrain<IInboundMessageGrain>(message.MessageSid).ProcessAsync(new InboundRequest
        {
            MessageSid = message.MessageSid,
            AccountSid = message.AccountSid ?? webhook.AccountSid,
            From = message.From,
            To = message.To,
            Body = message.Body,
            MessagingServiceSid = message.MessagingServiceSid,
            Media = message.Media.Select(m => new InboundMediaItem { Url = m.Url.ToString(), ContentType = m.ContentType }).ToList(),
            ProfileName = message.ProfileName,
            WaId = message.WaId,
            FromCountry = message.FromCountry,
        });
        if (outcome.Outcome == InboundOutcomes.Unroutable)
        {
            LogUnroutable(logger, outcome.MessageSid, outcome.Reason);
        }

        return TypedResults.Content(outcome.Reply is { } reply ? TwiML.Message(reply) : TwiML.Empty(), TwiML.ContentType);
    }

    public static async Task<IResult> StatusAsync(HttpRequest request, TwilioWebhook webhook, IGrainFactory grains, ILogger<TwilioWebhook> logger)
    {
        var parameters = await webhook.ReadVerifiedAsync(request);
        StatusCallback callback;
        try
        {
            callback = StatusCallback.Parse(parameters);
        }
        catch (FormatException error)
        {
            LogInvalid(logger, "status callback", error.Message);
            throw Errors.Invalid("webhook", error.Message);
        }

        webhook.CheckAccount(callback.AccountSid);
        var receipt = await grains.GetGrain<IChannelMessageGrain>(callback.MessageSid).ApplyStatusAsync(callback.MessageStatus, callback.ErrorCode);
        if (receipt is null)
        {
            // Not a message this engine sent (another application on the same number): nothing to
            // update, and Twilio must not retry.
            LogUnknownMessage(logger, callback.MessageSid, callback.MessageStatus);
        }

        return TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused Twilio {Kind}: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound message {MessageSid} is unroutable: {Reason}")]
    private static partial void LogUnroutable(ILogger logger, string messageSid, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Status {Status} for {MessageSid}, which this engine did not send")]
    private static partial void LogUnknownMessage(ILogger logger, string messageSid, string status);
}
