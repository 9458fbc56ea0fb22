using ConversationEngine.Accounts;
using ConversationEngine.Contacts;
using ConversationEngine.Rules;
using ConversationEngine.Senders;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Delivery;

/// <summary>
/// One recipient's delivery attempt, as the outbox runs it: the checks that may refuse it
/// (validity, opt-out, the WhatsApp window), its sender, its pace, and the send. It returns the
/// record as it should now stand; the outbox stores it.
/// </summary>
internal sealed partial class RecipientDelivery(
    IGrainFactory grains, IOutboundTransport transport, TimeProvider time, DeliveryOptions options, ILogger logger, Media.MediaUrlSigner mediaUrls)
{
    /// <summary>Twilio: the WhatsApp customer-service window within which free-form messages may be sent.</summary>
    public static readonly TimeSpan WhatsAppWindow = TimeSpan.FromHours(24);

    private const int Unsubscribed = 21610;
    private const int OutsideWhatsAppWindow = 63016;
    private const int ValidityExpired = 30001;

    /// <summary>One recipient: the checks that may refuse it, its sender, its pace, and the send.</summary>
    public async Task<DeliveryRecord> DeliverAsync(DeliveryOrder order, DeliveryRecord record, DeliveryContext context, CancellationToken cancellationToken)
    {
        var target = record.Target;
        using var activity = Telemetry.EngineMetrics.ActivitySource.StartActivity("deliver");
        activity?.SetTag("engine.channel", target.Channel);
        activity?.SetTag("engine.receipt_sid", target.ReceiptSid);
        var now = time.GetUtcNow();
        var validity = TimeSpan.FromSeconds(context.Pool?.ValidityPeriod ?? options.ValidityPeriodSeconds);
        if (now - order.DateCreated > validity)
        {
            return Fail(record, ValidityExpired, $"Not accepted by Twilio within the validity period of {validity.TotalSeconds:0} s");
        }

        string from;
        string? chosenBy = null;
        try
        {
            (from, chosenBy) = target.From is { } proxy ? (proxy, null) : await ChooseOneWaySenderAsync(order, target, context);
        }
        catch (EngineException refused)
        {
            return Fail(record, refused.Code, refused.Message);
        }

        record = record with { From = from, MessagingServiceSid = chosenBy };

        var scopes = new[] { order.MessagingServiceSid ?? context.MessagingServiceSid, from }.OfType<string>().Distinct().ToList();
        var contacts = await Task.WhenAll(scopes.Select(scope => grains.GetGrain<IContactChannelGrain>(ContactKeys.Channel(scope, target.To)).GetAsync()));
        if (contacts.Any(c => c.OptedOut))
        {
            return Fail(record, Unsubscribed, "Attempt to send to unsubscribed recipient");
        }

        // Consent is per channel: an opt-in recorded for the contact's SMS address says nothing of its WhatsApp one.
        if (context.Consent is { RequireOptIn: true }
            && !contacts.Any(c => c.ConsentState == ConsentStates.OptedIn || c.ConversationsWrittenIn.Contains(order.ConversationSid)))
        {
            return Fail(record, Errors.OptInRequired,
                $"No opt-in is recorded for {target.To} with {context.MessagingServiceSid}, which requires one for messages the contact has not answered by writing in this conversation");
        }

        if (target.Channel == ChannelTypes.WhatsApp && order.ContentSid is null
            && !(contacts.Select(c => c.LastInbound).Max() is { } last && now - last <= WhatsAppWindow))
        {
            return Fail(record, OutsideWhatsAppWindow,
                "Failed to send freeform message because you are outside the allowed window. Please use a Template (ContentSid).");
        }

        var (body, encoding, segments) = Encode(order, target, context.Pool?.SmartEncoding ?? false);
        var wait = await grains.GetGrain<ISenderThrottleGrain>(from).ReserveAsync(segments);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        var attempt = record with
        {
            Encoding = encoding,
            Segments = segments,
            SentBody = body,
            Attempts = record.Attempts + 1,
        };
        var message = new OutboundMessage
        {
            To = target.To,
            From = from,
            Body = body,
            // Signed now, so each attempt hands Twilio URLs that are good for the whole lifetime.
            MediaUrls = [.. order.MediaUrls, .. order.MediaSids.Select(sid => mediaUrls.Sign(sid).ToString())],
            ContentSid = order.ContentSid,
            ContentVariables = order.ContentVariables,
            StatusCallback = options.StatusCallbackUrl,
            ValidityPeriod = (int)Math.Clamp(Math.Ceiling((validity - (now - order.DateCreated)).TotalSeconds), OutboundMessage.MinValidityPeriod, OutboundMessage.MaxValidityPeriod),
        };

        try
        {
            var sent = await transport.SendAsync(message, target.ReceiptSid, cancellationToken);
            return attempt with { State = DeliveryStates.Submitted, ChannelMessageSid = sent.Sid, DateSubmitted = time.GetUtcNow(), ErrorCode = sent.ErrorCode };
        }
        catch (TransportException error) when (error.IsRetryable)
        {
            LogRetry(logger, target.ReceiptSid, error.HttpStatus, error.Message);
            return attempt with { ErrorCode = error.Code, ErrorMessage = error.Message };
        }
        catch (TransportException error)
        {
            return Fail(attempt, error.Code ?? Errors.InvalidParameter, error.Message);
        }
    }

    /// <summary>
    /// A recipient without a proxy address (an address-only participant): seed 000's precedence
    /// picks the source, and a pool picks one of its senders (one-way, so an alphanumeric ID may
    /// win). Returns the sender and, when a pool chose it, the pool.
    /// </summary>
    private async Task<(string From, string? ChosenBy)> ChooseOneWaySenderAsync(DeliveryOrder order, DeliveryTarget target, DeliveryContext context)
    {
        var service = order.MessagingServiceSid ?? context.MessagingServiceSid;
        var source = SenderPrecedence.Resolve(target.Channel, twoWay: false, service, options.SenderId, options.DefaultNumber);
        switch (source)
        {
            case SenderPrecedence.Source.SenderId:
                return (options.SenderId!, null);
            case SenderPrecedence.Source.Number:
                return (target.Channel == ChannelTypes.WhatsApp ? "whatsapp:" + options.DefaultNumber : options.DefaultNumber!, null);
        }

        var pool = context.Pool ?? throw Errors.Invalid(21704, $"The Messaging Service {service} contains no senders");
        var channel = target.Channel == ChannelTypes.Sms && order.HasMedia ? "mms" : target.Channel;
        var (ranked, sticky) = await PoolChoice.RankAsync(grains, pool, channel, target.To, twoWay: false);
        var sender = ranked[0];
        await PoolChoice.KeepAsync(grains, pool, target.To, sender, sticky);
        return (sender.AddressFor(target.Channel), pool.MessagingServiceSid);
    }

    private static (string? Body, string? Encoding, int Segments) Encode(DeliveryOrder order, DeliveryTarget target, bool smartEncoding)
    {
        if (order.Body is null || order.ContentSid is not null)
        {
            return (null, null, 1);
        }

        if (target.Channel != ChannelTypes.Sms || order.HasMedia)
        {
            // WhatsApp, Messenger and MMS bill one message whatever the text.
            return (order.Body, null, 1);
        }

        var encoded = SmsEncoding.Encode(order.Body, smartEncoding);
        return (encoded.Text, encoded.Charset == SmsCharset.Gsm7 ? "gsm7" : "ucs2", encoded.Segments);
    }

    private static DeliveryRecord Fail(DeliveryRecord record, int code, string message) =>
        record with { State = DeliveryStates.Failed, ErrorCode = code, ErrorMessage = message };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {ReceiptSid} not accepted yet ({HttpStatus}: {Reason}); retried on the next round")]
    private static partial void LogRetry(ILogger logger, string receiptSid, int httpStatus, string reason);
}

/// <summary>What all recipients of one round share: the pool, its settings and its consent policy.</summary>
internal sealed record DeliveryContext(SenderPool? Pool, string? MessagingServiceSid, ConsentPolicy? Consent = null)
{
    public static async Task<DeliveryContext> LoadAsync(DeliveryOrder order, IGrainFactory grains, DeliveryOptions options)
    {
        var service = order.MessagingServiceSid;
        if (service is null && order.Targets.Any(t => t.From is null) && options.AccountSid is { } account)
        {
            service = (await grains.GetGrain<IAccountGrain>(account).GetConfigurationAsync()).DefaultMessagingServiceSid;
        }

        if (service is null)
        {
            return new DeliveryContext(null, null);
        }

        // A pool deleted meanwhile leaves the recipients that needed it without a sender.
        return new DeliveryContext(
            await grains.GetGrain<IMessagingServiceGrain>(service).GetPoolAsync(), service, await grains.GetGrain<IConsentPolicyGrain>(service).GetAsync());
    }
}
