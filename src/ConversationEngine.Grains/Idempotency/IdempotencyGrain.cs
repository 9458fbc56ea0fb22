using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationEngine.Idempotency;

[GenerateSerializer]
[Alias("ConversationEngine.IdempotencyGrainState")]
public sealed class IdempotencyGrainState
{
    /// <summary>The request the key was first used with; null: no record.</summary>
    [Id(0)] public string? Fingerprint { get; set; }

    [Id(1)] public string Reservation { get; set; } = "";

    /// <summary>After this the record counts as absent.</summary>
    [Id(2)] public DateTimeOffset Expires { get; set; }

    /// <summary>The number of the latest attempt.</summary>
    [Id(3)] public long Attempt { get; set; }

    /// <summary>Until when the latest attempt counts as running; null: none is.</summary>
    [Id(4)] public DateTimeOffset? RunningUntil { get; set; }

    [Id(5)] public IdempotentResponse? Response { get; set; }
}

/// <summary>
/// The record of one idempotency key. The grain is the one place the key's attempts meet, whichever
/// front end they reach, so "is one running, did one finish" has one answer cluster-wide. Each
/// record forgets itself 24 hours after it was first used, by reminder, so keys used once do not
/// pile up in storage.
/// </summary>
public sealed class IdempotencyGrain(
    [PersistentState("idempotency", "store")] IPersistentState<IdempotencyGrainState> store,
    [FromKeyedServices(IdempotencyGrain.Clock)] TimeProvider time) : Grain, IIdempotencyGrain, IRemindable
{
    /// <summary>The key of the <see cref="TimeProvider"/> the records read (tests move it on).</summary>
    public const string Clock = "idempotency";

    /// <summary>How long a key's first outcome is kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// How long an attempt counts as running. A front end gives up on a grain call after Orleans'
    /// 30-second response timeout and then abandons the attempt itself; this only matters when the
    /// front end died, and is safe to be short: a re-run creates with the reserved SID, so an
    /// attempt still running somewhere finds the same resource rather than a second one.
    /// </summary>
    public static readonly TimeSpan AttemptLease = TimeSpan.FromMinutes(1);

    private const string ForgetReminder = "forget";

    private IdempotencyGrainState State => store.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Fingerprint is not null && State.Expires <= time.GetUtcNow())
        {
            await ForgetAsync();
        }
    }

    public async Task<IdempotencyTicket> BeginAsync(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var now = time.GetUtcNow();
        if (State.Fingerprint is null || State.Expires <= now)
        {
            // The reminder first: should the write fail, nothing is left that it would not forget.
            await this.RegisterOrUpdateReminder(ForgetReminder, Retention, Retention);
            store.State = new IdempotencyGrainState
            {
                Fingerprint = fingerprint,
                Reservation = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Expires = now + Retention,
            };
        }
        else if (State.Fingerprint != fingerprint)
        {
            return Ticket(IdempotencyStep.Mismatch);
        }
        else if (State.Response is { } response)
        {
            return Ticket(IdempotencyStep.Replay) with { Response = response };
        }
        else if (State.RunningUntil > now)
        {
            return Ticket(IdempotencyStep.Busy);
        }

        var rerun = State.Attempt > 0;
        State.Attempt++;
        State.RunningUntil = now + AttemptLease;
        await store.WriteStateAsync();
        return Ticket(IdempotencyStep.Run) with { Attempt = State.Attempt, Rerun = rerun };
    }

    public async Task CompleteAsync(long attempt, IdempotentResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // An outcome of an attempt the lease gave up on is as good as the latest's: both created
        // with the same reserved SID.
        if (State.Fingerprint is null || State.Response is not null || attempt > State.Attempt)
        {
            return;
        }

        State.Response = response;
        State.RunningUntil = null;
        await store.WriteStateAsync();
    }

    public async Task AbandonAsync(long attempt)
    {
        if (State.Fingerprint is null || State.Response is not null || attempt != State.Attempt || State.RunningUntil is null)
        {
            return;
        }

        State.RunningUntil = null;
        await store.WriteStateAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Fingerprint is null || State.Expires <= time.GetUtcNow())
        {
            await ForgetAsync();
            DeactivateOnIdle();
        }
    }

    private IdempotencyTicket Ticket(IdempotencyStep step) => new() { Step = step, Reservation = State.Reservation };

    private async Task ForgetAsync()
    {
        if (await this.GetReminder(ForgetReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        if (store.RecordExists)
        {
            await store.ClearStateAsync();
        }

        store.State = new IdempotencyGrainState();
    }
}
