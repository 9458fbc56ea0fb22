using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Bench.Webhooks;

/// <summary>One webhook request as the receiver saw it; <see cref="Received"/> is a <see cref="Stopwatch"/> timestamp taken on arrival.</summary>
internal sealed record Delivery(long Order, long Received, string Token, string EventType, string ConversationSid, long Index, string MessageSid);

/// <summary>
/// The application's side of the webhooks on loopback, in the bench process: a minimal Kestrel app
/// answering <c>POST /post/{phase}</c> with 200 at once (each request timestamped when it arrives,
/// its <c>ConversationSid</c>, <c>Index</c>, <c>MessageSid</c> and <c>I-Twilio-Idempotency-Token</c>
/// kept), and <c>POST /pre</c> (a pre-action hook) with <c>{}</c> after a fixed delay.
/// </summary>
internal sealed class TimedReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Delivery>> phases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, double> holds = new();
    private readonly TimeSpan hookDelay;
    private long order;

    private TimedReceiver(WebApplication app, Uri baseAddress, TimeSpan hookDelay)
    {
        this.app = app;
        BaseAddress = baseAddress;
        this.hookDelay = hookDelay;
    }

    public Uri BaseAddress { get; }

    /// <summary>
    /// How long each pre-action call was held, arrival to answer written, in milliseconds, by the
    /// number in its message body (the bench's create sequence).
    /// </summary>
    public IReadOnlyDictionary<long, double> Holds => holds;

    public static async Task<TimedReceiver> StartAsync(TimeSpan hookDelay)
    {
        var port = Limits.ChildProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new TimedReceiver(app, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")), hookDelay);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>What arrived at <c>/post/{phase}</c>, in arrival order.</summary>
    public IReadOnlyList<Delivery> Deliveries(string phase) =>
        phases.TryGetValue(phase, out var queue) ? [.. queue.OrderBy(d => d.Order)] : [];

    /// <summary>
    /// Waits until <paramref name="expected"/> distinct idempotency tokens arrived at the phase, or
    /// nothing arrived for <paramref name="quiet"/>, or <paramref name="limit"/> passed.
    /// </summary>
    public async Task<int> WaitForAsync(string phase, int expected, TimeSpan quiet, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var seen = -1;
        var lastProgress = clock.Elapsed;
        while (clock.Elapsed < limit)
        {
            var queue = phases.GetOrAdd(phase, _ => new ConcurrentQueue<Delivery>());
            var count = queue.Count;
            if (count != seen)
            {
                (seen, lastProgress) = (count, clock.Elapsed);
                if (queue.Select(d => d.Token).Distinct(StringComparer.Ordinal).Count() >= expected)
                {
                    return count;
                }
            }
            else if (clock.Elapsed - lastProgress > quiet)
            {
                break;
            }

            await Task.Delay(50);
        }

        return seen;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        var path = context.Request.Path.Value ?? "";
        if (path == "/pre")
        {
            var body = (await context.Request.ReadFormAsync(context.RequestAborted))["Body"].ToString();
            await Task.Delay(hookDelay, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{}", context.RequestAborted);
            holds[Sequence(body)] = Stopwatch.GetElapsedTime(arrived).TotalMilliseconds;
            return;
        }

        if (!path.StartsWith("/post/", StringComparison.Ordinal) || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var index = long.TryParse(form["Index"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var at) ? at : -1;
        var delivery = new Delivery(
            Interlocked.Increment(ref order),
            arrived,
            context.Request.Headers["I-Twilio-Idempotency-Token"].ToString(),
            form["EventType"].ToString(),
            form["ConversationSid"].ToString(),
            index,
            form["MessageSid"].ToString());
        phases.GetOrAdd(path["/post/".Length..], _ => new ConcurrentQueue<Delivery>()).Enqueue(delivery);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>The number after '#' in a bench message body ("Your order #123 has shipped…"); -1 without one.</summary>
    public static long Sequence(string body)
    {
        var at = body.IndexOf('#', StringComparison.Ordinal);
        if (at < 0)
        {
            return -1;
        }

        var end = at + 1;
        while (end < body.Length && char.IsAsciiDigit(body[end]))
        {
            end++;
        }

        return long.TryParse(body.AsSpan(at + 1, end - at - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : -1;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
