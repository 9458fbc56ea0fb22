namespace ConversationEngine.Twilio.Messages;

/// <summary>Reads <c>Retry-After</c> in either of its forms: delta seconds or an HTTP date.</summary>
internal static class RetryAfter
{
    public static TimeSpan? From(HttpResponseMessage? response, TimeProvider timeProvider)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
