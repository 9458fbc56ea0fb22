namespace ConversationEngine.Delivery;

/// <summary>
/// Whether the status callbacks of a message sent now can be received. Twilio posts them once,
/// moments after the create, and does not retry: a host whose own HTTP port receives them (the
/// embedded front end) holds its first sends until that port listens — its silo starts, and its
/// reminders fire, before Kestrel does. Hosts whose callbacks go to other processes are ready at once.
/// </summary>
public sealed class StatusCallbackReadiness
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StatusCallbackReadiness()
    {
    }

    public Task Ready => ready.Task;

    public static StatusCallbackReadiness Open()
    {
        var readiness = new StatusCallbackReadiness();
        readiness.MarkReady();
        return readiness;
    }

    /// <summary>Not ready until <see cref="MarkReady"/>: the host's HTTP port is listening.</summary>
    public static StatusCallbackReadiness Closed() => new();

    public void MarkReady() => ready.TrySetResult();
}
