using ConversationEngine.Conversations;

namespace ConversationEngine.Rules;

/// <summary>The timers of one conversation and the instant both run from.</summary>
public readonly record struct ConversationTimers(TimeSpan? Inactive, TimeSpan? Closed, DateTimeOffset LastActivity)
{
    /// <summary>When the conversation in <paramref name="state"/> falls inactive; null when it will not.</summary>
    public DateTimeOffset? InactiveDue(string state) =>
        state == ConversationStates.Active && Inactive is { } timer ? ConversationLifecycle.Add(LastActivity, timer, "Timers.Inactive") : null;

    /// <summary>When the conversation in <paramref name="state"/> closes; null when it will not.</summary>
    public DateTimeOffset? ClosedDue(string state) =>
        state is ConversationStates.Active or ConversationStates.Inactive && Closed is { } timer
            ? ConversationLifecycle.Add(LastActivity, timer, "Timers.Closed")
            : null;

    /// <summary>The earliest pending transition, or null.</summary>
    public DateTimeOffset? NextDue(string state) =>
        (InactiveDue(state), ClosedDue(state)) switch
        {
            ({ } inactive, { } closed) => inactive < closed ? inactive : closed,
            (var inactive, var closed) => inactive ?? closed,
        };
}

/// <summary>
/// The conversation state machine of Twilio's "states and timers": <c>active ⇄ inactive</c>,
/// <c>active | inactive → closed</c>, and <c>closed</c> final. Both timers run from the last
/// activity (as in Twilio's examples, where date_inactive and date_closed share one base).
/// </summary>
public static class ConversationLifecycle
{
    /// <summary>
    /// The conversation as a client should see it at <paramref name="now"/>: a timer already due
    /// shows its effect even before its reminder has run (which stores the change when it does).
    /// </summary>
    public static ConversationSnapshot Project(ConversationSnapshot header, ConversationTimers timers, DateTimeOffset now)
    {
        var current = Elapse(header.State, timers, now);
        return header with { State = current, DateInactive = timers.InactiveDue(current), DateClosed = timers.ClosedDue(current) };
    }

    public static readonly TimeSpan MinimumInactiveTimer = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MinimumClosedTimer = TimeSpan.FromMinutes(10);

    public static bool CanTransition(string from, string to) => (from, to) switch
    {
        (ConversationStates.Closed, _) => false,
        (_, ConversationStates.Initializing) => false,
        (ConversationStates.Initializing, _) => true,
        (ConversationStates.Active, ConversationStates.Inactive or ConversationStates.Closed) => true,
        (ConversationStates.Inactive, ConversationStates.Active or ConversationStates.Closed) => true,
        _ => from == to,
    };

    /// <summary>Refuses a state change the machine does not allow, with Twilio's codes.</summary>
    public static void CheckTransition(string from, string to)
    {
        if (from == ConversationStates.Closed)
        {
            throw Errors.Closed(Errors.ClosedConversationUpdate, "Can't update conversation as it's in final closed state");
        }

        if (!CanTransition(from, to))
        {
            throw Errors.Invalid("State", $"a conversation cannot go from {from} to {to}");
        }
    }

    /// <summary>A closed conversation takes no update, no new messages and no new participants.</summary>
    /// <param name="what">What was refused ("add a message"); null for an update of the conversation itself.</param>
    public static void CheckWritable(string state, string? what)
    {
        if (state == ConversationStates.Closed)
        {
            throw Errors.Closed(
                Errors.ClosedConversationUpdate,
                what is null ? "Can't update conversation as it's in final closed state" : $"Can't {what}: the conversation is in final closed state");
        }
    }

    /// <summary>The state after activity (a message or participant change): inactive wakes up.</summary>
    public static string AfterActivity(string state) =>
        state == ConversationStates.Inactive ? ConversationStates.Active : state;

    /// <summary>The state once the timers due by <paramref name="now"/> have elapsed.</summary>
    public static string Elapse(string state, ConversationTimers timers, DateTimeOffset now)
    {
        if (timers.ClosedDue(state) <= now)
        {
            return ConversationStates.Closed;
        }

        return timers.InactiveDue(state) <= now ? ConversationStates.Inactive : state;
    }

    /// <summary>Refuses timers shorter than Twilio's minimums (or a test-only lower floor).</summary>
    public static void CheckMinimums(TimeSpan? inactive, TimeSpan? closed, TimeSpan? testingOnlyMinimum = null)
    {
        if (inactive < (testingOnlyMinimum ?? MinimumInactiveTimer))
        {
            throw Errors.Invalid(Errors.InactiveTimerTooShort, "Timers.Inactive must be at least 1 minute (PT1M)");
        }

        if (closed < (testingOnlyMinimum ?? MinimumClosedTimer))
        {
            throw Errors.Invalid(Errors.ClosedTimerTooShort, "Timers.Closed must be at least 10 minutes (PT10M)");
        }
    }

    internal static DateTimeOffset Add(DateTimeOffset instant, TimeSpan timer, string parameter) =>
        timer <= DateTimeOffset.MaxValue - instant
            ? instant + timer
            : throw Errors.Invalid(parameter, "the timer would end beyond the year 9999");
}
