using System.Buffers;
using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace ConversationEngine.Media;

/// <summary>
/// Media content in the cluster's PostgreSQL database (<c>EngineMedia</c>, <c>EngineMediaChunks</c>;
/// see <c>008-media.sql</c>), so every silo and front end reaches it without a shared disk.
/// Content moves in chunks of <see cref="ChunkSize"/>: a write holds one chunk in memory, a
/// reader one chunk per open stream.
/// </summary>
/// <remarks>
/// A write runs in one transaction from its first chunk to the switch of the item to them, so a
/// failure, a refusal or a crash leaves nothing (PostgreSQL rolls back) and nothing has to be swept
/// up later. The price: a connection per upload in progress, for as long as it streams in. A read
/// takes a connection only while it fetches a chunk, so a slow download never holds one.
/// </remarks>
public sealed class PostgresMediaStore : IMediaStore
{
    /// <summary>
    /// 1 MiB per row. PostgreSQL stores a bytea this size out of line in 2 KB TOAST pieces whatever
    /// the row size, so larger rows would save little; smaller ones would multiply round trips
    /// (a 100 MiB item is 100 of these) and index entries. It is also the memory one write or one
    /// open read holds, well inside Npgsql's limits and the default work memory.
    /// </summary>
    public const int ChunkSize = 1024 * 1024;

    private const string InsertChunk = "INSERT INTO EngineMediaChunks (UploadId, Chunk, Data) VALUES (@u, @n, @d)";

    // Writers of one SID take turns at the switch (an advisory lock: a row lock cannot cover an
    // item not yet there), so two replacing it at once never leave the loser's chunks orphaned.
    private const string Publish =
        "SELECT pg_advisory_xact_lock(hashtextextended('EngineMedia:' || @m, 0)); " +
        "DELETE FROM EngineMediaChunks WHERE UploadId IN (SELECT UploadId FROM EngineMedia WHERE MediaSid = @m); " +
        "INSERT INTO EngineMedia (MediaSid, UploadId, Length) VALUES (@m, @u, @l) " +
        "ON CONFLICT (MediaSid) DO UPDATE SET UploadId = EXCLUDED.UploadId, Length = EXCLUDED.Length";

    private const string Find = "SELECT UploadId, Length FROM EngineMedia WHERE MediaSid = @m";

    private const string FetchChunk = "SELECT Data FROM EngineMediaChunks WHERE UploadId = @u AND Chunk = @n";

    // The row lock on EngineMedia orders a delete after a write switching the same item, and the
    // delete then removes the chunks the write switched to.
    private const string Remove =
        "WITH gone AS (DELETE FROM EngineMedia WHERE MediaSid = @m RETURNING UploadId) " +
        "DELETE FROM EngineMediaChunks WHERE UploadId IN (SELECT UploadId FROM gone)";

    private readonly string connectionString;

    /// <param name="connectionString">As the engine uses it (<c>PostgresSchema.Normalize</c>); the schema is applied at start.</param>
    public PostgresMediaStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        this.connectionString = connectionString;
    }

    public async Task<long> WriteAsync(string sid, Stream content, long maxBytes, CancellationToken cancellationToken = default)
    {
        MediaKeys.Require(sid);
        ArgumentNullException.ThrowIfNull(content);
        var upload = Guid.NewGuid();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var insert = new NpgsqlCommand(InsertChunk, connection, transaction);
            var number = new NpgsqlParameter<int>("n", 0);
            var data = new NpgsqlParameter<ReadOnlyMemory<byte>>("d", NpgsqlDbType.Bytea);
            insert.Parameters.Add(new NpgsqlParameter<Guid>("u", upload));
            insert.Parameters.Add(number);
            insert.Parameters.Add(data);

            long total = 0;
            for (var chunk = 0; ; chunk++)
            {
                // Never ask the source for more than one byte past the limit: that byte is the refusal.
                // (total never exceeds maxBytes here, so the subtraction cannot overflow; adding first could.)
                var wanted = maxBytes - total < ChunkSize ? (int)(maxBytes - total) + 1 : ChunkSize;
                var filled = await FillAsync(content, buffer.AsMemory(0, wanted), cancellationToken);
                total += filled;
                if (total > maxBytes)
                {
                    throw new MediaTooLargeException(maxBytes);
                }

                if (filled > 0)
                {
                    number.TypedValue = chunk;
                    data.TypedValue = buffer.AsMemory(0, filled);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }

                if (filled < wanted)
                {
                    break;
                }
            }

            await using (var publish = new NpgsqlCommand(Publish, connection, transaction))
            {
                publish.Parameters.AddWithValue("m", sid);
                publish.Parameters.AddWithValue("u", upload);
                publish.Parameters.AddWithValue("l", total);
                await publish.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<MediaContent?> OpenReadAsync(string sid, CancellationToken cancellationToken = default)
    {
        MediaKeys.Require(sid);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var find = new NpgsqlCommand(Find, connection);
        find.Parameters.AddWithValue("m", sid);
        await using var reader = await find.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var length = reader.GetInt64(1);
        return new MediaContent(new ChunkStream(connectionString, sid, reader.GetGuid(0), length), length);
    }

    public async Task DeleteAsync(string sid, CancellationToken cancellationToken = default)
    {
        MediaKeys.Require(sid);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var remove = new NpgsqlCommand(Remove, connection);
        remove.Parameters.AddWithValue("m", sid);
        await remove.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the source ends; the bytes read.</summary>
    private static async Task<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await source.ReadAsync(buffer[filled..], cancellationToken)) > 0)
        {
            filled += read;
        }

        return filled;
    }

    /// <summary>
    /// One upload's chunks in order, each fetched when the previous one is used up, on a pooled
    /// connection taken for that fetch only. Every chunk but the last is full, and the lengths
    /// must add up to the stored length: anything else (the item deleted or replaced meanwhile,
    /// whose old chunks go with it) ends the read with an <see cref="IOException"/>, never with
    /// bytes of another version.
    /// </summary>
    private sealed class ChunkStream(string connectionString, string sid, Guid upload, long length) : Stream
    {
        private readonly byte[] probe = new byte[1];
        private byte[]? chunk;
        private int chunkNumber;
        private int chunkFilled;
        private int chunkOffset;
        private long position;
        private bool disposed;

        public override bool CanRead => !disposed;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            // Synchronous readers get the same chunks through Npgsql's synchronous calls.
            if (!Available())
            {
                if (position == length)
                {
                    return 0;
                }

                FetchAsync(async: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }

            return Take(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!Available())
            {
                if (position == length)
                {
                    return 0;
                }

                await FetchAsync(async: true, cancellationToken);
            }

            return Take(buffer.Span);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (!disposed && disposing && chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(chunk);
                chunk = null;
            }

            disposed = true;
            base.Dispose(disposing);
        }

        private bool Available()
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return chunkOffset < chunkFilled;
        }

        private int Take(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, chunkFilled - chunkOffset);
            chunk.AsSpan(chunkOffset, count).CopyTo(buffer);
            chunkOffset += count;
            position += count;
            return count;
        }

        private async ValueTask FetchAsync(bool async, CancellationToken cancellationToken)
        {
            var expected = (int)Math.Min(ChunkSize, length - position);
            chunk ??= ArrayPool<byte>.Shared.Rent((int)Math.Min(ChunkSize, length));
            await using var connection = new NpgsqlConnection(connectionString);
            await using var command = new NpgsqlCommand(FetchChunk, connection);
            command.Parameters.Add(new NpgsqlParameter<Guid>("u", upload));
            command.Parameters.Add(new NpgsqlParameter<int>("n", chunkNumber));
            // Sequential: the bytes go from the socket into the chunk buffer, not via a row-sized buffer of Npgsql's.
            const CommandBehavior behavior = CommandBehavior.SequentialAccess | CommandBehavior.SingleRow;
            var filled = 0;
            if (async)
            {
                await connection.OpenAsync(cancellationToken);
                await using var reader = await command.ExecuteReaderAsync(behavior, cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    await using var data = await reader.GetStreamAsync(0, cancellationToken);
                    filled = await FillAsync(data, chunk.AsMemory(0, expected), cancellationToken);
                    filled += await data.ReadAsync(probe, cancellationToken);
                }
            }
            else
            {
                connection.Open();
                using var reader = command.ExecuteReader(behavior);
                if (reader.Read())
                {
                    using var data = reader.GetStream(0);
                    filled = data.ReadAtLeast(chunk.AsSpan(0, expected), expected, throwOnEndOfStream: false);
                    filled += data.Read(probe);
                }
            }

            // The probe reads past the expected end, so a chunk too long shows as well as one too short.
            if (filled != expected)
            {
                throw new IOException($"Media {sid} changed while it was read (chunk {chunkNumber} holds {filled} bytes, {expected} expected).");
            }

            chunkNumber++;
            chunkFilled = filled;
            chunkOffset = 0;
        }
    }
}
