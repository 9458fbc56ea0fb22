using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace ConversationEngine.Telemetry;

/// <summary>
/// The engine's own meter (<c>ConversationEngine</c>) and activity source: what an operator graphs
/// besides the runtime's, ASP.NET Core's, HttpClient's and Orleans' meters. One per host process;
/// grains take it by constructor. Counters count on the host where the work happened, so
/// Prometheus sums the hosts' series for the cluster. The queue gauges are read from the
/// activations a host holds (a queue or outbox with work keeps a reminder, so it stays active on
/// exactly one silo): summed over hosts they are the cluster's backlog, short of queues not yet
/// reactivated after a silo's crash (at most a reminder period).
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    public const string MeterName = "ConversationEngine";

    public const string ActivitySourceName = "ConversationEngine";

    /// <summary>Spans of the engine's own work (a delivery attempt, a webhook delivery, inbound routing).</summary>
    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private readonly Meter meter;
    private readonly Counter<long> messagesAccepted;
    private readonly Counter<long> deliveryAttempts;
    private readonly Counter<long> deliveryStatuses;
    private readonly Counter<long> senderSegments;
    private readonly Counter<long> webhookAttempts;
    private readonly Counter<long> timersFired;
    private readonly Counter<long> inboundMessages;
    private readonly Counter<long> optOuts;
    private readonly Counter<long> optIns;
    private readonly Readings<int> outboxes = new();
    private readonly Readings<(long Pending, bool Retrying)> webhookQueues = new();
    private readonly Readings<(string Sender, double? Rate, TimeSpan Booked)> senders = new();

    public EngineMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        meter = meters.Create(MeterName);
        messagesAccepted = meter.CreateCounter<long>("engine.messages.accepted", "{message}",
            "Messages added to conversations (REST and inbound), by the channel of their author: chat, sms, whatsapp, messenger");
        deliveryAttempts = meter.CreateCounter<long>("engine.deliveries.attempts", "{attempt}",
            "Attempts to hand a delivery to the transport (Twilio's Messages API or the sandbox), by channel and outcome: submitted, retry (no answer, 408, 429, 5xx: tried again next round), failed (refused before or by Twilio)");
        deliveryStatuses = meter.CreateCounter<long>("engine.deliveries.status", "{delivery}",
            "Delivery receipts moved to a status (sent, delivered, read, failed, undelivered…), by channel, status and Twilio error code");
        senderSegments = meter.CreateCounter<long>("engine.sender.segments", "{segment}",
            "Segments booked on a sender's pace (one per send attempt of a one-segment message), by sender address");
        meter.CreateObservableGauge("engine.sender.rate", ReadSenderRates, "{segment}/s",
            "The pace a sender is held to (its MPS), for the senders active on this host");
        meter.CreateObservableGauge("engine.sender.queue_time", ReadSenderQueueTimes, "s",
            "How far ahead a sender's pace is booked: how long a send asked for now waits for its turn");
        meter.CreateObservableGauge("engine.outbox.pending", () => outboxes.Sum(pending => pending), "{delivery}",
            "Deliveries not yet accepted by Twilio (new, or waiting for a retry) in the outboxes active on this host");
        webhookAttempts = meter.CreateCounter<long>("engine.webhooks.attempts", "{attempt}",
            "Conversations post-event webhook requests, by event type and outcome: delivered, retry (connection error, timeout, 5xx, 429), failed (given up and kept for replay)");
        meter.CreateObservableGauge("engine.webhooks.pending", () => webhookQueues.Sum(queue => queue.Pending), "{event}",
            "Events of conversation and user feeds that their webhook queues have yet to pass (deliver, or skip as not for the target), in the queues active on this host");
        meter.CreateObservableGauge("engine.webhooks.retrying", () => webhookQueues.Sum(queue => queue.Retrying ? 1L : 0L), "{queue}",
            "Webhook queues holding back on an event that failed and waits for a retry, on this host");
        timersFired = meter.CreateCounter<long>("engine.timers.fired", "{timer}",
            "Conversation timers that elapsed, by the state they moved the conversation to: inactive, closed");
        inboundMessages = meter.CreateCounter<long>("engine.inbound.messages", "{message}",
            "Inbound Twilio messages, by channel and outcome: routed, auto_created, unroutable, rejected (by a pre-action hook), refused (bad signature or body, never read)");
        optOuts = meter.CreateCounter<long>("engine.contacts.opt_outs", "{message}",
            "Opt-out keywords received (STOP, UNSUBSCRIBE…), by channel");
        optIns = meter.CreateCounter<long>("engine.contacts.opt_ins", "{message}",
            "Opt-in keywords received (START, UNSTOP…), by channel");
    }

    public void Dispose() => meter.Dispose();

    public void MessageAccepted(string channel) =>
        messagesAccepted.Add(1, new KeyValuePair<string, object?>("channel", channel));

    /// <param name="outcome"><c>submitted</c>, <c>retry</c> or <c>failed</c>.</param>
    public void DeliveryAttempted(string channel, string outcome) =>
        deliveryAttempts.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));

    public void DeliveryStatus(string channel, string status, int? errorCode)
    {
        var tags = new TagList { { "channel", channel }, { "status", status } };
        if (errorCode is { } code)
        {
            tags.Add("error_code", code.ToString(CultureInfo.InvariantCulture));
        }

        deliveryStatuses.Add(1, tags);
    }

    public void SegmentsBooked(string sender, int segments) =>
        senderSegments.Add(segments, new KeyValuePair<string, object?>("sender", sender));

    /// <param name="outcome"><c>delivered</c>, <c>retry</c> or <c>failed</c>.</param>
    public void WebhookAttempted(string eventType, string outcome) =>
        webhookAttempts.Add(1, new KeyValuePair<string, object?>("event_type", eventType), new KeyValuePair<string, object?>("outcome", outcome));

    public void TimerFired(string state) =>
        timersFired.Add(1, new KeyValuePair<string, object?>("state", state));

    public void InboundMessage(string channel, string outcome) =>
        inboundMessages.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));

    public void OptOut(string channel) => optOuts.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void OptIn(string channel) => optIns.Add(1, new KeyValuePair<string, object?>("channel", channel));

    /// <summary>An outbox activation reports its pending deliveries until the returned handle is disposed (on deactivation).</summary>
    public IDisposable TrackOutbox(Func<int> pending) => outboxes.Track(pending);

    /// <summary>A webhook queue activation reports its backlog until the returned handle is disposed.</summary>
    public IDisposable TrackWebhookQueue(Func<(long Pending, bool Retrying)> backlog) => webhookQueues.Track(backlog);

    /// <summary>A sender's throttle activation reports its rate (once known) and booked time until the returned handle is disposed.</summary>
    public IDisposable TrackSender(Func<(string Sender, double? Rate, TimeSpan Booked)> pace) => senders.Track(pace);

    /// <summary>The channel label of an address: <c>whatsapp</c>, <c>messenger</c>, else <c>sms</c>.</summary>
    public static string ChannelOf(string? address) =>
        address?.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase) == true ? "whatsapp"
        : address?.StartsWith("messenger:", StringComparison.OrdinalIgnoreCase) == true ? "messenger"
        : "sms";

    private IEnumerable<Measurement<double>> ReadSenderRates() =>
        senders.Read()
            .Where(s => s.Rate is not null)
            .Select(s => new Measurement<double>(s.Rate!.Value, new KeyValuePair<string, object?>("sender", s.Sender)));

    private IEnumerable<Measurement<double>> ReadSenderQueueTimes() =>
        senders.Read()
            .Select(s => new Measurement<double>(Math.Max(0, s.Booked.TotalSeconds), new KeyValuePair<string, object?>("sender", s.Sender)));

    /// <summary>
    /// What the activations on this host report about themselves, read when the meter is
    /// collected. The readers run on the collecting thread and see a grain's fields as they are
    /// at that moment: a gauge, not a transaction.
    /// </summary>
    private sealed class Readings<T>
    {
        private readonly ConcurrentDictionary<Handle, Func<T>> sources = new();

        public IDisposable Track(Func<T> read)
        {
            var handle = new Handle(this);
            sources[handle] = read;
            return handle;
        }

        public List<T> Read()
        {
            var values = new List<T>(sources.Count);
            foreach (var read in sources.Values)
            {
                try
                {
                    values.Add(read());
                }
                catch (InvalidOperationException)
                {
                    // A grain changing what was being read: it is read again at the next collection.
                }
            }

            return values;
        }

        public long Sum(Func<T, long> value) => Read().Sum(value);

        private sealed class Handle(Readings<T> owner) : IDisposable
        {
            public void Dispose() => owner.sources.TryRemove(this, out _);
        }
    }
}
