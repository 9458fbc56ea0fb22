using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using ConversationEngine.Api.Http;
using ConversationEngine.Delivery;
using ConversationEngine.Tests.Support;
using ConversationEngine.Twilio;
using ConversationEngine.Twilio.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace ConversationEngine.Tests.Twilio;

/// <summary>
/// The engine's <see cref="TwilioTransport"/>: Twilio's library over the registered HTTP client,
/// resilience pipeline included, against the Twilio stand-in.
/// </summary>
public sealed class TwilioTransportTests : IAsyncLifetime
{
    private const string AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string AuthToken = "stand-in-auth-token";
    private const string ApiKeySid = "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string ApiKeySecret = "stand-in-api-key-secret";
    private const string ServiceSid = "MGcccccccccccccccccccccccccccccccc";
    private const string ContentSid = "HXdddddddddddddddddddddddddddddddd";
    private const string To = "+15557654321";
    private const string From = "+15551234567";

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private TwilioStandIn standIn = null!;

    public async Task InitializeAsync() => standIn = await TwilioStandIn.StartAsync(AccountSid, AuthToken);

    public async Task DisposeAsync() => await standIn.DisposeAsync();

    [Fact]
    public async Task Created_message_comes_back_with_sid_and_status_and_the_form_arrives_as_sent()
    {
        await using var services = Services();
        var message = new OutboundMessage
        {
            To = To,
            From = From,
            Body = "Hello there",
            MediaUrls = ["https://example.com/a.png", "https://example.com/b.png"],
            StatusCallback = "http://127.0.0.1:1/unused",
        };
        standIn.Callbacks = StatusCallbackPlan.None;

        var result = await SendAsync(services, message);

        var created = Assert.Single(standIn.Messages);
        Assert.Equal(created.Sid, result.Sid);
        Assert.StartsWith("MM", result.Sid, StringComparison.Ordinal);
        Assert.Equal(34, result.Sid.Length);
        Assert.Equal("queued", result.Status);
        Assert.Null(result.ErrorCode);
        Assert.Equal(To, created.To);
        Assert.Equal(From, created.From);
        Assert.Equal(message.MediaUrls, created.MediaUrls);

        var sent = Assert.Single(standIn.Requests);
        Assert.Equal(201, sent.AnsweredStatus);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", sent.Path);
        Assert.Equal(Basic(AccountSid, AuthToken), sent.Authorization);
        Assert.Equal([To], sent.Values("To"));
        Assert.Equal([From], sent.Values("From"));
        Assert.Equal(["Hello there"], sent.Values("Body"));
        Assert.Equal(["https://example.com/a.png", "https://example.com/b.png"], sent.Values("MediaUrl"));
        Assert.Equal(["http://127.0.0.1:1/unused"], sent.Values("StatusCallback"));
        Assert.Empty(sent.Values("MessagingServiceSid"));
        Assert.Empty(sent.Values("ContentSid"));
        Assert.Empty(sent.Values("ValidityPeriod"));
    }

    [Fact]
    public async Task Content_template_and_validity_period_arrive_as_twilios_form_fields()
    {
        await using var services = Services();
        const string variables = """{"1":"Ada","2":"12:30"}""";

        await SendAsync(services, new OutboundMessage { To = "whatsapp:" + To, From = "whatsapp:" + From, ContentSid = ContentSid, ContentVariables = variables, ValidityPeriod = 600 });

        var sent = Assert.Single(standIn.Requests);
        Assert.Equal(201, sent.AnsweredStatus);
        Assert.Equal(["whatsapp:" + To], sent.Values("To"));
        Assert.Equal(["whatsapp:" + From], sent.Values("From"));
        Assert.Equal([ContentSid], sent.Values("ContentSid"));
        Assert.Equal([variables], sent.Values("ContentVariables"));
        Assert.Equal(["600"], sent.Values("ValidityPeriod"));
        Assert.Empty(sent.Values("Body"));
        Assert.Empty(sent.Values("MediaUrl"));
    }

    [Fact]
    public async Task Text_only_message_gets_an_SM_sid()
    {
        await using var services = Services();

        var result = await SendAsync(services, new OutboundMessage { To = To, From = From, Body = "Hi" });

        Assert.StartsWith("SM", result.Sid, StringComparison.Ordinal);
        Assert.Empty(Assert.Single(standIn.Messages).MediaUrls);
    }

    [Fact]
    public async Task Api_key_is_sent_as_basic_credentials_when_configured()
    {
        standIn.AllowApiKey(ApiKeySid, ApiKeySecret);
        await using var services = Services(o =>
        {
            o.ApiKeySid = ApiKeySid;
            o.ApiKeySecret = ApiKeySecret;
        });

        await SendAsync(services, Text());

        var sent = Assert.Single(standIn.Requests);
        Assert.Equal(Basic(ApiKeySid, ApiKeySecret), sent.Authorization);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", sent.Path);
        Assert.Single(standIn.Messages);
    }

    [Fact]
    public async Task Nothing_is_sent_before_the_host_can_receive_the_status_callbacks()
    {
        var callbacks = StatusCallbackReadiness.Closed();
        await using var services = Services(callbacks: callbacks);

        var send = SendAsync(services, Text());
        await Task.Delay(300);
        Assert.False(send.IsCompleted);
        Assert.Empty(standIn.Requests);

        callbacks.MarkReady();
        await send;
        Assert.Single(standIn.Messages);
    }

    [Fact]
    public async Task Api_key_without_the_accounts_auth_token_is_refused_at_start()
    {
        await using var services = Services(o =>
        {
            o.AuthToken = null;
            o.ApiKeySid = ApiKeySid;
            o.ApiKeySecret = ApiKeySecret;
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TwilioMessagesOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Twilio:AuthToken is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_with_20003_and_not_retried()
    {
        await using var services = Services(o => o.AuthToken = "not-the-token");

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, Text()));

        Assert.Equal(401, error.HttpStatus);
        Assert.Equal(20003, error.Code);
        Assert.False(error.IsRetryable);
        Assert.Equal(401, Assert.Single(standIn.Requests).AnsweredStatus);
        Assert.Empty(standIn.Messages);
    }

    [Fact]
    public async Task Too_many_requests_is_retried_after_retry_after()
    {
        standIn.Enqueue(StandInAnswer.TooManyRequests(retryAfterSeconds: 1));
        await using var services = Services();
        var clock = Stopwatch.StartNew();

        var result = await SendAsync(services, Text());

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed}, before Retry-After");
        Assert.Equal([429, 201], standIn.Requests.Select(r => r.AnsweredStatus));
        Assert.Equal(result.Sid, Assert.Single(standIn.Messages).Sid);
    }

    [Fact]
    public async Task Retry_after_beyond_the_longest_delay_surfaces_the_429_as_retryable_without_waiting()
    {
        standIn.Enqueue(StandInAnswer.TooManyRequests(retryAfterSeconds: 60));
        await using var services = Services();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, Text()));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"waited {clock.Elapsed}");
        Assert.Equal(429, error.HttpStatus);
        Assert.Equal(20429, error.Code);
        Assert.True(error.IsRetryable);
        Assert.Equal([429], standIn.Requests.Select(r => r.AnsweredStatus));
        Assert.Empty(standIn.Messages);
    }

    [Fact]
    public async Task Service_unavailable_twice_then_created_sends_one_message()
    {
        standIn.Enqueue(StandInAnswer.ServiceUnavailable());
        standIn.Enqueue(StandInAnswer.ServiceUnavailable());
        await using var services = Services();

        var result = await SendAsync(services, Text());

        Assert.Equal([503, 503, 201], standIn.Requests.Select(r => r.AnsweredStatus));
        Assert.Equal(result.Sid, Assert.Single(standIn.Messages).Sid);
    }

    [Fact]
    public async Task Invalid_to_21211_is_final_after_one_request()
    {
        standIn.Enqueue(StandInAnswer.InvalidTo());
        await using var services = Services();

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, Text()));

        Assert.Equal(400, error.HttpStatus);
        Assert.Equal(21211, error.Code);
        Assert.False(error.IsRetryable);
        Assert.Equal($"The 'To' number {To} is not a valid phone number.", error.Message);
        var twilio = Assert.IsType<ApiException>(error.InnerException);
        Assert.Equal(400, twilio.Status);
        Assert.Equal(21211, twilio.Code);
        Assert.Equal("https://www.twilio.com/docs/errors/21211", twilio.MoreInfo);
        Assert.Equal(400, Assert.Single(standIn.Requests).AnsweredStatus);
        Assert.Empty(standIn.Messages);
    }

    [Fact]
    public async Task Unsubscribed_recipient_21610_is_final_after_one_request()
    {
        standIn.Enqueue(StandInAnswer.Unsubscribed());
        await using var services = Services();

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, Text()));

        Assert.Equal(21610, error.Code);
        Assert.False(error.IsRetryable);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task Persistent_server_error_surfaces_after_max_attempts_as_retryable()
    {
        for (var i = 0; i < 5; i++)
        {
            standIn.Enqueue(StandInAnswer.ServerError());
        }

        await using var services = Services(o => o.MaxAttempts = 3);

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, Text()));

        Assert.Equal(500, error.HttpStatus);
        Assert.Equal(20500, error.Code);
        Assert.True(error.IsRetryable);
        Assert.Equal([500, 500, 500], standIn.Requests.Select(r => r.AnsweredStatus));
        Assert.Empty(standIn.Messages);
    }

    [Fact]
    public async Task Answer_delayed_past_the_timeout_is_retried()
    {
        standIn.Enqueue(StandInAnswer.Delayed(TimeSpan.FromSeconds(3)));
        await using var services = Services(o => o.Timeout = TimeSpan.FromSeconds(1));

        var result = await SendAsync(services, Text());

        // The abandoned attempt is answered 499 once Kestrel sees the client hang up; nothing is created for it.
        var requests = await standIn.WaitForRequestsAsync(2, Wait);
        Assert.Equal([TwilioStandIn.Abandoned, 201], requests.Select(r => r.AnsweredStatus));
        Assert.Equal(result.Sid, Assert.Single(standIn.Messages).Sid);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_on_every_attempt_is_retryable_with_no_status()
    {
        standIn.Enqueue(StandInAnswer.Delayed(TimeSpan.FromSeconds(3)));
        standIn.Enqueue(StandInAnswer.Delayed(TimeSpan.FromSeconds(3)));
        await using var services = Services(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(500);
            o.MaxAttempts = 2;
        });

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, Text()));

        Assert.Equal(0, error.HttpStatus);
        Assert.Null(error.Code);
        Assert.True(error.IsRetryable);
        Assert.Contains("did not answer within 0.5 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await standIn.WaitForRequestsAsync(2, Wait)).Count);
        Assert.Empty(standIn.Messages);
    }

    [Fact]
    public async Task Unreachable_twilio_is_retried_then_surfaces_as_retryable_with_no_status()
    {
        var closedPort = $"http://127.0.0.1:{FreePort()}";
        await using var services = Services(o =>
        {
            o.BaseUrl = closedPort;
            o.MaxAttempts = 2;
        });

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, Text()));

        Assert.Equal(0, error.HttpStatus);
        Assert.True(error.IsRetryable);
        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messaging_service_send_through_the_registered_client_is_accepted_without_a_sender()
    {
        await using var services = Services();

        var result = await MessageResource.CreateAsync(
            new CreateMessageOptions(new PhoneNumber(To)) { MessagingServiceSid = ServiceSid, Body = "Hi" }, RestClient(services));

        Assert.Equal(MessageResource.StatusEnum.Accepted, result.Status);
        Assert.Null(result.From?.ToString());
        Assert.Equal(ServiceSid, result.MessagingServiceSid);
        Assert.Equal("0", result.NumSegments);
        var sent = Assert.Single(standIn.Requests);
        Assert.Equal([ServiceSid], sent.Values("MessagingServiceSid"));
        Assert.Empty(sent.Values("From"));
    }

    [Fact]
    public async Task Missing_credentials_are_a_retryable_failure_without_a_request()
    {
        await using var services = Services(o =>
        {
            o.AccountSid = null;
            o.AuthToken = null;
        });

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, Text()));

        Assert.True(error.IsRetryable);
        Assert.Contains("credentials are not configured", error.Message, StringComparison.Ordinal);
        Assert.Empty(standIn.Requests);
    }

    public static TheoryData<string> InvalidMessages => ["no content", "eleven media", "empty media url", "relative media url", "zero validity", "variables without content"];

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public async Task Message_breaking_twilios_rules_fails_with_20001_without_a_request(string problem)
    {
        var message = problem switch
        {
            "no content" => Text() with { Body = null },
            "eleven media" => Text() with { MediaUrls = Enumerable.Range(0, 11).Select(i => $"https://example.com/{i}.png").ToArray() },
            "empty media url" => Text() with { MediaUrls = [" "] },
            "relative media url" => Text() with { MediaUrls = ["/a.png"] },
            "zero validity" => Text() with { ValidityPeriod = 0 },
            "variables without content" => Text() with { ContentVariables = "{}" },
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };
        await using var services = Services();

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, message));

        Assert.Equal(20001, error.Code);
        Assert.False(error.IsRetryable);
        Assert.Empty(standIn.Requests);
    }

    [Fact]
    public async Task Stand_in_refuses_a_wrong_account_in_the_path_with_404()
    {
        await using var services = Services(o =>
        {
            o.AccountSid = "ACdddddddddddddddddddddddddddddddd";
            o.ApiKeySid = ApiKeySid;
            o.ApiKeySecret = ApiKeySecret;
        });
        standIn.AllowApiKey(ApiKeySid, ApiKeySecret);

        var error = await Assert.ThrowsAsync<TransportException>(() => SendAsync(services, Text()));

        Assert.Equal(404, error.HttpStatus);
        Assert.Equal(20404, error.Code);
        Assert.False(error.IsRetryable);
        Assert.Single(standIn.Requests);
    }

    [Fact]
    public async Task Status_callbacks_are_signed_so_the_engines_validator_accepts_them()
    {
        await using var receiver = await CallbackReceiver.StartAsync(AuthToken);
        var callbackUrl = receiver.BaseUrl + "/webhooks/twilio/status?conversation=CH1&x=a%20b";
        await using var services = Services();

        var result = await SendAsync(services, Text() with { StatusCallback = callbackUrl });

        var callbacks = await standIn.WaitForCallbacksAsync(2, Wait);
        Assert.Equal(["sent", "delivered"], callbacks.Select(c => c.MessageStatus));
        Assert.All(callbacks, c => Assert.Equal(200, c.AnsweredStatus));
        Assert.Equal(2, receiver.Received.Length);
        Assert.All(receiver.Received, r => Assert.True(r.Valid, $"signature refused for {r.Url}"));
        var parsed = receiver.Received.Select(r => StatusCallback.Parse(r.Form)).ToArray();
        Assert.All(parsed, p =>
        {
            Assert.Equal(result.Sid, p.MessageSid);
            Assert.Equal(AccountSid, p.AccountSid);
            Assert.Equal(From, p.From);
            Assert.Equal(To, p.To);
            Assert.Null(p.ErrorCode);
        });
        Assert.All(receiver.Received, r => Assert.Contains(new KeyValuePair<string, string>("ApiVersion", "2010-04-01"), r.Form));
    }

    [Fact]
    public async Task Failed_plan_reports_failed_with_its_error_code_and_a_service_message_is_queued_first()
    {
        await using var receiver = await CallbackReceiver.StartAsync(AuthToken);
        standIn.Callbacks = StatusCallbackPlan.Failed(30008);
        await using var services = Services();

        await MessageResource.CreateAsync(
            new CreateMessageOptions(new PhoneNumber(To)) { MessagingServiceSid = ServiceSid, Body = "Hi", StatusCallback = new Uri(receiver.BaseUrl + "/status") },
            RestClient(services));

        var callbacks = await standIn.WaitForCallbacksAsync(2, Wait);
        Assert.Equal(["queued", "failed"], callbacks.Select(c => c.MessageStatus));
        var failed = StatusCallback.Parse(Assert.Single(receiver.Received, r => r.Form.Any(f => f.Value == "failed")).Form);
        Assert.Equal(30008, failed.ErrorCode);
        Assert.Equal(TwilioStandIn.DefaultServiceSender, failed.From);
        Assert.Equal(ServiceSid, failed.MessagingServiceSid);
        Assert.All(receiver.Received, r => Assert.True(r.Valid));
    }

    [Fact]
    public async Task Callback_to_a_non_loopback_url_is_never_posted()
    {
        await using var services = Services();

        await SendAsync(services, Text() with { StatusCallback = "https://example.com/status" });

        var callbacks = await standIn.WaitForCallbacksAsync(2, Wait);
        Assert.All(callbacks, c =>
        {
            Assert.Equal(0, c.AnsweredStatus);
            Assert.NotNull(c.Error);
        });
    }

    [Fact]
    public async Task Engine_status_webhook_accepts_the_stand_ins_callbacks_and_refuses_ones_signed_with_another_token()
    {
        await using var engine = await EngineHost.StartAsync();
        var statusUrl = engine.BaseUrl + "/webhooks/twilio/status";
        await using var sameAccount = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        await using var otherToken = await TwilioStandIn.StartAsync(EngineHost.AccountSid, "not-the-engines-token");

        foreach (var twilio in new[] { sameAccount, otherToken })
        {
            await using var services = Services(o =>
            {
                o.BaseUrl = twilio.BaseUrl;
                o.AccountSid = EngineHost.AccountSid;
                o.AuthToken = twilio == sameAccount ? EngineHost.AuthToken : "not-the-engines-token";
            });
            await SendAsync(services, Text() with { StatusCallback = statusUrl });
        }

        // The engine did not send these messages, so it only acknowledges them; what matters is that it trusts them.
        Assert.Equal([200, 200], (await sameAccount.WaitForCallbacksAsync(2, Wait)).Select(c => c.AnsweredStatus));
        Assert.Equal([403, 403], (await otherToken.WaitForCallbacksAsync(2, Wait)).Select(c => c.AnsweredStatus));
    }

    [Fact]
    public async Task Stand_in_answers_with_twilios_message_json_and_refuses_a_missing_to_with_21604()
    {
        using var http = new HttpClient { BaseAddress = new Uri(standIn.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")));
        var path = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";

        var created = await http.PostFormAsync(path, ("To", To), ("MessagingServiceSid", ServiceSid), ("Body", "Hi")).ExpectAsync(HttpStatusCode.Created);
        await http.PostFormAsync(path, ("From", From), ("Body", "Hi")).ExpectErrorAsync(HttpStatusCode.BadRequest, 21604);

        var sid = (string)created["sid"]!;
        Assert.Matches("^SM[0-9a-f]{32}$", sid);
        Assert.Equal(
            ["account_sid", "api_version", "body", "date_created", "date_sent", "date_updated", "direction", "error_code", "error_message",
             "from", "messaging_service_sid", "num_media", "num_segments", "price", "price_unit", "sid", "status", "subresource_uris", "to", "uri"],
            created.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("2010-04-01", (string?)created["api_version"]);
        Assert.Equal("outbound-api", (string?)created["direction"]);
        Assert.Equal("accepted", (string?)created["status"]);
        Assert.Null(created["from"]);
        Assert.Null(created["date_sent"]);
        Assert.Equal("0", (string?)created["num_media"]);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}.json", (string?)created["uri"]);
        Assert.True(DateTimeOffset.TryParseExact(
            (string?)created["date_created"], "ddd, dd MMM yyyy HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out _));
    }

    private static OutboundMessage Text() => new() { To = To, From = From, Body = "Hello" };

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static Task<TransportResult> SendAsync(IServiceProvider services, OutboundMessage message) =>
        services.GetRequiredService<TwilioTransport>().SendAsync(message, Sids.New("DY"), CancellationToken.None);

    private static global::Twilio.Clients.TwilioRestClient RestClient(IServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateTwilioRestClient(services.GetRequiredService<IOptions<TwilioMessagesOptions>>().Value);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private ServiceProvider Services(Action<TwilioMessagesOptions>? configure = null, StatusCallbackReadiness? callbacks = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders());
        services.AddTwilioRestClient(o =>
        {
            o.BaseUrl = standIn.BaseUrl;
            o.AccountSid = AccountSid;
            o.AuthToken = AuthToken;
            o.BaseDelay = TimeSpan.FromMilliseconds(50);
            o.MaxDelay = TimeSpan.FromSeconds(2);
            o.Timeout = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });
        services.AddSingleton(callbacks ?? StatusCallbackReadiness.Open());
        services.AddSingleton<TwilioTransport>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>A loopback endpoint that checks each callback the way the engine's webhook does.</summary>
    private sealed class CallbackReceiver : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentQueue<Received> received = new();

        private CallbackReceiver(WebApplication app, string authToken)
        {
            this.app = app;
            app.MapPost("/{**path}", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                var fields = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty))).ToList();
                var url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";
                var valid = TwilioWebhook.IsValid(authToken, url, fields, request.Headers["X-Twilio-Signature"]);
                received.Enqueue(new Received(url, fields, valid));
                return valid ? Results.Ok() : Results.StatusCode(StatusCodes.Status403Forbidden);
            });
        }

        public string BaseUrl { get; private set; } = string.Empty;

        public Received[] Received => received.ToArray();

        public static async Task<CallbackReceiver> StartAsync(string authToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var receiver = new CallbackReceiver(builder.Build(), authToken);
            await receiver.app.StartAsync();
            receiver.BaseUrl = new Uri(receiver.app.Urls.Single()).GetLeftPart(UriPartial.Authority);
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed record Received(string Url, IReadOnlyList<KeyValuePair<string, string>> Form, bool Valid);
}
