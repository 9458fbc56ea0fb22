using System.Net;
using System.Net.Http.Headers;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Media;

/// <summary>
/// A 20 MiB upload and download stream through the engine: the process allocates a small
/// fraction of the file's size while it passes (measured alone, so no other test's allocations
/// count). Buffering the file whole anywhere on the way would allocate at least its size.
/// </summary>
[Collection(Alone)]
public sealed class UploadMemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public const string Alone = "media memory (alone)";

    private const int FileSize = 20 * 1024 * 1024;

    /// <summary>The stated bound: a quarter of the file, for everything the process allocates on the way in or out.</summary>
    private const long Bound = FileSize / 4;

    [Fact]
    public async Task A_20_MiB_upload_and_download_allocate_less_than_a_quarter_of_the_file()
    {
        await using var host = await EngineHost.StartAsync();
        var service = await host.Client.DefaultServiceAsync();
        await host.Client.UploadedAsync(service, MediaHttp.Bytes(1000), "video/mp4"); // warm the path up

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var created = await host.Client.PostAsync(
            new Uri($"/v1/Services/{service}/Media", UriKind.Relative),
            new StreamContent(new PatternStream(FileSize), 64 * 1024) { Headers = { ContentType = new MediaTypeHeaderValue("video/mp4") } })
            .ExpectAsync(HttpStatusCode.Created);
        var uploaded = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(FileSize, (long)created["size"]!);
        Assert.True(uploaded < Bound, $"the upload allocated {uploaded} bytes; the bound is {Bound}");

        before = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await host.Client.GetAsync(new Uri((string)created["links"]!["content"]!, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var expected = new PatternStream(FileSize);
        var (got, want) = (new byte[64 * 1024], new byte[64 * 1024]);
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(got)) > 0)
        {
            await expected.ReadExactlyAsync(want.AsMemory(0, read));
            Assert.True(got.AsSpan(0, read).SequenceEqual(want.AsSpan(0, read)), $"content differs near byte {total}");
            total += read;
        }

        var downloaded = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"20 MiB: upload allocated {uploaded} bytes, download {downloaded} bytes (bound {Bound})");
        Assert.Equal(FileSize, total);
        Assert.True(downloaded < Bound, $"the download allocated {downloaded} bytes; the bound is {Bound}");
    }

    /// <summary>A file that is never in memory: bytes made from their position as they are read.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - position);
            for (var i = 0; i < n; i++)
            {
                buffer[i] = (byte)((position + i) * 31 % 251);
            }

            position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

[CollectionDefinition(UploadMemoryTests.Alone, DisableParallelization = true)]
public sealed class UploadMemoryAlone;
