namespace ConversationEngine.Rules;

public static class Clock
{
    /// <summary>Now, to the whole second: Twilio's dates carry no fractions, so neither do ours.</summary>
    public static DateTimeOffset UtcNowToSecond(this TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
