namespace ConversationEngine.Conversations;

/// <summary>The <c>Lifecycle</c> configuration section: how conversation timers are driven.</summary>
public sealed class LifecycleOptions
{
    public const string Section = "Lifecycle";

    /// <summary>
    /// A conversation's reminder fires at its next due timer and then on this period until it is
    /// handled, so it also bounds how late a timer that fell due while the cluster was down fires
    /// after the restart. Orleans' minimum reminder period is one minute; below that is for tests.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// FOR TESTS ONLY: replaces Twilio's minimum timers (1 minute inactive, 10 minutes closed) by
    /// this value, so tests can watch timers elapse in seconds. Unset in production.
    /// </summary>
    public TimeSpan? TestingOnlyMinimumTimer { get; set; }
}
