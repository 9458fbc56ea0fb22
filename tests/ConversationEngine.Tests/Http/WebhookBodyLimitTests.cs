using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Twilio webhooks are bounded before they are trusted (issue 13, item 4): a forged body past
/// <c>Webhooks:MaxInboundBodyBytes</c> is refused with 413 before it is read, declared or chunked,
/// and a flood of them leaves the process's managed memory where it was.
/// </summary>
[Collection(WebhookBodyLimitTests.Isolated)]
public sealed class WebhookBodyLimitTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    /// <summary>Alone, so the memory other tests allocate does not count against the bound.</summary>
    public const string Isolated = "webhook body limit (alone)";

    private const long Forged = 25L * 1024 * 1024;
    private const long DefaultLimit = 64 * 1024;

    public static TheoryData<string, bool> Forgeries => new()
    {
        { SignedWebhooks.MessagesPath, true },
        { SignedWebhooks.MessagesPath, false },
        { "/webhooks/twilio/status", true },
        { "/webhooks/twilio/status", false },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_25_MB_forged_body_is_refused_with_413_before_it_is_read(string path, bool withLength)
    {
        var answer = await ForgedPost.SendAsync(fixture.Host.BaseUrl, path, Forged, withLength);

        Assert.True(answer.Status == 413, $"expected 413, got {answer.Status}: {answer.Body}");
        var body = JsonNode.Parse(answer.Body)!.AsObject();
        Assert.Equal(Errors.PayloadTooLarge, (int)body["code"]!);
        Assert.Equal(413, (int)body["status"]!);
        Assert.Contains("65536", (string?)body["message"], StringComparison.Ordinal);
        Assert.Equal($"https://www.twilio.com/docs/errors/{Errors.PayloadTooLarge}", (string?)body["more_info"]);

        // The server answered and closed the connection: what the client managed to write is what
        // the socket buffers took in, far from the 25 MB it meant to send.
        Assert.True(answer.Written < Forged / 2, $"the client wrote {answer.Written} bytes of {Forged}");
    }

    [Fact]
    public async Task A_hundred_concurrent_25_MB_forged_posts_leave_managed_memory_within_100_MB()
    {
        const int Posts = 100;
        const long Bound = 100L * 1024 * 1024;

        // Warm up the paths so their one-time allocations are not counted.
        await ForgedPost.SendAsync(fixture.Host.BaseUrl, SignedWebhooks.MessagesPath, Forged, withLength: false);
        var before = SettledMemory();
        long peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(5);
            }
        });

        var answers = await Task.WhenAll(Enumerable.Range(0, Posts).Select(i =>
            ForgedPost.SendAsync(fixture.Host.BaseUrl, i % 4 < 2 ? SignedWebhooks.MessagesPath : "/webhooks/twilio/status", Forged, withLength: i % 2 == 0)));
        await stop.CancelAsync();
        await sampler;
        var after = SettledMemory();

        Assert.True(peak - before < Bound, $"managed memory peaked {(peak - before) / 1024 / 1024} MB above {before / 1024 / 1024} MB");
        Assert.True(after - before < Bound, $"managed memory settled {(after - before) / 1024 / 1024} MB above {before / 1024 / 1024} MB");
        Assert.All(answers, answer => Assert.Equal(413, answer.Status));
        Assert.True(answers.Sum(a => a.Written) < Posts * Forged / 2, $"the clients wrote {answers.Sum(a => a.Written)} bytes of {Posts * Forged}");
    }

    [Fact]
    public async Task A_normal_signed_webhook_under_the_limit_still_works()
    {
        var fields = SignedWebhooks.Status(NewSid("SM"), "delivered");

        using var response = await fixture.Host.PostSignedAsync("/webhooks/twilio/status", fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void The_default_limit_is_64_KiB()
    {
        var options = (IOptions<ConversationEngine.Twilio.Webhooks.WebhookOptions>)fixture.Host.Services.GetService(typeof(IOptions<ConversationEngine.Twilio.Webhooks.WebhookOptions>))!;

        Assert.Equal(DefaultLimit, options.Value.MaxInboundBodyBytes);
    }

    [Fact]
    public async Task The_limit_is_configurable_and_binds_signed_webhooks_too()
    {
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Webhooks:MaxInboundBodyBytes"] = "8192" });

        // A genuine, signed callback past the limit is refused all the same: it is never read.
        var large = SignedWebhooks.Status(NewSid("SM"), "delivered");
        large["Padding"] = new string('x', 10_000);
        await host.PostSignedAsync("/webhooks/twilio/status", large).ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge, Errors.PayloadTooLarge);

        var small = SignedWebhooks.Status(NewSid("SM"), "delivered");
        small["Padding"] = new string('x', 6_000);
        using var response = await host.PostSignedAsync("/webhooks/twilio/status", small);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1024")]
    [InlineData("1073741824")]
    public async Task An_unreasonable_limit_is_refused_at_start(string value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Webhooks:MaxInboundBodyBytes"] = value }));

        Assert.Contains("Webhooks:MaxInboundBodyBytes", error.Message, StringComparison.Ordinal);
    }

    private static long SettledMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string NewSid(string prefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>The status line's code, the (de-chunked) body, and how many body bytes the client wrote.</summary>
    private sealed record Answer(int Status, string Body, long Written);

    /// <summary>
    /// A forged webhook as the attack sent it, on a raw connection (HttpClient gives up on a
    /// request whose body the server stops reading, even once the answer is in): a form of
    /// <c>length</c> bytes in fields of 1 MiB each (under ASP.NET Core's 4 MB value limit, so the
    /// whole form would be read), generated from one small buffer as it is written, with a
    /// <c>Content-Length</c> or chunked. Writing stops when the answer has come or the server closed.
    /// </summary>
    private static class ForgedPost
    {
        private static readonly byte[] Filler = Encoding.ASCII.GetBytes(new string('x', 16 * 1024));

        public static async Task<Answer> SendAsync(string baseUrl, string path, long length, bool withLength)
        {
            var server = new Uri(baseUrl);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Host, server.Port);
            var stream = tcp.GetStream();
            var framing = withLength ? $"Content-Length: {length}" : "Transfer-Encoding: chunked";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
                $"X-Twilio-Signature: Zm9yZ2VkIHNpZ25hdHVyZQ==\r\n{framing}\r\n\r\n"));
            var answer = ReadAnswerAsync(stream);
            long written = 0;
            try
            {
                var head = Encoding.ASCII.GetBytes($"AccountSid={EngineHost.AccountSid}&MessageSid=SM{Guid.NewGuid():N}&MessageStatus=delivered");
                written += await WriteAsync(stream, head, withLength);
                for (var field = 0; written < length && !answer.IsCompleted; field++)
                {
                    written += await WriteAsync(stream, Encoding.ASCII.GetBytes($"&F{field}="), withLength);
                    for (var value = 0; value < 1024 * 1024 && written < length && !answer.IsCompleted; value += Filler.Length)
                    {
                        written += await WriteAsync(stream, Filler.AsMemory(0, (int)Math.Min(Filler.Length, length - written)), withLength);
                    }
                }

                if (!withLength && !answer.IsCompleted)
                {
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
                }
            }
            catch (IOException)
            {
                // The server closed the connection: it has answered, or it will say why below.
            }

            var (status, body) = await answer.WaitAsync(TimeSpan.FromSeconds(30));
            return new Answer(status, body, written);
        }

        private static async Task<int> WriteAsync(NetworkStream stream, ReadOnlyMemory<byte> bytes, bool withLength)
        {
            if (!withLength)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{bytes.Length:x}\r\n"));
            }

            await stream.WriteAsync(bytes);
            if (!withLength)
            {
                await stream.WriteAsync("\r\n"u8.ToArray());
            }

            return bytes.Length;
        }

        // Reads one response: up to the end of its body (Content-Length or chunked), or until the server closes.
        private static async Task<(int Status, string Body)> ReadAnswerAsync(NetworkStream stream)
        {
            var received = new List<byte>();
            var buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer)) > 0)
                {
                    received.AddRange(buffer.AsSpan(0, read));
                    if (Parse(Encoding.ASCII.GetString([.. received])) is { } complete)
                    {
                        return complete;
                    }
                }
            }
            catch (IOException)
            {
                // Reset after the answer: what was received is kept.
            }

            return Parse(Encoding.ASCII.GetString([.. received])) ?? (0, Encoding.ASCII.GetString([.. received]));
        }

        private static (int Status, string Body)? Parse(string text)
        {
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                return null;
            }

            var headers = text[..end].Split("\r\n");
            var status = int.Parse(headers[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var rest = text[(end + 4)..];
            var length = headers.FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            if (length is not null)
            {
                var count = int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                return rest.Length >= count ? (status, rest[..count]) : null;
            }

            if (!headers.Any(h => h.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)))
            {
                return (status, rest);
            }

            var body = new StringBuilder();
            while (true)
            {
                var line = rest.IndexOf("\r\n", StringComparison.Ordinal);
                if (line < 0)
                {
                    return null;
                }

                var size = Convert.ToInt32(rest[..line].Split(';')[0], 16);
                if (size == 0)
                {
                    return (status, body.ToString());
                }

                if (rest.Length < line + 2 + size + 2)
                {
                    return null;
                }

                body.Append(rest, line + 2, size);
                rest = rest[(line + 2 + size + 2)..];
            }
        }
    }
}

[CollectionDefinition(WebhookBodyLimitTests.Isolated, DisableParallelization = true)]
public sealed class WebhookBodyLimitAlone;
