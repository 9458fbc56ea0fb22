using ConversationEngine.Rules;

namespace ConversationEngine.Conversations;

/// <summary>
/// A conversation's timers: what its state is by now, what activity does to it, and the one
/// durable reminder that moves it along. The reminder is kept due no later than the next timer, or
/// absent; activity only postpones timers, so a reminder that fires early just re-checks and is set
/// again.
/// </summary>
internal sealed class LifecycleTimers(IGrainBase grain, ConversationGrainState state, TimeProvider time, LifecycleOptions options)
{
    public const string ReminderName = "timers";

    /// <summary>When the registered reminder next fires, as far as this activation knows.</summary>
    private DateTimeOffset? due;

    /// <summary>False once this activation knows there is no reminder (saves a reminder-table read).</summary>
    private bool mayExist = true;

    private ConversationTimers Timers => new(state.InactiveTimer, state.ClosedTimer, state.LastActivity);

    public DateTimeOffset Now() => time.UtcNowToSecond();

    /// <summary>
    /// The conversation as a client should see it now: a timer already due shows its effect even
    /// if its reminder has not run yet (it persists the change when it does).
    /// </summary>
    public ConversationSnapshot Snapshot() => ConversationLifecycle.Project(state.Header!, Timers, Now());

    /// <summary>The state the timers due by now have moved the conversation to, when they have.</summary>
    public string? ElapsedState() =>
        state.Header is { } header && ConversationLifecycle.Elapse(header.State, Timers, Now()) is var next && next != header.State ? next : null;

    /// <summary>
    /// Appends do not write the conversation: after activation the last message says when activity
    /// last happened. One dated in the future by its author must not hold the timers off.
    /// </summary>
    public void Appended(MessageSnapshot? last)
    {
        if (last is not null)
        {
            var appended = last.DateCreated < Now() ? last.DateCreated : Now();
            state.LastActivity = appended > state.LastActivity ? appended : state.LastActivity;
        }
    }

    /// <summary>Activity restarts the timers and wakes an inactive conversation (in memory).</summary>
    public void MarkActivity(DateTimeOffset now)
    {
        state.LastActivity = now;
        var header = state.Header!;
        if (ConversationLifecycle.AfterActivity(header.State) is var woken && woken != header.State)
        {
            state.Header = header with { State = woken, DateUpdated = now };
        }
    }

    /// <summary>Refuses timers below Twilio's minimums (or the test-only floor).</summary>
    public void CheckMinimums(TimeSpan? inactive, TimeSpan? closed) =>
        ConversationLifecycle.CheckMinimums(inactive, closed, options.TestingOnlyMinimumTimer);

    /// <summary>Refuses timers that would end beyond the calendar.</summary>
    public static void CheckEnds(TimeSpan? inactive, TimeSpan? closed, string conversationState, DateTimeOffset from) =>
        new ConversationTimers(inactive, closed, from).NextDue(conversationState);

    /// <summary>
    /// The timers after an update and the instant they run from: setting a timer or waking the
    /// conversation up restarts them; a rename does not.
    /// </summary>
    public (TimeSpan? Inactive, TimeSpan? Closed, DateTimeOffset LastActivity) AfterUpdate(UpdateConversation command, string stateBefore, string stateAfter)
    {
        var inactive = command.RemoveInactiveTimer ? null : command.InactiveTimer ?? state.InactiveTimer;
        var closed = command.RemoveClosedTimer ? null : command.ClosedTimer ?? state.ClosedTimer;
        var restarts = command.InactiveTimer is not null || command.ClosedTimer is not null
            || (stateAfter == ConversationStates.Active && stateBefore != ConversationStates.Active);
        var from = restarts ? Now() : state.LastActivity;
        CheckEnds(inactive, closed, stateAfter, from);
        return (inactive, closed, from);
    }

    /// <summary>A conversation created where no record existed has no reminder either.</summary>
    public void KnownAbsent() => mayExist = false;

    /// <summary>The reminder has fired: whatever it was set for, it must be set again for what is due now.</summary>
    public void Fired() => due = null;

    /// <summary>
    /// Sets the reminder for the next timer. Before a state write it only ever adds or advances the
    /// reminder (a failed write must not leave timers without one); removing it waits until the
    /// write has succeeded.
    /// </summary>
    public async Task ScheduleAsync(bool beforeWrite = false)
    {
        if ((state.Header is { } header ? Timers.NextDue(header.State) : null) is not { } next)
        {
            if (!beforeWrite)
            {
                await RemoveAsync();
            }

            return;
        }

        if (due is { } registered && registered <= next)
        {
            return;
        }

        var dueIn = next - Now();
        mayExist = true;
        await grain.RegisterOrUpdateReminder(ReminderName, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, options.ReminderPeriod);
        due = next;
    }

    public async Task RemoveAsync()
    {
        if (!mayExist)
        {
            return;
        }

        if (await grain.GetReminder(ReminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }

        (due, mayExist) = (null, false);
    }
}
