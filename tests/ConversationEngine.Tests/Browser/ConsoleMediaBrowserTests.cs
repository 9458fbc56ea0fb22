using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using ConversationEngine.Tests.Support;
using Microsoft.Playwright;

namespace ConversationEngine.Tests.Browser;

/// <summary>
/// Attachments in the agent console: files uploaded to the Media Content Service with the
/// agent's token and sent as MediaSids, media shown in place (images) or as download links,
/// arriving live as well, and Twilio's refusals shown as they are. The engine's upload limit is
/// small here (<see cref="ConsoleMediaFixture.MaxUploadBytes"/>) so a refusal needs no large file,
/// and signed URLs short-lived so their expiry is seen.
/// </summary>
[Collection(ConsoleMediaBrowser.Name)]
public sealed partial class ConsoleMediaBrowserTests(ConsoleMediaFixture fixture)
{
    private const int PngWidth = 48;
    private const int PngHeight = 32;

    private EngineHost Host => fixture.Host;

    private static string NewAgent() => "agent." + Guid.NewGuid().ToString("N")[..8];

    private static ILocator Item(IPage page, string conversation) => page.Locator($"#conversation-list li[data-sid='{conversation}']");

    [Fact]
    public async Task Agent_sends_a_png_and_a_pdf_and_sees_the_image_in_place_and_the_pdf_as_a_download_link()
    {
        var agent = NewAgent();
        var (conversation, _) = await fixture.ConversationAsync("Damaged parcel", agent);
        var requests = new RequestLog();
        var page = await fixture.SignInAsync(agent, watch: requests.Watch);
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();

        await page.Locator("#attach-input").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "pixel.png", MimeType = "image/png", Buffer = Png(PngWidth, PngHeight) },
            new FilePayload { Name = "invoice.pdf", MimeType = "application/pdf", Buffer = Pdf() },
        });
        var pending = page.Locator("#attachments li");
        await Assertions.Expect(pending).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#attachments li.ready")).ToHaveCountAsync(2);
        await Assertions.Expect(pending.Nth(0)).ToContainTextAsync("pixel.png");
        await Assertions.Expect(pending.Nth(1)).ToContainTextAsync("invoice.pdf");
        await ConsoleFixture.ScreenshotAsync(page, "desktop-attachments-pending");
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("Photo and invoice attached");
        await box.PressAsync("Enter");

        var mine = page.Locator("#messages .message.mine");
        await Assertions.Expect(mine).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#attachments")).ToBeHiddenAsync();
        await Assertions.Expect(mine.Locator(".body")).ToHaveTextAsync("Photo and invoice attached");
        await AssertImageLoadedAsync(mine.Locator(".attachments img"), "pixel.png");
        var pdf = mine.Locator(".attachments .file a");
        await Assertions.Expect(pdf).ToContainTextAsync("invoice.pdf");
        await Assertions.Expect(pdf).ToHaveAttributeAsync("href", MediaPath());
        var download = await page.RunAndWaitForDownloadAsync(() => pdf.ClickAsync());
        Assert.Equal("invoice.pdf", download.SuggestedFilename);
        Assert.Equal(Pdf(), await File.ReadAllBytesAsync(await download.PathAsync()));
        await Assertions.Expect(Item(page, conversation).Locator(".preview")).ToContainTextAsync("You: Photo and invoice attached");
        await ConsoleFixture.ScreenshotAsync(page, "desktop-attachments-sent");

        // Sent as the agent's message with both items, and the MMS to the customer carries them.
        var sent = await Host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages?Order=desc&PageSize=1").ExpectAsync(HttpStatusCode.OK);
        var message = sent["messages"]![0]!;
        Assert.Equal(agent, (string?)message["author"]);
        Assert.Equal("image/png application/pdf", string.Join(' ', message["media"]!.AsArray().Select(m => (string?)m!["content_type"])));
        Assert.Equal("pixel.png invoice.pdf", string.Join(' ', message["media"]!.AsArray().Select(m => (string?)m!["filename"])));

        // Opened afresh, the message's media come from the REST resource rather than the send's answer.
        await page.ReloadAsync();
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await AssertImageLoadedAsync(page.Locator("#messages .message.mine .attachments img"), "pixel.png");
        await Assertions.Expect(page.Locator("#messages .message.mine .attachments .file a")).ToContainTextAsync("invoice.pdf");

        await requests.AssertOnlyTheTokenAsync();
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task Image_a_customer_sends_appears_live_in_the_open_conversation()
    {
        var agent = NewAgent();
        var (conversation, customer) = await fixture.ConversationAsync("Photo incoming", agent);
        var requests = new RequestLog();
        var page = await fixture.SignInAsync(agent, watch: requests.Watch);
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("#conversation-title")).ToHaveTextAsync("Photo incoming");

        // The account's own client: upload, then the message.
        var mediaSid = await UploadAsync(Png(PngWidth, PngHeight), "image/png", "photo.png");
        await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", customer), ("MediaSid", mediaSid)).ExpectAsync(HttpStatusCode.Created);

        var theirs = page.Locator("#messages .message:not(.mine)");
        await Assertions.Expect(theirs).ToHaveCountAsync(1, new() { Timeout = 5000 });
        await Assertions.Expect(theirs.Locator(".author")).ToHaveTextAsync(customer);
        await Assertions.Expect(theirs.Locator("li[data-media-sid]")).ToHaveAttributeAsync("data-media-sid", mediaSid);
        await AssertImageLoadedAsync(theirs.Locator(".attachments img"), "photo.png");
        await Assertions.Expect(Item(page, conversation).Locator(".preview")).ToContainTextAsync($"{customer}: Attachment: photo.png");

        await requests.AssertOnlyTheTokenAsync();
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task Refusals_show_twilios_message_and_the_files_can_be_removed_before_sending()
    {
        var agent = NewAgent();
        var (conversation, _) = await fixture.ConversationAsync("Too much", agent);
        var requests = new RequestLog();
        var page = await fixture.SignInAsync(agent, watch: requests.Watch);
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();

        // Larger than the engine takes: 413 / 20413, shown on the file; the message is not sent while it stays.
        // One is refused as it streams in, the other (far larger) on its declared length before it is read.
        await page.Locator("#attach-input").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "scan.tiff", MimeType = "image/tiff", Buffer = new byte[ConsoleMediaFixture.MaxUploadBytes * 2] },
            new FilePayload { Name = "poster.tiff", MimeType = "image/tiff", Buffer = new byte[4 * 1024 * 1024] },
        });
        var failed = page.Locator("#attachments li.failed");
        await Assertions.Expect(failed).ToHaveCountAsync(2);
        var tooLarge = $"The request body is larger than the {ConsoleMediaFixture.MaxUploadBytes} bytes this endpoint accepts";
        await Assertions.Expect(failed.Locator(".state")).ToHaveTextAsync([tooLarge, tooLarge]);
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("See the scan");
        await box.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#conversation-error")).ToHaveTextAsync("Remove the attachments that could not be uploaded, then send again.");
        await Assertions.Expect(page.Locator("#messages .message")).ToHaveCountAsync(0);
        await ConsoleFixture.ScreenshotAsync(page, "desktop-attachment-too-large");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove scan.tiff" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove poster.tiff" }).ClickAsync();
        await Assertions.Expect(page.Locator("#attachments")).ToBeHiddenAsync();

        // Uploaded (a chat user takes any type), but the SMS customer's channel does not take a ZIP: 50511, and the file stays to remove.
        await page.Locator("#attach-input").SetInputFilesAsync(new FilePayload { Name = "logs.zip", MimeType = "application/zip", Buffer = [0x50, 0x4b, 0x05, 0x06, .. new byte[18]] });
        await Assertions.Expect(page.Locator("#attachments li.ready")).ToHaveCountAsync(1);
        await box.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#conversation-error")).ToContainTextAsync("application/zip, which MMS does not take");
        await Assertions.Expect(box).ToHaveValueAsync("See the scan");
        await Assertions.Expect(page.Locator("#attachments li.ready")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove logs.zip" }).ClickAsync();
        await box.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#messages .message.mine .body")).ToHaveTextAsync("See the scan");
        await Assertions.Expect(page.Locator("#messages .message.mine .attachments")).ToHaveCountAsync(0);

        await requests.AssertOnlyTheTokenAsync();
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task Files_dropped_on_the_conversation_or_pasted_into_the_box_go_out_without_a_body()
    {
        var agent = NewAgent();
        var (conversation, _) = await fixture.ConversationAsync("Drop and paste", agent);
        var page = await fixture.SignInAsync(agent);
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();

        var png = Convert.ToBase64String(Png(PngWidth, PngHeight));
        var dropped = await page.EvaluateHandleAsync("""
            png => {
              const d = new DataTransfer();
              d.items.add(new File([Uint8Array.from(atob(png), c => c.charCodeAt(0))], 'dropped.png', { type: 'image/png' }));
              return d;
            }
            """, png);
        await page.Locator("#conversation").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.EvaluateAsync("""
            box => {
              const d = new DataTransfer();
              d.items.add(new File(['order,total\n1001,12.50\n'], 'orders.csv', { type: 'text/csv' }));
              box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: d, bubbles: true, cancelable: true }));
            }
            """);
        await Assertions.Expect(page.Locator("#attachments li.ready")).ToHaveCountAsync(2);
        await Assertions.Expect(box).ToHaveValueAsync("");
        await box.PressAsync("Enter");

        var mine = page.Locator("#messages .message.mine");
        await AssertImageLoadedAsync(mine.Locator(".attachments img"), "dropped.png");
        await Assertions.Expect(mine.Locator(".attachments .file a")).ToContainTextAsync("orders.csv");
        await Assertions.Expect(mine.Locator(".body")).ToBeHiddenAsync();
        await Assertions.Expect(Item(page, conversation).Locator(".preview")).ToHaveTextAsync("You: 2 attachments: dropped.png, orders.csv");
        var sent = await Host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages?Order=desc&PageSize=1").ExpectAsync(HttpStatusCode.OK);
        Assert.Null((string?)sent["messages"]![0]!["body"]);
        Assert.Equal(2, sent["messages"]![0]!["media"]!.AsArray().Count);
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task Expired_links_are_read_again_before_they_are_followed_or_shown()
    {
        var agent = NewAgent();
        var (conversation, customer) = await fixture.ConversationAsync("Old links", agent);
        var image = await UploadAsync(Png(PngWidth, PngHeight), "image/png", "receipt.png");
        var document = await UploadAsync(Pdf(), "application/pdf", "statement.pdf");
        await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages",
            ("Author", customer), ("Body", "Both attached"), ("MediaSid", image), ("MediaSid", document)).ExpectAsync(HttpStatusCode.Created);
        var page = await fixture.SignInAsync(agent);
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();
        var theirs = page.Locator("#messages .message:not(.mine)");
        var picture = theirs.Locator(".attachments img");
        await AssertImageLoadedAsync(picture, "receipt.png");
        var link = theirs.Locator(".attachments .file a");
        await Assertions.Expect(link).ToHaveAttributeAsync("href", MediaPath());
        await Assertions.Expect(link).ToContainTextAsync("statement.pdf");
        var firstLink = (await link.GetAttributeAsync("href"))!;
        var firstPicture = (await picture.GetAttributeAsync("src"))!;

        // The engine stops opening the URLs after their lifetime (Media:SignedUrlLifetime, short here).
        using var anonymous = Host.CreateClient();
        var deadline = DateTime.UtcNow + (ConsoleMediaFixture.SignedUrlLifetime * 3);
        while (true)
        {
            using var response = await anonymous.GetAsync(firstLink);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "the signed URL never expired");
            await Task.Delay(250);
        }

        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal("statement.pdf", download.SuggestedFilename);
        Assert.Equal(Pdf(), await File.ReadAllBytesAsync(await download.PathAsync()));
        Assert.NotEqual(firstLink, await link.GetAttributeAsync("href"));

        // Shown again (the conversation opened afresh), the image is read with a new URL too.
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await AssertImageLoadedAsync(picture, "receipt.png");
        Assert.NotEqual(firstPicture, await picture.GetAttributeAsync("src"));
        await fixture.CloseAsync(page);
    }

    /// <summary>Uploads with the account's credentials: the raw body, named by its Content-Disposition.</summary>
    private async Task<string> UploadAsync(byte[] bytes, string contentType, string filename)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = $"\"{filename}\"" };
        var media = await Host.Client.PostAsync($"/v1/Services/{fixture.DefaultService}/Media", content).ExpectAsync(HttpStatusCode.Created);
        return (string)media["sid"]!;
    }

    /// <summary>The image is decoded (a broken or refused one has no natural size) and has the file's name as its text.</summary>
    private static async Task AssertImageLoadedAsync(ILocator image, string name)
    {
        await Assertions.Expect(image).ToHaveCountAsync(1);
        await Assertions.Expect(image).ToHaveAttributeAsync("alt", name);
        await Assertions.Expect(image).ToHaveAttributeAsync("src", MediaPath());
        await image.EvaluateAsync("i => i.complete && i.naturalWidth > 0 ? null : new Promise((ok, fail) => { i.addEventListener('load', ok); i.addEventListener('error', fail); })");
        Assert.Equal(PngWidth, await image.EvaluateAsync<int>("i => i.naturalWidth"));
    }

    [GeneratedRegex("^/media/ME[0-9a-f]{32}/[0-9]+/[A-Za-z0-9_-]+$")]
    private static partial Regex MediaPath();

    /// <summary>A valid RGB PNG of the given size (a gradient): signature, IHDR, one zlib IDAT, IEND.</summary>
    private static byte[] Png(int width, int height)
    {
        var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                for (var x = 0; x < width; x++)
                {
                    zlib.Write([(byte)(0x80 + (x * 2)), (byte)(y * 4), 0x40]);
                }
            }
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", pixels.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xffffffffu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>A one-page PDF (small: MMS takes documents up to 500 KB).</summary>
    private static byte[] Pdf() => Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

    /// <summary>Every request the page made, with all its headers as sent.</summary>
    private sealed class RequestLog
    {
        private readonly ConcurrentQueue<(string Url, Task<Dictionary<string, string>> Headers)> seen = new();

        public void Watch(IPage page) => page.Request += (_, request) => seen.Enqueue((request.Url, request.AllHeadersAsync()));

        /// <summary>
        /// No request carried the account's Basic credentials; the engine's API and media records
        /// were called with the agent's token, and signed content URLs with nothing at all.
        /// </summary>
        public async Task AssertOnlyTheTokenAsync()
        {
            var all = new List<(string Url, Dictionary<string, string> Headers)>();
            foreach (var (url, headers) in seen)
            {
                all.Add((url, await headers));
            }

            Assert.DoesNotContain(all, r => r.Headers.Keys.Any(k => k.Equals("authorization", StringComparison.OrdinalIgnoreCase)));
            var api = all.Where(r => new Uri(r.Url).AbsolutePath.StartsWith("/v1/", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(api);
            Assert.All(api, r => Assert.True(r.Headers.ContainsKey("x-twilio-token"), r.Url));
            var content = all.Where(r => new Uri(r.Url).AbsolutePath.StartsWith("/media/", StringComparison.Ordinal)).ToList();
            Assert.Contains(api, r => r.Url.Contains("/Media", StringComparison.Ordinal));

            Assert.All(content, r => Assert.False(r.Headers.ContainsKey("x-twilio-token"), r.Url));
        }
    }
}

/// <summary>The console's engine with a small upload limit and short-lived signed URLs, for the media tests.</summary>
public sealed class ConsoleMediaFixture() : ConsoleFixture(new Dictionary<string, string?>
{
    ["Media:MaxUploadBytes"] = MaxUploadBytes.ToString(CultureInfo.InvariantCulture),
    ["Media:SignedUrlLifetime"] = SignedUrlLifetime.ToString("c", CultureInfo.InvariantCulture),
})
{
    public const int MaxUploadBytes = 16 * 1024;

    /// <summary>Long enough for a loaded machine to show what it read; short enough for a test to see it expire.</summary>
    public static readonly TimeSpan SignedUrlLifetime = TimeSpan.FromSeconds(8);
}

[CollectionDefinition(Name)]
public sealed class ConsoleMediaBrowser : ICollectionFixture<ConsoleMediaFixture>
{
    public const string Name = "console media browser";
}
