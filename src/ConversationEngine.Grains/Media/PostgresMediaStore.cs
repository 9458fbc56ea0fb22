namespace ConversationEngine.Media;

/// <summary>Media content in PostgreSQL (to be written: chunked rows).</summary>
public sealed class PostgresMediaStore(string connectionString) : IMediaStore
{
    private readonly string connectionString = connectionString;

    public Task<long> WriteAsync(string sid, Stream content, long maxBytes, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(connectionString.Length > 0 ? "Not yet." : "Not yet.");

    public Task<MediaContent?> OpenReadAsync(string sid, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task DeleteAsync(string sid, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
