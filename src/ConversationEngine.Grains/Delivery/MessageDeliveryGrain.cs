using ConversationEngine.Accounts;
using ConversationEngine.Contacts;
using ConversationEngine.Conversations;
using ConversationEngine.Rules;
using ConversationEngine.Senders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Delivery;

[GenerateSerializer]
[Alias("ConversationEngine.MessageDeliveryState")]
public sealed class MessageDeliveryState
{
    [Id(0)] public DeliveryOrder? Order { get; set; }
    [Id(1)] public List<DeliveryRecord> Records { get; set; } = [];

    /// <summary>The conversation's log is known to hold the message (else a crash came between recording and appending).</summary>
    [Id(2)] public bool Confirmed { get; set; }
}

/// <summary>
/// The outbox of one conversation message. The order is written (with a reminder) before the
/// conversation appends the message, so a crash at any point afterwards resumes from here: a
/// pending delivery is sent, a submitted one is never sent again, and an order whose message
/// never reached the log is dropped.
/// </summary>
public sealed partial class MessageDeliveryGrain(
    [PersistentState("delivery", "store")] IPersistentState<MessageDeliveryState> store,
    IGrainFactory grains,
    IOutboundTransport transport,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<MessageDeliveryGrain> logger) : Grain, IMessageDeliveryGrain, IRemindable, IDisposable
{
    /// <summary>Twilio: the WhatsApp customer-service window within which free-form messages may be sent.</summary>
    public static readonly TimeSpan WhatsAppWindow = TimeSpan.FromHours(24);

    private const string RetryReminder = "deliver";
    private const int Unsubscribed = 21610;
    private const int OutsideWhatsAppWindow = 63016;
    private const int ValidityExpired = 30001;

    private IGrainTimer? kick;
    private readonly CancellationTokenSource stopping = new();

    private MessageDeliveryState State => store.State;

    public async Task RecordAsync(DeliveryOrder order)
    {
        if (State.Order is not null)
        {
            return;
        }

        State.Order = order;
        State.Records = order.Targets.Select(t => new DeliveryRecord { Target = t, State = DeliveryStates.Pending }).ToList();
        try
        {
            // The reminder first: should the write fail, it fires once, finds nothing and goes away.
            await this.RegisterOrUpdateReminder(RetryReminder, options.Value.RetryPeriod, options.Value.RetryPeriod);
            await store.WriteStateAsync();
        }
        catch
        {
            (State.Order, State.Records) = (null, []);
            throw;
        }
    }

    public Task StartAsync()
    {
        if (State.Order is null)
        {
            return Task.CompletedTask;
        }

        State.Confirmed = true;
        kick?.Dispose();
        kick = this.RegisterGrainTimer(DeliverPendingAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task ForgetAsync()
    {
        await stopping.CancelAsync();
        kick?.Dispose();
        await StopRemindingAsync();
        if (State.Order is not null || store.RecordExists)
        {
            await store.ClearStateAsync();
        }

        store.State = new MessageDeliveryState();
        DeactivateOnIdle();
    }

    public void Dispose() => stopping.Dispose();

    public Task<DeliverySnapshot?> GetAsync() =>
        Task.FromResult(State.Order is { } order ? new DeliverySnapshot { Order = order, Records = State.Records.ToList() } : null);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Order is not { } order)
        {
            await StopRemindingAsync();
            return;
        }

        if (!State.Confirmed)
        {
            if (!await InLogAsync(order))
            {
                LogDropped(logger, order.MessageSid, order.ConversationSid);
                await StopRemindingAsync();
                await store.ClearStateAsync();
                store.State = new MessageDeliveryState();
                return;
            }

            State.Confirmed = true;
        }

        await DeliverPendingAsync(CancellationToken.None);
    }

    private async Task DeliverPendingAsync(CancellationToken cancellationToken)
    {
        kick?.Dispose();
        kick = null;
        if (State.Order is not { } order)
        {
            return;
        }

        var pending = State.Records.Select((record, position) => (record, position)).Where(r => r.record.State == DeliveryStates.Pending).ToList();
        if (pending.Count > 0)
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            var stop = stopping.Token;
            var context = await DeliveryContext.LoadAsync(order, grains, options.Value);
            DeliveryRecord[] outcomes;
            try
            {
                outcomes = await Task.WhenAll(pending.Select(p => DeliverAsync(order, p.record, context, stop)));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            if (stop.IsCancellationRequested || !ReferenceEquals(State.Order, order))
            {
                // Forgotten meanwhile: nothing to record any more.
                return;
            }

            for (var i = 0; i < pending.Count; i++)
            {
                State.Records[pending[i].position] = outcomes[i];
            }

            await store.WriteStateAsync(CancellationToken.None);
            foreach (var outcome in outcomes.Where(o => o.State != DeliveryStates.Pending))
            {
                await ReportAsync(order, outcome, cancellationToken);
            }
        }

        if (State.Records.TrueForAll(r => r.State != DeliveryStates.Pending))
        {
            await StopRemindingAsync();
        }
    }

    /// <summary>One recipient: the checks that may refuse it, its sender, its pace, and the send.</summary>
    private async Task<DeliveryRecord> DeliverAsync(DeliveryOrder order, DeliveryRecord record, DeliveryContext context, CancellationToken cancellationToken)
    {
        var target = record.Target;
        var now = time.GetUtcNow();
        var validity = TimeSpan.FromSeconds(context.Pool?.ValidityPeriod ?? options.Value.ValidityPeriodSeconds);
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
            MediaUrls = order.MediaUrls,
            ContentSid = order.ContentSid,
            ContentVariables = order.ContentVariables,
            StatusCallback = options.Value.StatusCallbackUrl,
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
        var source = SenderPrecedence.Resolve(target.Channel, twoWay: false, service, options.Value.SenderId, options.Value.DefaultNumber);
        switch (source)
        {
            case SenderPrecedence.Source.SenderId:
                return (options.Value.SenderId!, null);
            case SenderPrecedence.Source.Number:
                return (target.Channel == ChannelTypes.WhatsApp ? "whatsapp:" + options.Value.DefaultNumber : options.Value.DefaultNumber!, null);
        }

        var pool = context.Pool ?? throw Errors.Invalid(21704, $"The Messaging Service {service} contains no senders");
        var channel = target.Channel == ChannelTypes.Sms && order.MediaUrls.Count > 0 ? "mms" : target.Channel;
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

        if (target.Channel != ChannelTypes.Sms || order.MediaUrls.Count > 0)
        {
            // WhatsApp, Messenger and MMS bill one message whatever the text.
            return (order.Body, null, 1);
        }

        var encoded = SmsEncoding.Encode(order.Body, smartEncoding);
        return (encoded.Text, encoded.Charset == SmsCharset.Gsm7 ? "gsm7" : "ucs2", encoded.Segments);
    }

    private static DeliveryRecord Fail(DeliveryRecord record, int code, string message) =>
        record with { State = DeliveryStates.Failed, ErrorCode = code, ErrorMessage = message };

    /// <summary>Moves the message's receipt: linked to its channel message, or failed outright.</summary>
    private async Task ReportAsync(DeliveryOrder order, DeliveryRecord record, CancellationToken cancellationToken)
    {
        var now = time.UtcNowToSecond();
        var receipt = new DeliveryReceipt
        {
            Sid = record.Target.ReceiptSid,
            ConversationSid = order.ConversationSid,
            MessageSid = order.MessageSid,
            MessageIndex = order.MessageIndex,
            ParticipantSid = record.Target.ParticipantSid,
            ChannelMessageSid = record.ChannelMessageSid,
            Status = record.State == DeliveryStates.Failed ? "failed" : "queued",
            ErrorCode = record.ErrorCode,
            DateCreated = now,
            DateUpdated = now,
        };

        try
        {
            if (record.ChannelMessageSid is { } channelMessageSid)
            {
                await grains.GetGrain<IChannelMessageGrain>(channelMessageSid).LinkAsync(receipt);
                await transport.AfterLinkedAsync(new TransportResult(channelMessageSid, receipt.Status), cancellationToken);
            }
            else
            {
                await grains.GetGrain<IConversationGrain>(order.ConversationSid).PutReceiptAsync(receipt);
            }
        }
        catch (EngineException gone) when (gone.Kind == ErrorKind.NotFound)
        {
            // The conversation or message was deleted meanwhile: nothing left to show the receipt on.
        }
    }

    private async Task<bool> InLogAsync(DeliveryOrder order)
    {
        try
        {
            await grains.GetGrain<IConversationGrain>(order.ConversationSid).GetMessageAsync(order.MessageSid);
            return true;
        }
        catch (EngineException missing) when (missing.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }

    private async Task StopRemindingAsync()
    {
        if (await this.GetReminder(RetryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {ReceiptSid} not accepted yet ({HttpStatus}: {Reason}); retried on the next round")]
    private static partial void LogRetry(ILogger logger, string receiptSid, int httpStatus, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox of {MessageSid} dropped: the message never reached conversation {ConversationSid}")]
    private static partial void LogDropped(ILogger logger, string messageSid, string conversationSid);

    /// <summary>What all recipients of one round share: the pool and its settings.</summary>
    private sealed record DeliveryContext(SenderPool? Pool, string? MessagingServiceSid)
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

            try
            {
                var pool = await grains.GetGrain<IMessagingServiceGrain>(service).GetPoolAsync();
                return new DeliveryContext(pool, service);
            }
            catch (EngineException missing) when (missing.Kind == ErrorKind.NotFound)
            {
                return new DeliveryContext(null, service);
            }
        }
    }
}
