namespace ConversationEngine.Tests.Support;

/// <summary>Waits for a condition that something in the background makes true, without sleeping blindly.</summary>
public static class Eventually
{
    public static Task<T> ValueAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan timeout, string what) =>
        ValueAsync(() => Task.FromResult(read()), done, timeout, what);

    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; last seen: {value}");
            }

            await Task.Delay(50);
        }
    }
}
