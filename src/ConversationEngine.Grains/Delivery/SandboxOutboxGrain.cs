namespace ConversationEngine.Delivery;

[GenerateSerializer]
[Alias("ConversationEngine.SandboxOutboxState")]
public sealed class SandboxOutboxState
{
    [Id(0)] public List<SandboxMessage> Messages { get; set; } = [];

    /// <summary>Messages dropped from the front to keep the record bounded.</summary>
    [Id(1)] public long Dropped { get; set; }
}

/// <summary>
/// The sandbox's record of what it sent instead of Twilio: the newest <see cref="Capacity"/>
/// messages, oldest first. It is for trying the engine out, so it stays one small grain.
/// </summary>
public sealed class SandboxOutboxGrain(
    [PersistentState("sandbox", "store")] IPersistentState<SandboxOutboxState> store) : Grain, ISandboxOutboxGrain
{
    public const int Capacity = 10_000;

    private readonly Dictionary<string, SandboxMessage> byKey = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var message in store.State.Messages)
        {
            byKey[message.IdempotencyKey] = message;
        }

        return Task.CompletedTask;
    }

    public async Task<SandboxMessage> RecordAsync(SandboxMessage message)
    {
        if (byKey.TryGetValue(message.IdempotencyKey, out var first))
        {
            return first;
        }

        var messages = store.State.Messages;
        messages.Add(message);
        var overflow = Math.Max(0, messages.Count - Capacity);
        var dropped = messages.GetRange(0, overflow);
        messages.RemoveRange(0, overflow);
        store.State.Dropped += overflow;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            messages.RemoveAt(messages.Count - 1);
            messages.InsertRange(0, dropped);
            store.State.Dropped -= overflow;
            throw;
        }

        byKey[message.IdempotencyKey] = message;
        foreach (var gone in dropped)
        {
            byKey.Remove(gone.IdempotencyKey);
        }

        return message;
    }

    public Task<Page<SandboxMessage>> ListAsync(long start, int max) => Task.FromResult(Page.Slice(store.State.Messages, start, max));
}
