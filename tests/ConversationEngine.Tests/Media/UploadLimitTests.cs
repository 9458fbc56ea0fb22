using System.Net;
using System.Net.Http.Headers;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Media;

/// <summary>The upload limit, announced or discovered while streaming; and uploads past Kestrel's own 30 MB default.</summary>
public sealed class UploadLimitTests
{
    [Fact]
    public async Task Uploads_past_the_limit_are_refused_with_20413_whether_announced_or_streamed_and_leave_nothing()
    {
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Media:MaxUploadBytes"] = "1000000" });
        var service = await host.Client.DefaultServiceAsync();
        var mediaDirectory = Path.Combine(host.DataDirectory, "media");

        await host.Client.UploadAsync(service, MediaHttp.Bytes(1_000_001), "image/jpeg").ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge, 20413);

        // No Content-Length: the limit is found while the body streams in.
        var chunked = new StreamContent(new MemoryStream(MediaHttp.Bytes(3_000_000)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/Services/{service}/Media") { Content = chunked })
        {
            request.Headers.TransferEncodingChunked = true;
            await host.Client.SendAsync(request).ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge, 20413);
        }

        await host.Client.UploadFormAsync(service, MediaHttp.Bytes(1_500_000), "image/jpeg", "big.jpg").ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge, 20413);
        Assert.Empty(Directory.Exists(mediaDirectory) ? Directory.EnumerateFiles(mediaDirectory, "*", SearchOption.AllDirectories) : []);

        var fits = await host.Client.UploadedAsync(service, MediaHttp.Bytes(1_000_000), "image/jpeg");
        Assert.Equal(1_000_000, (long)fits["size"]!);
    }

    [Fact]
    public async Task A_refused_stream_ends_its_connection_so_the_clients_next_request_is_answered()
    {
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Media:MaxUploadBytes"] = "1000000" });
        var service = await host.Client.DefaultServiceAsync();

        // The rest of a refused body is never read and Kestrel drops the connection after the answer; a
        // client told nothing would send its next request on that connection and see no answer at all.
        for (var i = 0; i < 10; i++)
        {
            var chunked = new StreamContent(new MemoryStream(MediaHttp.Bytes(3_000_000)));
            chunked.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/Services/{service}/Media") { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            using var refused = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
            Assert.True(refused.Headers.ConnectionClose);

            await host.Client.UploadFormAsync(service, MediaHttp.Bytes(1_500_000), "image/jpeg", "big.jpg").ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge, 20413);
        }

        await host.Client.UploadedAsync(service, MediaHttp.Bytes(10), "image/jpeg");
    }

    [Fact]
    public async Task A_file_larger_than_kestrels_default_request_limit_uploads_under_the_media_limit()
    {
        await using var host = await EngineHost.StartAsync();
        var service = await host.Client.DefaultServiceAsync();
        var size = 31 * 1024 * 1024;

        var created = await host.Client.UploadedAsync(service, new byte[size], "video/mp4", "long.mp4");

        Assert.Equal(size, (long)created["size"]!);
    }
}
