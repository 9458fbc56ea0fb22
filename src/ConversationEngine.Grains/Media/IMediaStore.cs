namespace ConversationEngine.Media;

/// <summary>
/// Where media content lives, by ME… SID: a directory (the embedded default) or the cluster's
/// PostgreSQL database, so that every silo and front end reaches it. Content streams in and out;
/// no implementation holds a whole item in memory.
/// </summary>
public interface IMediaStore
{
    /// <summary>
    /// Streams <paramref name="content"/> in under <paramref name="sid"/>, replacing what was
    /// there, and answers the number of bytes stored. Once it returns the content is durable.
    /// </summary>
    /// <exception cref="MediaTooLargeException">More than <paramref name="maxBytes"/> arrived; nothing is kept.</exception>
    Task<long> WriteAsync(string sid, Stream content, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>The stored content, or null when there is none. The caller disposes the stream.</summary>
    Task<MediaContent?> OpenReadAsync(string sid, CancellationToken cancellationToken = default);

    /// <summary>Removes the content; nothing happens when there is none.</summary>
    Task DeleteAsync(string sid, CancellationToken cancellationToken = default);
}

/// <summary>Stored content: a stream to read and its length in bytes.</summary>
public sealed record MediaContent(Stream Stream, long Length) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}

/// <summary>Content went past the limit it was written under; nothing of it was kept.</summary>
public sealed class MediaTooLargeException(long limit) : Exception($"The media is larger than {limit} bytes")
{
    public long Limit { get; } = limit;
}

/// <summary>The stores' key rule: only well-formed ME… SIDs name content (nothing else reaches a path or a row).</summary>
internal static class MediaKeys
{
    public static string Require(string sid) =>
        Sids.IsValid(sid, Sids.Media) ? sid : throw new ArgumentException($"'{sid}' is not a media SID.", nameof(sid));
}

/// <summary>Copies with a running count, refusing past a limit: the stores' shared loop.</summary>
internal static class LimitedCopy
{
    public const int BufferSize = 81920;

    /// <summary>Reads <paramref name="source"/> to its end in buffers, handing each to <paramref name="write"/>; the bytes read.</summary>
    public static async Task<long> CopyAsync(Stream source, long maxBytes, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken, int bufferSize = BufferSize)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, bufferSize), cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new MediaTooLargeException(maxBytes);
                }

                await write(buffer.AsMemory(0, read), cancellationToken);
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
