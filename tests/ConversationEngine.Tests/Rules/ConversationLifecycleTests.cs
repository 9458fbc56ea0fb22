using ConversationEngine.Conversations;
using ConversationEngine.Rules;

namespace ConversationEngine.Tests.Rules;

public sealed class ConversationLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, bool> Transitions => new()
    {
        { ConversationStates.Active, ConversationStates.Active, true },
        { ConversationStates.Active, ConversationStates.Inactive, true },
        { ConversationStates.Active, ConversationStates.Closed, true },
        { ConversationStates.Active, ConversationStates.Initializing, false },
        { ConversationStates.Inactive, ConversationStates.Active, true },
        { ConversationStates.Inactive, ConversationStates.Inactive, true },
        { ConversationStates.Inactive, ConversationStates.Closed, true },
        { ConversationStates.Inactive, ConversationStates.Initializing, false },
        { ConversationStates.Closed, ConversationStates.Active, false },
        { ConversationStates.Closed, ConversationStates.Inactive, false },
        { ConversationStates.Closed, ConversationStates.Closed, false },
        { ConversationStates.Closed, ConversationStates.Initializing, false },
        { ConversationStates.Initializing, ConversationStates.Active, true },
        { ConversationStates.Initializing, ConversationStates.Inactive, true },
        { ConversationStates.Initializing, ConversationStates.Closed, true },
        { ConversationStates.Initializing, ConversationStates.Initializing, false },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Transition_table_allows_exactly_the_documented_moves(string from, string to, bool allowed)
    {
        Assert.Equal(allowed, ConversationLifecycle.CanTransition(from, to));
    }

    [Theory]
    [InlineData(ConversationStates.Active)]
    [InlineData(ConversationStates.Inactive)]
    [InlineData(ConversationStates.Closed)]
    public void Closed_is_final_and_refused_with_50377(string to)
    {
        var error = Assert.Throws<EngineException>(() => ConversationLifecycle.CheckTransition(ConversationStates.Closed, to));

        Assert.Equal(50377, error.Code);
        Assert.Equal(ErrorKind.Closed, error.Kind);
    }

    [Fact]
    public void Closed_conversation_takes_no_messages_or_participants()
    {
        Assert.Equal(50377, Assert.Throws<EngineException>(() => ConversationLifecycle.CheckWritable(ConversationStates.Closed, "add a message")).Code);
        ConversationLifecycle.CheckWritable(ConversationStates.Active, "add a message");
        ConversationLifecycle.CheckWritable(ConversationStates.Inactive, "add a message");
    }

    [Theory]
    [InlineData(ConversationStates.Active, ConversationStates.Active)]
    [InlineData(ConversationStates.Inactive, ConversationStates.Active)]
    [InlineData(ConversationStates.Closed, ConversationStates.Closed)]
    public void Activity_wakes_an_inactive_conversation_only(string before, string after)
    {
        Assert.Equal(after, ConversationLifecycle.AfterActivity(before));
    }

    [Fact]
    public void Both_timers_run_from_the_last_activity()
    {
        var timers = new ConversationTimers(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), Start);

        Assert.Equal(Start.AddMinutes(1), timers.InactiveDue(ConversationStates.Active));
        Assert.Equal(Start.AddMinutes(10), timers.ClosedDue(ConversationStates.Active));
        Assert.Equal(Start.AddMinutes(1), timers.NextDue(ConversationStates.Active));
    }

    [Fact]
    public void Inactive_conversation_has_only_its_closed_timer_pending()
    {
        var timers = new ConversationTimers(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), Start);

        Assert.Null(timers.InactiveDue(ConversationStates.Inactive));
        Assert.Equal(Start.AddMinutes(10), timers.NextDue(ConversationStates.Inactive));
        Assert.Null(timers.NextDue(ConversationStates.Closed));
        Assert.Null(new ConversationTimers(null, null, Start).NextDue(ConversationStates.Active));
    }

    [Fact]
    public void Closed_timer_shorter_than_inactive_comes_first()
    {
        var timers = new ConversationTimers(TimeSpan.FromHours(2), TimeSpan.FromMinutes(30), Start);

        Assert.Equal(Start.AddMinutes(30), timers.NextDue(ConversationStates.Active));
        Assert.Equal(ConversationStates.Closed, ConversationLifecycle.Elapse(ConversationStates.Active, timers, Start.AddMinutes(31)));
    }

    [Theory]
    [InlineData(0, ConversationStates.Active)]
    [InlineData(59, ConversationStates.Active)]
    [InlineData(60, ConversationStates.Inactive)]
    [InlineData(599, ConversationStates.Inactive)]
    [InlineData(600, ConversationStates.Closed)]
    [InlineData(100000, ConversationStates.Closed)]
    public void Elapsed_time_moves_an_active_conversation_along(int seconds, string expected)
    {
        var timers = new ConversationTimers(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), Start);

        Assert.Equal(expected, ConversationLifecycle.Elapse(ConversationStates.Active, timers, Start.AddSeconds(seconds)));
    }

    [Fact]
    public void Elapsing_never_reopens_or_moves_a_closed_conversation()
    {
        var timers = new ConversationTimers(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), Start);

        Assert.Equal(ConversationStates.Closed, ConversationLifecycle.Elapse(ConversationStates.Closed, timers, Start.AddDays(1)));
        Assert.Equal(ConversationStates.Inactive, ConversationLifecycle.Elapse(ConversationStates.Inactive, timers, Start.AddMinutes(5)));
    }

    [Theory]
    [InlineData(59, 600, 50375)]
    [InlineData(60, 599, 50376)]
    public void Timers_below_twilio_minimums_are_refused(int inactiveSeconds, int closedSeconds, int code)
    {
        var error = Assert.Throws<EngineException>(() =>
            ConversationLifecycle.CheckMinimums(TimeSpan.FromSeconds(inactiveSeconds), TimeSpan.FromSeconds(closedSeconds)));

        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void Testing_only_minimum_lowers_both_floors()
    {
        ConversationLifecycle.CheckMinimums(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        ConversationLifecycle.CheckMinimums(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void Timer_ending_past_year_9999_is_refused()
    {
        var timers = new ConversationTimers(TimeSpan.FromDays(10), null, DateTimeOffset.MaxValue.AddDays(-1));

        Assert.Equal(ErrorKind.Invalid, Assert.Throws<EngineException>(() => timers.NextDue(ConversationStates.Active)).Kind);
    }
}
