using System.Globalization;
using ConversationEngine.Telemetry;
using ConversationEngine.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Events;

[GenerateSerializer]
[Alias("ConversationEngine.WebhookQueueState")]
public sealed class WebhookQueueState
{
    /// <summary>The last sequence handled: delivered, not for this target, or given up (then in <see cref="Failed"/>).</summary>
    [Id(0)] public long DeliveredThrough { get; set; }

    /// <summary>Attempts at the event after <see cref="DeliveredThrough"/>, and when the first of them failed.</summary>
    [Id(1)] public int Attempts { get; set; }
    [Id(2)] public DateTimeOffset? FailingSince { get; set; }
    [Id(3)] public string? LastError { get; set; }
    [Id(4)] public DateTimeOffset? NextAttempt { get; set; }
    [Id(5)] public List<FailedDelivery> Failed { get; set; } = [];
}

/// <summary>
/// One target's queue of one conversation's feed. Events go out one at a time in sequence order;
/// a failure (connection, timeout, 5xx, 429) holds this queue only, retried with doubling delays
/// and jitter until the retry window ends, then the event is kept as failed and the queue moves on.
/// A reminder is registered while the queue may have work, so a crash or a restart resumes it; the
/// idempotency token (<c>CH…-sequence-target</c>) is the same on every attempt, so receivers dedupe.
/// </summary>
public sealed partial class WebhookQueueGrain(
    [PersistentState("webhookQueue", "store")] IPersistentState<WebhookQueueState> store,
    IEventStore events,
    IWebhookSender sender,
    IOptions<WebhookDeliveryOptions> options,
    [FromKeyedServices(WebhookDeliveryOptions.Clock)] TimeProvider time,
    ILogger<WebhookQueueGrain> logger,
    EngineMetrics metrics) : Grain, IWebhookQueueGrain, IRemindable, IDisposable
{
    private const string ReminderName = "webhooks";
    private const int Batch = 50;

    private readonly CancellationTokenSource stopping = new();
    private long knownThrough;
    private Task pumping = Task.CompletedTask;

    /// <summary>A notification or a retry's time came while a round was still finishing: run another.</summary>
    private bool pumpAgain;
    private IGrainTimer? retry;
    private DateTimeOffset? holeSeen;
    private bool reminderKnown;
    private IDisposable? tracked;

    private WebhookQueueState State => store.State;

    private (string ConversationSid, string ChatServiceSid, string TargetId) Key => WebhookTargets.ParseQueueKey(this.GetPrimaryKeyString());

    private WebhookDeliveryOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        tracked = metrics.TrackWebhookQueue(() => (Math.Max(0, knownThrough - store.State.DeliveredThrough), store.State.NextAttempt is not null));
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        stopping.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        tracked?.Dispose();
        retry?.Dispose();
        stopping.Dispose();
    }

    public async Task NotifyAsync(long sequence)
    {
        if (sequence > knownThrough)
        {
            knownThrough = sequence;
        }

        if (knownThrough > State.DeliveredThrough)
        {
            await KeepReminderAsync();
            Pump();
        }
    }

    public async Task StartAsync() => await NotifyAsync(await events.HighestAsync(Key.ConversationSid));

    public Task<WebhookQueueStatus> StatusAsync() => Task.FromResult(new WebhookQueueStatus
    {
        ConversationSid = Key.ConversationSid,
        TargetId = Key.TargetId,
        DeliveredThrough = State.DeliveredThrough,
        KnownThrough = Math.Max(knownThrough, State.DeliveredThrough),
        Attempts = State.Attempts,
        LastError = State.LastError,
        NextAttempt = State.NextAttempt,
        Failed = State.Failed.ToList(),
    });

    public async Task ReplayAsync(long sequence)
    {
        await pumping;
        State.DeliveredThrough = Math.Max(0, sequence - 1);
        State.Failed.RemoveAll(f => f.Sequence >= sequence);
        (State.Attempts, State.FailingSince, State.LastError, State.NextAttempt) = (0, null, null, null);
        await store.WriteStateAsync();
        knownThrough = Math.Max(knownThrough, await events.HighestAsync(Key.ConversationSid));
        await KeepReminderAsync();
        Pump();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        reminderKnown = true;
        knownThrough = Math.Max(knownThrough, await events.HighestAsync(Key.ConversationSid));
        if (knownThrough <= State.DeliveredThrough && State.NextAttempt is null)
        {
            // Nothing left: the reminder goes until the feed grows again.
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            reminderKnown = false;
            return;
        }

        Pump();
    }

    private async Task KeepReminderAsync()
    {
        if (!reminderKnown)
        {
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            reminderKnown = true;
        }
    }

    /// <summary>Starts delivering unless a round is already running or a retry is waiting for its time.</summary>
    private void Pump()
    {
        if (!pumping.IsCompleted)
        {
            // The running round may already have read past what this asks for, or not: it runs again.
            pumpAgain = true;
        }
        else if (Due())
        {
            pumping = PumpAsync();
        }
    }

    private bool Due() => State.NextAttempt is not { } next || next <= time.GetUtcNow();

    private async Task PumpAsync()
    {
        do
        {
            pumpAgain = false;
            await PumpRoundAsync();
        }
        while (pumpAgain && Due() && !stopping.IsCancellationRequested);
    }

    private async Task PumpRoundAsync()
    {
        var (conversationSid, chatServiceSid, targetId) = Key;
        while (!stopping.IsCancellationRequested)
        {
            var target = await WebhookTargets.FindAsync(GrainFactory, Options.AccountSid, chatServiceSid, conversationSid, targetId);
            if (target is null)
            {
                // The target is gone: so is its queue.
                await store.ClearStateAsync();
                State.DeliveredThrough = knownThrough;
                return;
            }

            var batch = await events.ReadAsync(conversationSid, State.DeliveredThrough, Batch);
            if (batch.Count == 0)
            {
                if (knownThrough > State.DeliveredThrough)
                {
                    PassOverHoleLater(knownThrough + 1);
                }

                return;
            }

            foreach (var change in batch)
            {
                if (change.Sequence != State.DeliveredThrough + 1 && !PassOverHole(change.Sequence))
                {
                    await store.WriteStateAsync();
                    return;
                }

                if (!await DeliverAsync(target, change))
                {
                    await store.WriteStateAsync();
                    return;
                }
            }

            await store.WriteStateAsync();
            knownThrough = Math.Max(knownThrough, State.DeliveredThrough);
        }
    }

    /// <summary>Sends one event if it is for this target; false when it must wait for a retry.</summary>
    private async Task<bool> DeliverAsync(WebhookTarget target, ConversationEvent change)
    {
        if (!Applies(target, change))
        {
            State.DeliveredThrough = change.Sequence;
            return true;
        }

        var token = string.Create(CultureInfo.InvariantCulture, $"{change.ConversationSid}-{change.Sequence}-{target.Id}");
        WebhookAttempt attempt;
        using (var activity = EngineMetrics.ActivitySource.StartActivity("webhook " + change.Type))
        {
            activity?.SetTag("engine.webhook.target", target.Id);
            activity?.SetTag("engine.conversation_sid", change.ConversationSid);
            try
            {
                attempt = await sender.SendAsync(target, Parameters(change), token, stopping.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                attempt = new WebhookAttempt(false, true, e.Message);
            }
        }

        var now = time.GetUtcNow();
        if (attempt.Delivered)
        {
            metrics.WebhookAttempted(change.Type, "delivered");
            State.DeliveredThrough = change.Sequence;
            (State.Attempts, State.FailingSince, State.LastError, State.NextAttempt) = (0, null, null, null);
            return true;
        }

        State.Attempts++;
        State.FailingSince ??= now;
        State.LastError = attempt.Error;
        if (attempt.Retry && now - State.FailingSince.Value < Options.RetryWindow)
        {
            var delay = RetryDelay(State.Attempts);
            State.NextAttempt = now + delay;
            ScheduleRetry(delay);
            metrics.WebhookAttempted(change.Type, "retry");
            LogRetry(logger, change.Type, change.ConversationSid, change.Sequence, target.Id, State.Attempts, attempt.Error);
            return false;
        }

        // Given up (the window ran out, or the target refused it for good): kept for replay.
        State.Failed.Add(new FailedDelivery { Sequence = change.Sequence, Type = change.Type, Attempts = State.Attempts, LastError = attempt.Error ?? "refused", GaveUp = now });
        metrics.WebhookAttempted(change.Type, "failed");
        LogGaveUp(logger, change.Type, change.ConversationSid, change.Sequence, target.Id, State.Attempts, attempt.Error);
        State.DeliveredThrough = change.Sequence;
        (State.Attempts, State.FailingSince, State.LastError, State.NextAttempt) = (0, null, null, null);
        return true;
    }

    /// <summary>Whether the event goes to the target: webhooks enabled for it, after the target was set up, in its filters (and its trigger words).</summary>
    public static bool Applies(WebhookTarget target, ConversationEvent change)
    {
        if (!change.WebhookEnabled || target.Kind is "studio" or "flex")
        {
            return false;
        }

        if (change.Date < target.Since && !Replayed(target, change))
        {
            return false;
        }

        if (!target.Filters.Contains(change.Type, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        return target.Kind != "trigger" || (change.Type == EventTypes.MessageAdded && Triggered(target.Triggers, change.Body));
    }

    private static bool Replayed(WebhookTarget target, ConversationEvent change) =>
        target.ReplayAfter is { } from
        && change.Type == EventTypes.MessageAdded
        && change.Parameters.FirstOrDefault(p => p.Key == "Index").Value is { } index
        && long.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var at)
        && at >= from;

    /// <summary>A trigger word matches a whole word of the body, case-insensitively.</summary>
    private static bool Triggered(IReadOnlyList<string> words, string? body) =>
        body is not null && body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim('.', ',', '!', '?', ';', ':', '"', '\''))
            .Any(w => words.Contains(w, StringComparer.OrdinalIgnoreCase));

    private List<KeyValuePair<string, string>> Parameters(ConversationEvent change) =>
    [
        new("AccountSid", Options.AccountSid ?? ""),
        new("EventType", change.Type),
        new("Source", change.Source),
        new("RetryCount", State.Attempts.ToString(CultureInfo.InvariantCulture)),
        .. change.Parameters,
    ];

    /// <summary>Doubling from the first delay, capped, with up to 25 % jitter either way.</summary>
    private TimeSpan RetryDelay(int attempts)
    {
        var doubled = Options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(doubled, Options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    private void ScheduleRetry(TimeSpan delay)
    {
        retry?.Dispose();
        retry = this.RegisterGrainTimer(() =>
        {
            State.NextAttempt = null;
            Pump();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan, Interleave = true });
    }

    /// <summary>
    /// A sequence number before <paramref name="next"/> is missing: its change may still be
    /// committing, so wait; after the grace it belonged to a change that failed: pass over it.
    /// </summary>
    private bool PassOverHole(long next)
    {
        var now = time.GetUtcNow();
        holeSeen ??= now;
        if (now - holeSeen.Value < Options.HoleGrace)
        {
            ScheduleRetry(TimeSpan.FromMilliseconds(Math.Min(1000, Options.HoleGrace.TotalMilliseconds)));
            return false;
        }

        holeSeen = null;
        State.DeliveredThrough = next - 1;
        return true;
    }

    private void PassOverHoleLater(long next)
    {
        if (!PassOverHole(next))
        {
            return;
        }

        Pump();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{EventType} #{Sequence} of {ConversationSid} to webhook target {Target}: attempt {Attempts} failed ({Error}); retrying")]
    private static partial void LogRetry(ILogger logger, string eventType, string conversationSid, long sequence, string target, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{EventType} #{Sequence} of {ConversationSid} to webhook target {Target}: given up after {Attempts} attempts ({Error}); kept for replay")]
    private static partial void LogGaveUp(ILogger logger, string eventType, string conversationSid, long sequence, string target, int attempts, string? error);
}
