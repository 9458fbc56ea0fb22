using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Twilio.Security;

namespace ConversationEngine.Tests.Support;

/// <summary>
/// An application's webhook endpoint on loopback: real Kestrel on a port the OS picks, recording
/// every request as it arrived (raw target, headers, body) and answering what a test scripts per path.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly List<ReceivedWebhook> requests = [];
    private readonly Dictionary<string, ReceiverAnswer> answers = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request so far, oldest first.</summary>
    public IReadOnlyList<ReceivedWebhook> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.Single().TrimEnd('/');
        return receiver;
    }

    /// <summary>The absolute URL of <paramref name="path"/> on this receiver.</summary>
    public string Url(string path) => BaseUrl + path;

    /// <summary>Answers every later request to <paramref name="path"/> (without query) with <paramref name="answer"/>; unscripted paths get 200 and an empty body.</summary>
    public void Answer(string path, ReceiverAnswer answer)
    {
        lock (gate)
        {
            answers[path] = answer;
        }
    }

    /// <summary>The requests to <paramref name="path"/>, once there are at least <paramref name="count"/>.</summary>
    public Task<List<ReceivedWebhook>> ReceivedAsync(string path, int count = 1, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(
            () => Requests.Where(r => r.Path == path).ToList(),
            received => received.Count >= count,
            timeout ?? TimeSpan.FromSeconds(20),
            $"{count} request(s) to {path}");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var received = new ReceivedWebhook(
            request.Method,
            request.Path.Value ?? "",
            BaseUrl + rawTarget,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            request.HasFormContentType ? Pairs(body) : [],
            Pairs(request.QueryString.HasValue ? request.QueryString.Value![1..] : ""));
        ReceiverAnswer answer;
        lock (gate)
        {
            answer = answers.GetValueOrDefault(received.Path) ?? new ReceiverAnswer();
            requests.Add(received with { Status = answer.Status });
        }

        if (answer.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(answer.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            context.Response.Headers.Location = answer.Location;
        }

        if (answer.ContentType is not null)
        {
            context.Response.ContentType = answer.ContentType;
        }

        if (answer.Endless)
        {
            // Writes until the client hangs up: proves a reader stops at its cap.
            var chunk = new byte[8192];
            Array.Fill(chunk, (byte)'x');
            try
            {
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }

            return;
        }

        await context.Response.WriteAsync(answer.Body, context.RequestAborted);
    }

    // Decoded by hand: a form parser that groups by name would lose order and repeated names.
    private static List<KeyValuePair<string, string>> Pairs(string encoded) =>
        encoded.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => new KeyValuePair<string, string>(Decode(parts[0]), parts.Length > 1 ? Decode(parts[1]) : ""))
            .ToList();

    private static string Decode(string text) => WebUtility.UrlDecode(text);
}

/// <summary>What the receiver answers: a status and body, after a delay, or an endless body.</summary>
public sealed record ReceiverAnswer(int Status = 200, string Body = "", string? ContentType = null, TimeSpan Delay = default)
{
    public bool Endless { get; init; }

    /// <summary>Sent as the <c>Location</c> header (for redirects).</summary>
    public string? Location { get; init; }
}

/// <summary>One request as the receiver got it.</summary>
/// <param name="Url">The URL as requested: this receiver's base URL and the raw request target, query included.</param>
/// <param name="Form">The form body's pairs in the order sent (empty unless form-encoded).</param>
/// <param name="Query">The query's pairs in the order sent.</param>
public sealed record ReceivedWebhook(
    string Method,
    string Path,
    string Url,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    IReadOnlyList<KeyValuePair<string, string>> Form,
    IReadOnlyList<KeyValuePair<string, string>> Query)
{
    /// <summary>The status the receiver answered this request with.</summary>
    public int Status { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? Signature => Header("X-Twilio-Signature");

    /// <summary>The request's parameters: the form's for a POST, the query's for a GET.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters => Method == "GET" ? Query : Form;

    /// <summary>The values sent under <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> Values(string name) => Parameters.Where(p => p.Key == name).Select(p => p.Value).ToList();

    /// <summary>Checked as a receiving application checks it: Twilio's <see cref="RequestValidator"/>, the URL as requested, the POSTed form.</summary>
    public bool IsValidFor(string authToken) =>
        new RequestValidator(authToken).Validate(Url, Method == "GET" ? new Dictionary<string, string>() : Folded(Form), Signature);

    /// <summary>
    /// The validator's dictionary holds one value per name; Twilio signs a repeated name once per
    /// distinct value, in ordinal order, so those pairs ride inside the name's value.
    /// </summary>
    public static Dictionary<string, string> Folded(IEnumerable<KeyValuePair<string, string>> pairs) =>
        pairs.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => string.Join(g.Key, g.Select(p => p.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            StringComparer.Ordinal);
}
