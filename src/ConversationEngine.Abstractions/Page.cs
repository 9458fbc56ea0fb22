namespace ConversationEngine;

/// <summary>
/// One page of an ordered list. Positions are opaque to clients (they travel in page tokens);
/// <see cref="Next"/> and <see cref="Previous"/> are null at the ends.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.Page`1")]
public sealed record Page<T>
{
    [Id(0)] public required IReadOnlyList<T> Items { get; init; }
    [Id(1)] public long? Next { get; init; }
    [Id(2)] public long? Previous { get; init; }
}
