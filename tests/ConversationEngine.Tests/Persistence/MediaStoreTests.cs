using System.Reflection;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Media;
using ConversationEngine.Tests.Support;
using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ConversationEngine.Tests.Persistence;

/// <summary>
/// What every <see cref="IMediaStore"/> promises, checked against each: the directory store on a
/// temporary directory, and the database store on PostgreSQL (skipped, visibly, without one).
/// </summary>
public sealed class MediaStoreTests
{
    private const long Limit = 64L * 1024 * 1024;

    [Theory]
    [InlineData(Stores.Directory)]
    [PostgresData(Stores.Database)]
    public async Task Content_reads_back_byte_for_byte_with_its_length(string kind)
    {
        await using var store = await Stores.OpenAsync(kind);
        var sid = Sids.New(Sids.Media);
        var bytes = RandomBytes(3 * 1024 * 1024 + 512 * 1024);

        Assert.Equal(bytes.Length, await store.Store.WriteAsync(sid, new MemoryStream(bytes), Limit));

        await using var content = await store.Store.OpenReadAsync(sid);
        Assert.NotNull(content);
        Assert.Equal(bytes.Length, content.Length);
        Assert.Equal(bytes, await ReadAllAsync(content.Stream));
    }

    [Theory]
    [InlineData(Stores.Directory)]
    [PostgresData(Stores.Database)]
    public async Task Small_and_chunk_sized_items_read_back_exactly(string kind)
    {
        await using var store = await Stores.OpenAsync(kind);
        foreach (var size in new[] { 1, 1000, PostgresMediaStore.ChunkSize - 1, PostgresMediaStore.ChunkSize, PostgresMediaStore.ChunkSize + 1, 2 * PostgresMediaStore.ChunkSize })
        {
            var sid = Sids.New(Sids.Media);
            var bytes = RandomBytes(size);
            // No limit at all (long.MaxValue) must not overflow the store's arithmetic.
            Assert.Equal(size, await store.Store.WriteAsync(sid, new TrickleStream(bytes), long.MaxValue));
            await using var content = await store.Store.OpenReadAsync(sid);
            Assert.Equal(size, content!.Length);
            Assert.Equal(bytes, await ReadAllAsync(content.Stream));
        }
    }

    [Theory]
    [InlineData(Stores.Directory)]
    [PostgresData(Stores.Database)]
    public async Task Writing_again_replaces_the_content_whole(string kind)
    {
        await using var store = await Stores.OpenAsync(kind);
        var sid = Sids.New(Sids.Media);
        await store.Store.WriteAsync(sid, new MemoryStream(RandomBytes(2 * 1024 * 1024 + 7)), Limit);
        var replacement = RandomBytes(300_000);

        Assert.Equal(replacement.Length, await store.Store.WriteAsync(sid, new MemoryStream(replacement), Limit));

        await using var content = await store.Store.OpenReadAsync(sid);
        Assert.Equal(replacement.Length, content!.Length);
        Assert.Equal(replacement, await ReadAllAsync(content.Stream));
        await store.AssertNothingLeftOverAsync();
    }

    [Theory]
    [InlineData(Stores.Directory)]
    [PostgresData(Stores.Database)]
    public async Task Deleted_and_unknown_content_reads_as_none_and_deleting_twice_is_harmless(string kind)
    {
        await using var store = await Stores.OpenAsync(kind);
        var sid = Sids.New(Sids.Media);
        await store.Store.WriteAsync(sid, new MemoryStream(RandomBytes(1_500_000)), Limit);

        await store.Store.DeleteAsync(sid);
        await store.Store.DeleteAsync(sid);

        Assert.Null(await store.Store.OpenReadAsync(sid));
        Assert.Null(await store.Store.OpenReadAsync(Sids.New(Sids.Media)));
        await store.AssertNothingLeftOverAsync();
    }

    [Theory]
    [InlineData(Stores.Directory)]
    [PostgresData(Stores.Database)]
    public async Task Content_over_the_limit_is_refused_and_nothing_of_it_is_kept(string kind)
    {
        await using var store = await Stores.OpenAsync(kind);
        var sid = Sids.New(Sids.Media);
        var limit = 2 * 1024 * 1024 + 100;

        var refused = await Assert.ThrowsAsync<MediaTooLargeException>(() => store.Store.WriteAsync(sid, new MemoryStream(RandomBytes(limit + 1)), limit));

        Assert.Equal(limit, refused.Limit);
        Assert.Null(await store.Store.OpenReadAsync(sid));
        await store.AssertNothingLeftOverAsync();

        // Exactly the limit is accepted.
        Assert.Equal(limit, await store.Store.WriteAsync(sid, new MemoryStream(RandomBytes(limit)), limit));
    }

    [Theory]
    [InlineData(Stores.Directory)]
    [PostgresData(Stores.Database)]
    public async Task A_source_failing_midway_leaves_nothing_and_keeps_what_was_there(string kind)
    {
        await using var store = await Stores.OpenAsync(kind);
        var fresh = Sids.New(Sids.Media);
        await Assert.ThrowsAsync<IOException>(() => store.Store.WriteAsync(fresh, new FailingStream(RandomBytes(2 * 1024 * 1024 + 10)), Limit));
        Assert.Null(await store.Store.OpenReadAsync(fresh));

        var existing = Sids.New(Sids.Media);
        var original = RandomBytes(1_234_567);
        await store.Store.WriteAsync(existing, new MemoryStream(original), Limit);
        await Assert.ThrowsAsync<IOException>(() => store.Store.WriteAsync(existing, new FailingStream(RandomBytes(3 * 1024 * 1024)), Limit));

        await using var content = await store.Store.OpenReadAsync(existing);
        Assert.Equal(original, await ReadAllAsync(content!.Stream));
        await store.AssertNothingLeftOverAsync();
    }

    /// <summary>
    /// A sequential stream is what the endpoints hand over (a request body) and read into (a
    /// response body): the synchronous path reads the same bytes as the asynchronous one.
    /// </summary>
    [Theory]
    [InlineData(Stores.Directory)]
    [PostgresData(Stores.Database)]
    public async Task Content_reads_the_same_synchronously(string kind)
    {
        await using var store = await Stores.OpenAsync(kind);
        var sid = Sids.New(Sids.Media);
        var bytes = RandomBytes(2 * 1024 * 1024 + 333);
        await store.Store.WriteAsync(sid, new MemoryStream(bytes), Limit);

        await using var content = await store.Store.OpenReadAsync(sid);
        var copy = new MemoryStream();
        content!.Stream.CopyTo(copy, 50_000);
        Assert.Equal(bytes, copy.ToArray());
    }

    /// <summary>
    /// A reader holding the item while it is replaced gets the old bytes whole (a file stays open
    /// under its old name) or an IOException (the old chunks went with the switch): never a mix.
    /// </summary>
    [Theory]
    [InlineData(Stores.Directory)]
    [PostgresData(Stores.Database)]
    public async Task A_reader_during_a_replace_never_sees_a_mix_of_versions(string kind)
    {
        await using var store = await Stores.OpenAsync(kind);
        var sid = Sids.New(Sids.Media);
        var original = RandomBytes(3 * PostgresMediaStore.ChunkSize);
        await store.Store.WriteAsync(sid, new MemoryStream(original), Limit);

        await using var content = await store.Store.OpenReadAsync(sid);
        var head = new byte[1000];
        await content!.Stream.ReadExactlyAsync(head);
        await store.Store.WriteAsync(sid, new MemoryStream(RandomBytes(original.Length)), Limit);

        if (kind == Stores.Database)
        {
            await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(content.Stream));
        }
        else
        {
            Assert.Equal(original, head.Concat(await ReadAllAsync(content.Stream)).ToArray());
        }
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 81920);
        return copy.ToArray();
    }
}

/// <summary>The stores the contract runs against, each with what it means for it to hold nothing stray.</summary>
internal sealed class Stores : IAsyncDisposable
{
    public const string Directory = "Directory";
    public const string Database = "Database";

    private readonly string? directory;

    private Stores(IMediaStore store, string? directory)
    {
        Store = store;
        this.directory = directory;
    }

    public IMediaStore Store { get; }

    public static async Task<Stores> OpenAsync(string kind)
    {
        if (kind == Database)
        {
            await PostgresSchema.EnsureCreatedAsync(Postgres.Get());
            return new Stores(new PostgresMediaStore(PostgresSchema.Normalize(Postgres.Get())), null);
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("media-store-").FullName;
        return new Stores(new FileMediaStore(directory), directory);
    }

    /// <summary>
    /// No half-written file in the directory; no chunk in the database that no item points at.
    /// The database check spans every test sharing it, which is sound: chunks become visible
    /// only with the item that points at them, and go in the same statement as it.
    /// </summary>
    public async Task AssertNothingLeftOverAsync()
    {
        if (directory is not null)
        {
            Assert.Empty(System.IO.Directory.EnumerateFiles(directory, "*.part", SearchOption.AllDirectories));
            return;
        }

        await using var connection = new NpgsqlConnection(Postgres.Get());
        await connection.OpenAsync();
        await using var orphans = new NpgsqlCommand(
            "SELECT count(*) FROM EngineMediaChunks c WHERE NOT EXISTS (SELECT 1 FROM EngineMedia m WHERE m.UploadId = c.UploadId)", connection);
        Assert.Equal(0L, (long)(await orphans.ExecuteScalarAsync())!);
    }

    public ValueTask DisposeAsync()
    {
        if (directory is not null)
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>A row of theory data that needs PostgreSQL: skipped with the reason when none is configured.</summary>
public sealed class PostgresDataAttribute : DataAttribute
{
    private readonly object[] row;

    public PostgresDataAttribute(params object[] row)
    {
        this.row = row;
        if (!Postgres.Available)
        {
            Skip = new PostgresFactAttribute().Skip;
        }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [row];
}

/// <summary>A source that hands out a few KB per read, as a request body does.</summary>
internal sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes, writable: false)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(buffer.Length, 4093)], cancellationToken);
}

/// <summary>A source whose connection drops halfway: it fails after half of its bytes.</summary>
internal sealed class FailingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Position >= Length / 2
            ? ValueTask.FromException<int>(new IOException("The client went away."))
            : base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, Length / 2 - Position)], cancellationToken);
}

/// <summary>
/// Allocation is counted process-wide (a write and a read cross threads at every await), so these
/// tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAllocations
{
    public const string Name = "allocations";
}

/// <summary>Content streams through the stores: a large item never sits in memory whole.</summary>
[Collection(MeasuredAllocations.Name)]
public sealed class MediaStoreMemoryTests(ITestOutputHelper output)
{
    private const long Size = 20L * 1024 * 1024;

    /// <summary>
    /// The bound: 4 MiB allocated by the whole process while 20 MiB go in, and again while they
    /// come out — room for one 1 MiB chunk, driver buffers and whatever else runs meanwhile, and
    /// a fifth of what holding the item would take.
    /// </summary>
    private const long Bound = 4L * 1024 * 1024;

    [Theory]
    [InlineData(Stores.Directory)]
    [PostgresData(Stores.Database)]
    public async Task Twenty_MiB_go_in_and_out_with_at_most_four_MiB_allocated_each_way(string kind)
    {
        await using var store = await Stores.OpenAsync(kind);
        var sid = Sids.New(Sids.Media);
        // A first small round trip so one-time costs (connections, pools, JIT) are not counted.
        await store.Store.WriteAsync(Sids.New(Sids.Media), new GeneratedStream(PostgresMediaStore.ChunkSize + 1, seed: 1), Size);
        var checker = new CheckingStream(seed: 7);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        Assert.Equal(Size, await store.Store.WriteAsync(sid, new GeneratedStream(Size, seed: 7), Size));
        var written = GC.GetTotalAllocatedBytes(precise: true) - before;

        before = GC.GetTotalAllocatedBytes(precise: true);
        await using (var content = await store.Store.OpenReadAsync(sid))
        {
            Assert.Equal(Size, content!.Length);
            await content.Stream.CopyToAsync(checker, 81920);
        }

        var read = GC.GetTotalAllocatedBytes(precise: true) - before;

        output.WriteLine($"{kind}: 20 MiB written with {written:N0} bytes allocated, read with {read:N0}.");
        Assert.Equal(Size, checker.Checked);
        Assert.True(written < Bound, $"Writing 20 MiB allocated {written:N0} bytes.");
        Assert.True(read < Bound, $"Reading 20 MiB allocated {read:N0} bytes.");
        await store.Store.DeleteAsync(sid);
    }
}

/// <summary>Pseudo-random bytes made as they are read (xorshift from a seed): a large source that takes no memory.</summary>
internal sealed class GeneratedStream(long length, int seed) : Stream
{
    private ulong state = (ulong)seed * 0x9E3779B97F4A7C15UL | 1;
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - position);
        for (var i = 0; i < count; i++)
        {
            buffer[i] = Next(ref state);
        }

        position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public static byte Next(ref ulong state)
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return (byte)(state >> 32);
    }
}

/// <summary>A sink that compares what is written to it with <see cref="GeneratedStream"/>'s bytes for the same seed, keeping none.</summary>
internal sealed class CheckingStream(int seed) : Stream
{
    private ulong state = (ulong)seed * 0x9E3779B97F4A7C15UL | 1;

    public long Checked { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Checked;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        foreach (var b in buffer)
        {
            if (b != GeneratedStream.Next(ref state))
            {
                throw new InvalidDataException($"Byte {Checked} differs from what was written.");
            }

            Checked++;
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
