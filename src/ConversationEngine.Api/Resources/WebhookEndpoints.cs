using ConversationEngine.Api.Http;
using ConversationEngine.Contacts;
using ConversationEngine.Delivery;
using ConversationEngine.Inbound;
using ConversationEngine.Twilio;
using Twilio.TwiML;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// What Twilio calls: <c>/webhooks/twilio/messages</c> (incoming SMS, MMS, WhatsApp, Messenger;
/// POST or GET, answered with TwiML) and <c>/webhooks/twilio/status</c> (delivery status
/// callbacks). Every request is signature-checked before anything is read into the engine, and
/// before anything is forwarded to the application (see <see cref="TwilioForwarding"/>).
/// </summary>
public static partial class WebhookEndpoints
{
    /// <summary>
    /// The media type of the TwiML answer. Twilio accepts <c>text/xml</c>, <c>application/xml</c> and
    /// <c>text/html</c>; its own messaging examples send <c>text/xml</c>.
    /// </summary>
    public const string TwiMLContentType = "text/xml";

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Twilio.Webhooks.EngineWebhookPaths.Root).WithTags("Twilio webhooks").AllowAnonymous();
        group.MapMethods("/messages", ["GET", "POST"], InboundAsync).WithName("TwilioIncomingMessage")
            .WithSummary("Twilio calls this for an incoming message (set it as the number's or Messaging Service's messaging webhook); signed with X-Twilio-Signature, answered with TwiML");
        group.MapPost("/status", StatusAsync).WithName("TwilioStatusCallback")
            .WithSummary("Twilio calls this with an outbound message's status; signed with X-Twilio-Signature");
        return routes;
    }

    /// <remarks>
    /// A message no conversation takes is kept as unroutable and forwarded, as Twilio would have
    /// delivered it, to its Messaging Service's inbound URL (then fallback URL). When the
    /// application answers TwiML, that TwiML is the answer to Twilio, as when Twilio calls the
    /// application itself; except that a keyword the engine answered (help, opt-out, opt-in text)
    /// keeps the engine's answer, so a confirmation the contact is owed is never replaced (the
    /// engine's choice: Twilio's precedence here is not documented). Otherwise the engine answers.
    /// Media are fetched from Twilio into the media store first (see <see cref="InboundMediaFetcher"/>),
    /// except when the message was handled already (a redelivery is answered from its outcome).
    /// </remarks>
    public static async Task<IResult> InboundAsync(
        HttpRequest request, TwilioWebhook webhook, TwilioForwarding forwarding, InboundMediaFetcher media, IHostApplicationLifetime lifetime, IGrainFactory grains, ILogger<TwilioWebhook> logger)
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

        var inbound = grains.GetGrain<IInboundMessageGrain>(message.MessageSid);
        IReadOnlyList<InboundMediaItem> fetched = message.Media.Count > 0 && await inbound.GetAsync() is null
            ? await media.FetchAsync(message.MessageSid, message.Media, lifetime.ApplicationStopping)
            : message.Media.Select(m => new InboundMediaItem { Url = m.Url.ToString(), ContentType = m.ContentType }).ToList();
        var outcome = await inbound.ProcessAsync(new InboundRequest
        {
            MessageSid = message.MessageSid,
            // The signature proved the request's account is the one this engine serves; its
            // numbers, conversations and opt-outs live under the engine's own account.
            AccountSid = webhook.AccountSid,
            From = message.From,
            To = message.To,
            Body = message.Body,
            MessagingServiceSid = message.MessagingServiceSid,
            Media = fetched,
            ProfileName = message.ProfileName,
            WaId = message.WaId,
            FromCountry = message.FromCountry,
        });
        if (outcome.Outcome == InboundOutcomes.Unroutable)
        {
            LogUnroutable(logger, outcome.MessageSid, outcome.Reason);
            var forwarded = await forwarding.ForwardInboundAsync(outcome, parameters, webhook.AuthToken, request.Host.Value, request.HttpContext.RequestAborted);
            if (forwarded.Forwards.Count > 0)
            {
                await grains.GetGrain<IInboundMessageGrain>(outcome.MessageSid).RecordForwardsAsync(forwarded.Forwards);
            }

            // A keyword's answer is the keyword's, whether the engine gives it or Twilio did already: the application's TwiML would be a second one.
            var keywordAnswered = outcome.Keyword.Action != KeywordAction.None && (outcome.Reply is not null || outcome.Keyword.AnsweredByTwilio);
            if (forwarded.TwiML is { } applicationAnswer && !keywordAnswered)
            {
                return TypedResults.Content(applicationAnswer, TwiMLContentType);
            }
        }

        string twiml;
        try
        {
            twiml = TwiMLAnswer(outcome.Reply);
        }
        catch (ArgumentException error)
        {
            // A configured reply XML cannot carry: the message is in, so answer without the reply rather than fail.
            LogUnwritableReply(logger, outcome.MessageSid, error.Message);
            twiml = TwiMLAnswer(null);
        }

        return TypedResults.Content(twiml, TwiMLContentType);
    }

    /// <summary>The TwiML answer to an incoming message: one <c>&lt;Message&gt;</c> replying with <paramref name="reply"/>, or none.</summary>
    /// <exception cref="ArgumentException">The reply holds characters XML 1.0 cannot carry (e.g. U+0000, a lone surrogate).</exception>
    public static string TwiMLAnswer(string? reply)
    {
        var response = new MessagingResponse();
        if (reply is not null)
        {
            response.Message(reply);
        }

        return response.ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
    }

    /// <remarks>
    /// Once the engine has applied the status and Twilio has its 200, the callback is forwarded to
    /// the Messaging Service's <c>StatusCallback</c> (best effort: one attempt within the forward
    /// timeout, a failure logged, never retried, never Twilio's concern).
    /// </remarks>
    public static async Task<IResult> StatusAsync(
        HttpRequest request,
        TwilioWebhook webhook,
        IGrainFactory grains,
        IServiceScopeFactory scopes,
        IHostApplicationLifetime lifetime,
        ILogger<TwilioWebhook> logger)
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

        var receipt = await DeliveryStatusPath.ApplyAsync(grains, callback.MessageSid, callback.MessageStatus, callback.ErrorCode);
        if (receipt is null)
        {
            // Not a message this engine sent (another application on the same number): nothing to
            // update, and Twilio must not retry.
            LogUnknownMessage(logger, callback.MessageSid, callback.MessageStatus);
        }

        var (token, host) = (webhook.AuthToken, request.Host.Value);
        request.HttpContext.Response.OnCompleted(async () =>
        {
            // A scope of its own: the request's may be gone by the time this runs.
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TwilioForwarding>()
                .ForwardStatusAsync(callback, parameters, token, host, lifetime.ApplicationStopping);
        });
        return TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused Twilio {Kind}: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound message {MessageSid} is unroutable: {Reason}")]
    private static partial void LogUnroutable(ILogger logger, string messageSid, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Inbound message {MessageSid}: the configured reply cannot be written as TwiML ({Reason}); answered without it")]
    private static partial void LogUnwritableReply(ILogger logger, string messageSid, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Status {Status} for {MessageSid}, which this engine did not send")]
    private static partial void LogUnknownMessage(ILogger logger, string messageSid, string status);
}
