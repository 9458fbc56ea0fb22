using ConversationEngine.Conversations;
using ConversationEngine.Rules;
using ConversationEngine.Telemetry;
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
/// The outbox of one conversation message and the record of its deliveries: every recipient's
/// state and receipt. The order is written (with a reminder) before the conversation appends the
/// message, so a crash at any point afterwards resumes from here: a pending delivery is sent, a
/// submitted one is never sent again, and an order whose message never reached the log is dropped.
/// Status callbacks move the receipts here; clients read them from here.
/// </summary>
/// <remarks>
/// Calls go out only (to the message page, senders, throttles, channel messages, the transport).
/// <see cref="GetAsync"/>, <see cref="ApplyStatusAsync"/> and <see cref="ForgetAsync"/> are
/// interleaved so that a send round paced by a throttle holds none of them up; the writes they
/// share are serialised by <see cref="writing"/>.
/// </remarks>
public sealed partial class MessageDeliveryGrain(
    [PersistentState("delivery", "store")] IPersistentState<MessageDeliveryState> store,
    IGrainFactory grains,
    IOutboundTransport transport,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<MessageDeliveryGrain> logger,
    Media.MediaUrlSigner mediaUrls,
    EngineMetrics metrics,
    IMessageLogStore? table = null) : Grain, IMessageDeliveryGrain, IRemindable, IDisposable
{
    private const string RetryReminder = "deliver";

    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim writing = new(1, 1);
    private IDisposable? tracked;
    private IGrainTimer? kick;

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
            await WriteAsync();
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
        await writing.WaitAsync();
        try
        {
            if (State.Order is not null || store.RecordExists)
            {
                await store.ClearStateAsync();
            }

            store.State = new MessageDeliveryState();
        }
        finally
        {
            writing.Release();
        }

        DeactivateOnIdle();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        tracked = metrics.TrackOutbox(PendingCount);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        tracked?.Dispose();
        stopping.Dispose();
        writing.Dispose();
    }

    /// <summary>Read by the metrics collector on its own thread: by index, as the grain may be changing the list.</summary>
    private int PendingCount()
    {
        var records = store.State.Records;
        var pending = 0;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].State == DeliveryStates.Pending)
            {
                pending++;
            }
        }

        return pending;
    }

    public Task<DeliverySnapshot?> GetAsync() =>
        Task.FromResult(State.Order is { } order ? new DeliverySnapshot { Order = order, Records = State.Records.ToList() } : null);

    public async Task<DeliveryReceipt?> ApplyStatusAsync(string receiptSid, ChannelStatus status)
    {
        var position = State.Records.FindIndex(r => r.Target.ReceiptSid == receiptSid);
        if (State.Order is not { } order || position < 0)
        {
            return null;
        }

        var record = State.Records[position];
        var current = record.Receipt ?? NewReceipt(order, record, status: null);
        if (DeliveryStatuses.Rank(status.Status) <= DeliveryStatuses.Rank(current.Status))
        {
            return current;
        }

        var moved = current with { Status = status.Status, ErrorCode = status.ErrorCode, DateUpdated = time.UtcNowToSecond() };
        State.Records[position] = record with { Receipt = moved };
        try
        {
            await WriteAsync();
        }
        catch
        {
            if (position < State.Records.Count && State.Records[position].Receipt == moved)
            {
                State.Records[position] = record;
            }

            throw;
        }

        metrics.DeliveryStatus(record.Target.Channel, moved.Status!, moved.ErrorCode);
        await ReportAsync(moved);
        return moved;
    }

    /// <summary>
    /// Tells the conversation a receipt moved, for its feed (onDeliveryUpdated). The receipt is
    /// stored already; a report that fails is logged, not retried.
    /// </summary>
    private async Task ReportAsync(DeliveryReceipt receipt)
    {
        try
        {
            await grains.GetGrain<IConversationGrain>(receipt.ConversationSid).RecordDeliveryAsync(receipt);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReportFailed(logger, e, receipt.Sid);
        }
    }

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
            var recipient = new RecipientDelivery(grains, transport, time, options.Value, logger, mediaUrls);
            DeliveryRecord[] outcomes;
            try
            {
                outcomes = await Task.WhenAll(pending.Select(p => recipient.DeliverAsync(order, p.record, context, stop)));
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

            // Status callbacks only ever touch submitted records, so the pending ones replaced here
            // are as the round found them.
            for (var i = 0; i < pending.Count; i++)
            {
                State.Records[pending[i].position] = outcomes[i].State == DeliveryStates.Failed
                    ? outcomes[i] with { Receipt = NewReceipt(order, outcomes[i], "failed") }
                    : outcomes[i];
            }

            await WriteAsync();
            foreach (var (outcome, position) in outcomes.Select((o, i) => (o, pending[i].position)))
            {
                metrics.DeliveryAttempted(outcome.Target.Channel, outcome.State switch
                {
                    DeliveryStates.Submitted => "submitted",
                    DeliveryStates.Failed => "failed",
                    _ => "retry",
                });
                if (State.Records[position].Receipt is { Status: { } failed } receipt && outcome.State == DeliveryStates.Failed)
                {
                    metrics.DeliveryStatus(outcome.Target.Channel, failed, receipt.ErrorCode);
                }
            }

            foreach (var receipt in pending.Select(p => State.Records[p.position].Receipt).OfType<DeliveryReceipt>())
            {
                await ReportAsync(receipt);
            }

            foreach (var (outcome, position) in outcomes.Select((o, i) => (o, pending[i].position)).Where(o => o.o.State == DeliveryStates.Submitted))
            {
                await LinkAsync(order, outcome, cancellationToken);
            }
        }

        if (State.Records.TrueForAll(r => r.State != DeliveryStates.Pending))
        {
            await StopRemindingAsync();
        }
    }

    /// <summary>
    /// Links the channel message Twilio created to its receipt, so status callbacks find it, and
    /// applies what was reported before the link (Twilio may call back before it answers the send)
    /// and, for the sandbox, the statuses a carrier would report.
    /// </summary>
    private async Task LinkAsync(DeliveryOrder order, DeliveryRecord record, CancellationToken cancellationToken)
    {
        var channelMessageSid = record.ChannelMessageSid!;
        var link = new ChannelMessageLink { Outbox = DeliveryKeys.Outbox(order.ConversationSid, order.MessageSid), ReceiptSid = record.Target.ReceiptSid };
        if (await grains.GetGrain<IChannelMessageGrain>(channelMessageSid).LinkAsync(link) is { } early)
        {
            await ApplyStatusAsync(record.Target.ReceiptSid, early);
        }

        foreach (var status in await transport.StatusesAfterLinkAsync(channelMessageSid, cancellationToken))
        {
            await ApplyStatusAsync(record.Target.ReceiptSid, new ChannelStatus { Status = status });
        }
    }

    private DeliveryReceipt NewReceipt(DeliveryOrder order, DeliveryRecord record, string? status)
    {
        var now = time.UtcNowToSecond();
        return new DeliveryReceipt
        {
            Sid = record.Target.ReceiptSid,
            ConversationSid = order.ConversationSid,
            MessageSid = order.MessageSid,
            MessageIndex = order.MessageIndex,
            ParticipantSid = record.Target.ParticipantSid,
            ChannelMessageSid = record.ChannelMessageSid,
            Status = status,
            ErrorCode = status is null ? null : record.ErrorCode,
            DateCreated = now,
            DateUpdated = now,
        };
    }

    /// <summary>
    /// Whether the message made it into its conversation's log, asked of the log's store (the
    /// message table, or the page grain of a conversation from before it), which calls nobody.
    /// </summary>
    private async Task<bool> InLogAsync(DeliveryOrder order) =>
        (table is not null && (await table.GetAsync(order.ConversationSid, order.MessageIndex))?.Sid == order.MessageSid)
        || (await new PageGrainMessageLogStore(grains).GetAsync(order.ConversationSid, order.MessageIndex))?.Sid == order.MessageSid;

    private async Task WriteAsync()
    {
        await writing.WaitAsync();
        try
        {
            // Forgotten while this write waited its turn: writing now would bring the record back.
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            await store.WriteStateAsync();
        }
        finally
        {
            writing.Release();
        }
    }

    private async Task StopRemindingAsync()
    {
        if (await this.GetReminder(RetryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receipt {ReceiptSid} moved, but its conversation did not take the onDeliveryUpdated event")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string receiptSid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox of {MessageSid} dropped: the message never reached conversation {ConversationSid}")]
    private static partial void LogDropped(ILogger logger, string messageSid, string conversationSid);
}
