using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ConversationEngine.Rules;
using ConversationEngine.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Tests.Support;

/// <summary>
/// Twilio Programmable Messaging, as far as the engine's outbound path touches it: answers
/// <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c> like Twilio (HTTP Basic, Twilio's
/// error body, the Message JSON), then posts signed status callbacks to the message's
/// <c>StatusCallback</c>. Served by real Kestrel on a free 127.0.0.1 port; it never calls anything
/// but loopback URLs. It also serves inbound messages' media (<see cref="ServeMedia"/>) as Twilio
/// does: behind the account's Basic credentials, optionally through a redirect to a "CDN" host.
/// </summary>
/// <remarks>
/// Checks run in Twilio's order: credentials (401, code 20003), the account in the path (404, code
/// 20404), then the next scripted <see cref="StandInAnswer"/> if one is queued, then the request's
/// shape (400 with Twilio's codes). Choices where Twilio's exact answer is not documented: both
/// <c>From</c> and <c>MessagingServiceSid</c> given is refused with 21603, like neither.
/// </remarks>
public sealed partial class TwilioStandIn : IAsyncDisposable
{
    /// <summary>The sender a Messaging Service "picks" for its messages, as seen in their status callbacks.</summary>
    public const string DefaultServiceSender = "+15005550006";

    /// <summary>The status recorded for a request whose caller hung up before the (delayed) answer.</summary>
    public const int Abandoned = 499;

    private const string ApiVersion = "2010-04-01";

    private readonly WebApplication app;
    private readonly string accountSid;
    private readonly string authToken;
    private readonly HttpClient callbackClient;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> apiKeys = new(StringComparer.Ordinal);
    private readonly Queue<StandInAnswer> script = new();
    private readonly List<RequestEntry> requests = [];
    private readonly List<StandInMessage> messages = [];
    private readonly List<CallbackResult> callbackResults = [];
    private readonly Dictionary<string, ServedMedia> media = new(StringComparer.Ordinal);
    private readonly List<StandInMediaRequest> mediaRequests = [];
    private readonly HashSet<Task> callbackRuns = [];
    private TaskCompletionSource changed = NewSignal();
    private StatusCallbackPlan callbacks = StatusCallbackPlan.SentThenDelivered;
    private bool disposed;

    private TwilioStandIn(WebApplication app, string accountSid, string authToken)
    {
        this.app = app;
        this.accountSid = accountSid;
        this.authToken = authToken;
        callbackClient = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>Scheme, host and port, e.g. <c>http://127.0.0.1:54321</c>: the value for <c>Twilio:BaseUrl</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The account the stand-in serves.</summary>
    public string AccountSid => accountSid;

    /// <summary>The sender reported in callbacks of messages sent through a Messaging Service.</summary>
    public string ServiceSender { get; set; } = DefaultServiceSender;

    /// <summary>Every POST to a Messages.json path, in arrival order, refused ones included.</summary>
    /// <remarks><see cref="StandInRequest.AnsweredStatus"/> is 0 while the answer is still being delayed.</remarks>
    public IReadOnlyList<StandInRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.Select(r => r.ToRecord()).ToArray();
            }
        }
    }

    /// <summary>The messages created (answered 201), in creation order.</summary>
    public IReadOnlyList<StandInMessage> Messages
    {
        get
        {
            lock (gate)
            {
                return messages.ToArray();
            }
        }
    }

    /// <summary>Every status callback attempted, in the order they finished.</summary>
    public IReadOnlyList<CallbackResult> CallbackResults
    {
        get
        {
            lock (gate)
            {
                return callbackResults.ToArray();
            }
        }
    }

    /// <summary>Every GET of a media path or of the "CDN" it redirects to, in arrival order, with the answer's status.</summary>
    public IReadOnlyList<StandInMediaRequest> MediaRequests
    {
        get
        {
            lock (gate)
            {
                return mediaRequests.ToArray();
            }
        }
    }

    /// <summary>The callbacks posted after each message created from now on; default sent, then delivered.</summary>
    public StatusCallbackPlan Callbacks
    {
        get
        {
            lock (gate)
            {
                return callbacks;
            }
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (gate)
            {
                callbacks = value;
            }
        }
    }

    /// <summary>Starts the stand-in for one account on a free loopback port.</summary>
    public static async Task<TwilioStandIn> StartAsync(string accountSid, string authToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountSid);
        ArgumentException.ThrowIfNullOrEmpty(authToken);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(TwilioStandIn).Assembly.GetName().Name,
        });
        builder.Logging.ClearProviders();

        // Port 0: the system picks a free port while binding, so there is no window in which another
        // process could take it; the address is read back once Kestrel listens.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new TwilioStandIn(app, accountSid, authToken);
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", standIn.CreateMessageAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages/{messageSid}/Media/{mediaSid}", standIn.MediaAsync);
        app.MapGet(CdnPrefix + "{messageSid}/{mediaSid}", standIn.CdnAsync);
        standIn.MapAccountApi(app);
        app.MapFallback(static async context => await WriteErrorAsync(
            context, StatusCodes.Status404NotFound, 20404, $"The requested resource {context.Request.Path} was not found"));

        await app.StartAsync();
        standIn.BaseUrl = new Uri(app.Urls.Single()).GetLeftPart(UriPartial.Authority);
        return standIn;
    }

    /// <summary>
    /// The URL Twilio gives for an inbound message's media item (<c>MediaUrl{N}</c>): on
    /// <c>api.twilio.com</c>, which an engine whose <c>Twilio:BaseUrl</c> is this stand-in sends here.
    /// </summary>
    public string MediaUrl(string messageSid, string mediaSid) =>
        $"https://api.twilio.com{MediaPath(messageSid, mediaSid)}";

    /// <summary>
    /// Serves <paramref name="content"/> at <see cref="MediaUrl"/>'s path to requests with the
    /// account's (or an allowed API key's) Basic credentials, 401 to others, as Twilio does.
    /// </summary>
    public void ServeMedia(string messageSid, string mediaSid, byte[] content, string contentType, StandInMediaBehaviour? behaviour = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        lock (gate)
        {
            media[MediaPath(messageSid, mediaSid)] = new ServedMedia(content, contentType, behaviour ?? new StandInMediaBehaviour());
        }
    }

    /// <summary>Also accepts HTTP Basic with this API key (<c>SK…</c>) and its secret.</summary>
    public void AllowApiKey(string sid, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(sid);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        lock (gate)
        {
            apiKeys[sid] = secret;
        }
    }

    /// <summary>Queues an answer for the next authenticated request; queued answers are used in order.</summary>
    public void Enqueue(StandInAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        lock (gate)
        {
            script.Enqueue(answer);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages exist; returns the <paramref name="count"/>-th.</summary>
    /// <exception cref="TimeoutException">Fewer arrived in time; the message lists what did arrive.</exception>
    public async Task<StandInMessage> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await WaitUntilAsync(() => messages.Count >= count, timeout, () =>
            $"Expected {count} message(s) within {timeout.TotalSeconds:0.###} s, got {messages.Count}. Requests: {Describe(requests)}");
        lock (gate)
        {
            return messages[count - 1];
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> callbacks have been answered (or have failed).</summary>
    /// <exception cref="TimeoutException">Fewer finished in time; the message lists what did.</exception>
    public async Task<IReadOnlyList<CallbackResult>> WaitForCallbacksAsync(int count, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await WaitUntilAsync(() => callbackResults.Count >= count, timeout, () =>
            $"Expected {count} status callback(s) within {timeout.TotalSeconds:0.###} s, got {callbackResults.Count}: "
            + string.Join("; ", callbackResults.Select(c => $"{c.MessageStatus} → {c.AnsweredStatus} {c.Error}")));
        return CallbackResults;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived and every one has been answered.</summary>
    /// <exception cref="TimeoutException">Not so in time; the message lists the requests.</exception>
    public async Task<IReadOnlyList<StandInRequest>> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await WaitUntilAsync(() => requests.Count >= count && requests.All(r => r.Status != 0), timeout, () =>
            $"Expected {count} answered request(s) within {timeout.TotalSeconds:0.###} s. Requests: {Describe(requests)}");
        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            running = [.. callbackRuns];
        }

        await stopping.CancelAsync();
        try
        {
            await Task.WhenAll(running);
        }
        catch (OperationCanceledException)
        {
            // Callbacks cut short by the stop: expected.
        }

        await app.StopAsync();
        await app.DisposeAsync();
        callbackClient.Dispose();
        stopping.Dispose();
    }

    private const string CdnPrefix = "/cdn/";

    private string MediaPath(string messageSid, string mediaSid) => $"/{ApiVersion}/Accounts/{accountSid}/Messages/{messageSid}/Media/{mediaSid}";

    private async Task MediaAsync(HttpContext context, string accountSid, string messageSid, string mediaSid)
    {
        var authorization = context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null;
        ServedMedia? served;
        int attempt;
        bool authenticated;
        lock (gate)
        {
            authenticated = IsAuthenticated(authorization);
            media.TryGetValue(context.Request.Path.Value ?? "", out served);
            attempt = served is null || !authenticated ? 0 : ++served.Requests;
        }

        int status;
        if (!authenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
            status = await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, 20003, "Authenticate");
        }
        else if (!string.Equals(accountSid, this.accountSid, StringComparison.Ordinal) || served is null)
        {
            status = await WriteErrorAsync(context, StatusCodes.Status404NotFound, 20404, $"The requested resource {context.Request.Path} was not found");
        }
        else if (served.Behaviour.Status is { } failing)
        {
            status = await WriteErrorAsync(context, failing, 20000 + failing, "Scripted media failure");
        }
        else if (attempt <= served.Behaviour.FailuresFirst)
        {
            status = await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, 20500, "Internal Server Error");
        }
        else if (served.Behaviour.ViaCdn)
        {
            // A host other than the API's (localhost, not 127.0.0.1), as Twilio's CDN is: the credentials must not follow.
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = $"http://localhost:{context.Request.Host.Port}{CdnPrefix}{messageSid}/{mediaSid}";
            status = StatusCodes.Status307TemporaryRedirect;
        }
        else
        {
            status = await WriteMediaAsync(context, served);
        }

        RecordMedia(context.Request.Path, authorization, status);
    }

    /// <summary>A pre-signed URL, as Twilio's CDN (S3) serves them: another credential is refused, as S3 refuses a second auth mechanism.</summary>
    private async Task CdnAsync(HttpContext context, string messageSid, string mediaSid)
    {
        var authorization = context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null;
        ServedMedia? served;
        lock (gate)
        {
            media.TryGetValue(MediaPath(messageSid, mediaSid), out served);
        }

        var status = authorization is not null
            ? await WriteErrorAsync(context, StatusCodes.Status400BadRequest, 20400, "Only one auth mechanism allowed")
            : served is null
                ? await WriteErrorAsync(context, StatusCodes.Status404NotFound, 20404, "Not found")
                : await WriteMediaAsync(context, served);
        RecordMedia(context.Request.Path, authorization, status);
    }

    private static async Task<int> WriteMediaAsync(HttpContext context, ServedMedia served)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = served.ContentType;
        if (served.Behaviour.Filename is { } filename)
        {
            context.Response.Headers.ContentDisposition = $"inline; filename=\"{filename}\"";
        }

        if (!served.Behaviour.Chunked)
        {
            context.Response.ContentLength = served.Content.Length;
            await context.Response.Body.WriteAsync(served.Content, context.RequestAborted);
            return StatusCodes.Status200OK;
        }

        // No Content-Length: the reader learns the size only by reading.
        foreach (var chunk in served.Content.Chunk(16 * 1024))
        {
            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        return StatusCodes.Status200OK;
    }

    private void RecordMedia(string path, string? authorization, int status)
    {
        lock (gate)
        {
            mediaRequests.Add(new StandInMediaRequest(path, authorization, status));
        }

        Signal();
    }

    private async Task CreateMessageAsync(HttpContext context, string accountSid)
    {
        var form = await ReadFormAsync(context.Request);
        var entry = new RequestEntry(context.Request.Path, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, form);
        StandInAnswer? scripted = null;
        bool authenticated;
        lock (gate)
        {
            requests.Add(entry);
            authenticated = IsAuthenticated(entry.Authorization);
            if (authenticated && string.Equals(accountSid, this.accountSid, StringComparison.Ordinal))
            {
                script.TryDequeue(out scripted);
            }
        }

        Signal();
        try
        {
            entry.Status = await AnswerAsync(context, accountSid, form, authenticated, scripted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            entry.Status = Abandoned;
        }

        Signal();
    }

    private async Task<int> AnswerAsync(HttpContext context, string pathAccountSid, List<KeyValuePair<string, string>> form, bool authenticated, StandInAnswer? scripted)
    {
        if (!authenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
            return await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, 20003, "Authenticate");
        }

        if (!string.Equals(pathAccountSid, accountSid, StringComparison.Ordinal))
        {
            return await WriteErrorAsync(context, StatusCodes.Status404NotFound, 20404, $"The requested resource {context.Request.Path} was not found");
        }

        var to = Field(form, "To");
        if (scripted is not null)
        {
            if (scripted.Delay > TimeSpan.Zero)
            {
                await Task.Delay(scripted.Delay, context.RequestAborted);
            }

            if (scripted.Status is { } status)
            {
                if (scripted.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                }

                var message = (scripted.Message ?? "Error").Replace("{To}", to, StringComparison.Ordinal);
                return await WriteErrorAsync(context, status, scripted.Code ?? 20000 + status, message);
            }
        }

        if (Refusal(form) is { } refusal)
        {
            return await WriteErrorAsync(context, StatusCodes.Status400BadRequest, refusal.Code, refusal.Message);
        }

        var created = Create(form);
        var json = MessageJson(created, form);
        lock (gate)
        {
            messages.Add(created);
        }

        Signal();
        if (created.StatusCallback is not null)
        {
            // Twilio reports status changes after it has answered the create, never within it.
            var plan = Callbacks;
            context.Response.OnCompleted(() =>
            {
                StartCallbacks(created, plan);
                return Task.CompletedTask;
            });
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(json.ToJsonString(), context.RequestAborted);
        return StatusCodes.Status201Created;
    }

    private static (int Code, string Message)? Refusal(List<KeyValuePair<string, string>> form)
    {
        var to = Field(form, "To");
        var from = Field(form, "From");
        var service = Field(form, "MessagingServiceSid");
        if (to is null)
        {
            return (21604, "A 'To' phone number is required.");
        }

        if ((from is null) == (service is null))
        {
            return (21603, from is null
                ? "A 'From' phone number is required."
                : "Only one of 'From' and 'MessagingServiceSid' may be given.");
        }

        var mediaCount = form.Count(f => f.Key == "MediaUrl");
        if (Field(form, "Body") is null && mediaCount == 0 && Field(form, "ContentSid") is null)
        {
            return (21602, "Message body is required.");
        }

        if (mediaCount > 10)
        {
            return (21623, "Number of media files exceeds allowed limit.");
        }

        if (Field(form, "ValidityPeriod") is { } validity
            && !(int.TryParse(validity, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 36000))
        {
            return (21624, "Invalid validity period value.");
        }

        return null;
    }

    private static StandInMessage Create(List<KeyValuePair<string, string>> form)
    {
        var media = form.Where(f => f.Key == "MediaUrl").Select(f => f.Value).ToArray();
        var sid = (media.Length > 0 ? "MM" : "SM") + Guid.NewGuid().ToString("N");
        return new StandInMessage(
            sid,
            Field(form, "To")!,
            Field(form, "From"),
            Field(form, "MessagingServiceSid"),
            Field(form, "Body"),
            media,
            Field(form, "StatusCallback"),
            DateTimeOffset.UtcNow);
    }

    private JsonObject MessageJson(StandInMessage message, List<KeyValuePair<string, string>> form)
    {
        var date = message.Received.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
        var viaService = message.MessagingServiceSid is not null;
        var segments = viaService
            ? 0 // no sender picked yet, so nothing to count against (Twilio's documented behaviour)
            : SmsEncoding.Encode(message.Body ?? string.Empty, Field(form, "SmartEncoded") == "true").Segments;
        var uri = $"/2010-04-01/Accounts/{accountSid}/Messages/{message.Sid}";
        return new JsonObject
        {
            ["account_sid"] = accountSid,
            ["api_version"] = ApiVersion,
            ["body"] = message.Body,
            ["date_created"] = date,
            ["date_sent"] = null,
            ["date_updated"] = date,
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = message.From,
            ["messaging_service_sid"] = message.MessagingServiceSid,
            ["num_media"] = message.MediaUrls.Count.ToString(CultureInfo.InvariantCulture),
            ["num_segments"] = segments.ToString(CultureInfo.InvariantCulture),
            ["price"] = null,
            ["price_unit"] = "USD",
            ["sid"] = message.Sid,
            ["status"] = viaService ? "accepted" : "queued",
            ["subresource_uris"] = new JsonObject
            {
                ["media"] = uri + "/Media.json",
                ["feedback"] = uri + "/Feedback.json",
            },
            ["to"] = message.To,
            ["uri"] = uri + ".json",
        };
    }

    private void StartCallbacks(StandInMessage message, StatusCallbackPlan plan)
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            var run = PostCallbacksAsync(message, plan);
            callbackRuns.Add(run);
            _ = run.ContinueWith(
                done =>
                {
                    lock (gate)
                    {
                        callbackRuns.Remove(done);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task PostCallbacksAsync(StandInMessage message, StatusCallbackPlan plan)
    {
        // Leave the request's thread: the callbacks must not hold up Kestrel's completion of the response.
        await Task.Yield();
        var url = message.StatusCallback!;
        IReadOnlyList<StatusCallbackStep> steps = message.MessagingServiceSid is null || plan.Steps.Count == 0
            ? plan.Steps
            : [new StatusCallbackStep("queued"), .. plan.Steps];
        foreach (var step in steps)
        {
            var form = CallbackForm(message, step);
            var signature = TwilioSignature.Sign(authToken, url, form);
            int answered = 0;
            string? error = null;
            if (!IsLoopback(url))
            {
                error = "Not a loopback URL: the stand-in never calls out.";
            }
            else
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
                    request.Headers.Add("X-Twilio-Signature", signature);
                    request.Headers.UserAgent.ParseAdd("TwilioProxy/1.1");
                    using var response = await callbackClient.SendAsync(request, stopping.Token);
                    answered = (int)response.StatusCode;
                }
                catch (HttpRequestException e)
                {
                    error = e.Message;
                }
                catch (TaskCanceledException) when (!stopping.IsCancellationRequested)
                {
                    error = "The callback URL did not answer in time.";
                }
            }

            lock (gate)
            {
                callbackResults.Add(new CallbackResult(url, message.Sid, step.Status, form, signature, answered, error));
            }

            Signal();
            if (plan.Interval > TimeSpan.Zero)
            {
                await Task.Delay(plan.Interval, stopping.Token);
            }
        }
    }

    private List<KeyValuePair<string, string>> CallbackForm(StandInMessage message, StatusCallbackStep step)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("SmsSid", message.Sid),
            new("SmsStatus", step.Status),
            new("MessageStatus", step.Status),
            new("To", message.To),
        };
        if (message.MessagingServiceSid is { } service)
        {
            form.Add(new("MessagingServiceSid", service));
        }

        form.Add(new("MessageSid", message.Sid));
        form.Add(new("AccountSid", accountSid));
        form.Add(new("From", message.From ?? ServiceSender));
        form.Add(new("ApiVersion", ApiVersion));
        if (step.ErrorCode is { } code)
        {
            form.Add(new("ErrorCode", code.ToString(CultureInfo.InvariantCulture)));
        }

        return form;
    }

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.IsLoopback;

    private bool IsAuthenticated(string? authorization)
    {
        const string Scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[Scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        var (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        return (user == accountSid && password == authToken)
            || (apiKeys.TryGetValue(user, out var secret) && password == secret);
    }

    // Parsed by hand rather than through IFormCollection, which groups values by name and so loses
    // the order the fields were sent in.
    private static async Task<List<KeyValuePair<string, string>>> ReadFormAsync(HttpRequest request)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (!request.HasFormContentType)
        {
            return form;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            form.Add(new(Decode(name), Decode(value)));
        }

        return form;

        static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
    }

    private static string? Field(List<KeyValuePair<string, string>> form, string name) =>
        form.FirstOrDefault(f => f.Key == name).Value is { Length: > 0 } value ? value : null;

    private static async Task<int> WriteErrorAsync(HttpContext context, int status, int code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
            ["status"] = status,
        };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
        return status;
    }

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (condition())
                {
                    return;
                }

                next = changed.Task;
            }

            var remaining = deadline - DateTimeOffset.UtcNow;
            try
            {
                await next.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                lock (gate)
                {
                    if (condition())
                    {
                        return;
                    }

                    throw new TimeoutException(describe());
                }
            }
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (gate)
        {
            previous = changed;
            changed = NewSignal();
        }

        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Describe(List<RequestEntry> entries) =>
        entries.Count == 0 ? "none" : string.Join("; ", entries.Select(e => $"{e.Path} → {e.Status}"));

    private sealed class ServedMedia(byte[] content, string contentType, StandInMediaBehaviour behaviour)
    {
        public byte[] Content { get; } = content;

        public string ContentType { get; } = contentType;

        public StandInMediaBehaviour Behaviour { get; } = behaviour;

        /// <summary>Authenticated requests so far (under the stand-in's lock).</summary>
        public int Requests { get; set; }
    }

    private sealed class RequestEntry(string path, string? authorization, List<KeyValuePair<string, string>> form)
    {
        public string Path { get; } = path;

        public string? Authorization { get; } = authorization;

        public volatile int Status;

        public StandInRequest ToRecord() => new(Path, Authorization, form, Status);
    }
}

/// <summary>One POST to Messages.json as the stand-in received it.</summary>
/// <param name="Path">The request path, account SID included.</param>
/// <param name="Authorization">The Authorization header, verbatim; null when absent.</param>
/// <param name="Form">The form fields in the order sent; repeated names (MediaUrl) repeated.</param>
/// <param name="AnsweredStatus">The HTTP status answered; 0 while pending, <see cref="TwilioStandIn.Abandoned"/> when the caller hung up first.</param>
public sealed record StandInRequest(string Path, string? Authorization, IReadOnlyList<KeyValuePair<string, string>> Form, int AnsweredStatus)
{
    /// <summary>The values sent under <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> Values(string name) => Form.Where(f => f.Key == name).Select(f => f.Value).ToArray();
}

/// <summary>How the stand-in serves one media item; the default serves it at once, with Content-Length.</summary>
public sealed record StandInMediaBehaviour
{
    /// <summary>Answers 500 to the first this many authenticated requests, then serves the item.</summary>
    public int FailuresFirst { get; init; }

    /// <summary>Answers every authenticated request with this status (404, 500…), never the item.</summary>
    public int? Status { get; init; }

    /// <summary>Redirects (307) to a "CDN" on another host name, which refuses requests that carry credentials.</summary>
    public bool ViaCdn { get; init; }

    /// <summary>Sent as <c>Content-Disposition: inline; filename="…"</c> when set.</summary>
    public string? Filename { get; init; }

    /// <summary>Sends the body without Content-Length (chunked).</summary>
    public bool Chunked { get; init; }
}

/// <summary>One GET of a media item (or its CDN redirect target) as the stand-in received it.</summary>
/// <param name="Path">The request path.</param>
/// <param name="Authorization">The Authorization header, verbatim; null when absent.</param>
/// <param name="AnsweredStatus">The HTTP status answered.</param>
public sealed record StandInMediaRequest(string Path, string? Authorization, int AnsweredStatus);

/// <summary>A message the stand-in created.</summary>
public sealed record StandInMessage(
    string Sid,
    string To,
    string? From,
    string? MessagingServiceSid,
    string? Body,
    IReadOnlyList<string> MediaUrls,
    string? StatusCallback,
    DateTimeOffset Received);

/// <summary>
/// A scripted answer for one request. <see cref="Status"/> null means "answer as Twilio would"
/// (validate, then 201), after <see cref="Delay"/>.
/// </summary>
public sealed record StandInAnswer
{
    /// <summary>The HTTP status to refuse with; null to create the message (validation still applies).</summary>
    public int? Status { get; init; }

    /// <summary>Twilio's error code in the body; defaults to 20000 + status (20429, 20500, 20503).</summary>
    public int? Code { get; init; }

    /// <summary>The error text; <c>{To}</c> is replaced by the request's To.</summary>
    public string? Message { get; init; }

    /// <summary>Sent as <c>Retry-After</c> (delta seconds) when set.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>How long to wait before answering; a caller that gives up first gets nothing created.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Answers as Twilio would: 201 with the message, or 400 when the request is malformed.</summary>
    public static StandInAnswer Created() => new();

    /// <summary>Waits <paramref name="delay"/>, then answers as Twilio would (to make a client time out).</summary>
    public static StandInAnswer Delayed(TimeSpan delay) => new() { Delay = delay };

    /// <summary>429, code 20429, with <c>Retry-After</c>.</summary>
    public static StandInAnswer TooManyRequests(int retryAfterSeconds) =>
        new() { Status = 429, Code = 20429, Message = "Too Many Requests", RetryAfterSeconds = retryAfterSeconds };

    /// <summary>Any Twilio error answer.</summary>
    public static StandInAnswer Error(int status, int code, string message, int? retryAfterSeconds = null) =>
        new() { Status = status, Code = code, Message = message, RetryAfterSeconds = retryAfterSeconds };

    /// <summary>400, code 21211: the To number is not a valid phone number.</summary>
    public static StandInAnswer InvalidTo() =>
        Error(400, 21211, "The 'To' number {To} is not a valid phone number.");

    /// <summary>400, code 21610: the recipient replied STOP.</summary>
    public static StandInAnswer Unsubscribed() =>
        Error(400, 21610, "Attempt to send to unsubscribed recipient");

    /// <summary>500, code 20500.</summary>
    public static StandInAnswer ServerError() => Error(500, 20500, "Internal Server Error");

    /// <summary>503, code 20503, optionally with <c>Retry-After</c>.</summary>
    public static StandInAnswer ServiceUnavailable(int? retryAfterSeconds = null) =>
        Error(503, 20503, "Service Unavailable", retryAfterSeconds);
}

/// <summary>One status callback: the status posted and, for failures, Twilio's error code.</summary>
public sealed record StatusCallbackStep(string Status, int? ErrorCode = null);

/// <summary>
/// The status callbacks posted after a message is created, in order. Messages sent through a
/// Messaging Service get a <c>queued</c> callback first (the service picked a sender), as on Twilio.
/// </summary>
public sealed record StatusCallbackPlan(IReadOnlyList<StatusCallbackStep> Steps)
{
    /// <summary>sent, then delivered: the default.</summary>
    public static StatusCallbackPlan SentThenDelivered { get; } = new([new("sent"), new("delivered")]);

    /// <summary>No callbacks at all.</summary>
    public static StatusCallbackPlan None { get; } = new([]);

    /// <summary>The pause between two callbacks of one message; none by default.</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>failed with <paramref name="errorCode"/> (30008: unknown error), as when Twilio could not send.</summary>
    public static StatusCallbackPlan Failed(int errorCode = 30008) => new([new("failed", errorCode)]);

    /// <summary>sent, then undelivered with <paramref name="errorCode"/> (30003: unreachable handset).</summary>
    public static StatusCallbackPlan Undelivered(int errorCode = 30003) => new([new("sent"), new("undelivered", errorCode)]);
}

/// <summary>One status callback the stand-in posted, and how the receiver answered.</summary>
/// <param name="Url">The StatusCallback URL posted to.</param>
/// <param name="MessageSid">The message reported on.</param>
/// <param name="MessageStatus">The status posted.</param>
/// <param name="Form">The fields posted, in order.</param>
/// <param name="Signature">The <c>X-Twilio-Signature</c> sent.</param>
/// <param name="AnsweredStatus">The receiver's HTTP status; 0 when no answer came (see <paramref name="Error"/>).</param>
/// <param name="Error">Why there was no answer.</param>
public sealed record CallbackResult(
    string Url,
    string MessageSid,
    string MessageStatus,
    IReadOnlyList<KeyValuePair<string, string>> Form,
    string Signature,
    int AnsweredStatus,
    string? Error);
