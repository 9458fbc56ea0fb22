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

public static class Page
{
    /// <summary>One page of an in-memory list: positions are list offsets.</summary>
    public static Page<T> Slice<T>(IReadOnlyList<T> all, long start, int max)
    {
        var first = (int)Math.Clamp(start, 0, all.Count);
        var items = all.Skip(first).Take(max).ToList();
        var next = first + items.Count;
        return new Page<T>
        {
            Items = items,
            Next = next < all.Count ? next : null,
            Previous = first > 0 ? Math.Max(0, first - max) : null,
        };
    }
}
