using System.Net;
using System.Net.Sockets;
using ConversationEngine.Tests.Support;
using ConversationEngine.Twilio.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationEngine.Tests.Twilio;

/// <summary>
/// <see cref="WebhookClient"/> against a real receiver on loopback: what goes on the wire (Twilio's
/// headers, the form or the query, a signature Twilio's validator accepts) and what it reports back.
/// </summary>
public sealed class WebhookClientTests : IAsyncLifetime
{
    private const string Token = "app-auth-token";

    private static readonly KeyValuePair<string, string>[] Form =
    [
        new("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        new("Body", "Grüße 👋 a+b=c & d"),
        new("MediaUrl0", "https://example.com/a.png?x=1&y=2"),
        new("Filters", "onMessageAdded"),
        new("Filters", "onConversationAdded"),
    ];

    private WebhookReceiver receiver = null!;
    private ServiceProvider services = null!;

    private WebhookClient Client => services.GetRequiredService<WebhookClient>();

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        services = Services();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await receiver.DisposeAsync();
    }

    /// <summary>The client as the hosts register it, with <paramref name="settings"/> as configuration.</summary>
    public static ServiceProvider Services(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddTwilioWebhooks()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task Post_sends_the_parameters_in_order_with_twilios_headers_and_a_valid_signature()
    {
        var outcome = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/sms?tenant=7"), Parameters = Form, AuthToken = Token, IdempotencyToken = "idem-1" }, default);

        Assert.Equal(200, outcome.StatusCode);
        Assert.Equal(WebhookFailure.None, outcome.Failure);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(Form, request.Form);
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal("TwilioProxy/1.1", request.Header("User-Agent"));
        Assert.Equal("idem-1", request.Header("I-Twilio-Idempotency-Token"));
        Assert.True(request.IsValidFor(Token), "RequestValidator refused the signature");
        Assert.False(request.IsValidFor("another-token"));
    }

    [Fact]
    public async Task Get_appends_the_parameters_to_the_query_and_signs_the_whole_url()
    {
        var outcome = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/sms?tenant=7"), Method = "get", Parameters = Form, AuthToken = Token }, default);

        Assert.Equal(200, outcome.StatusCode);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal([new("tenant", "7"), .. Form], request.Query);
        Assert.Empty(request.Body);
        Assert.Null(request.Header("Content-Type"));
        Assert.Null(request.Header("I-Twilio-Idempotency-Token"));
        Assert.True(request.IsValidFor(Token), "RequestValidator refused the signature");
    }

    [Fact]
    public async Task The_same_call_sent_twice_carries_the_same_idempotency_token_and_signature()
    {
        var call = new WebhookCall { Url = receiver.Url("/status"), Parameters = Form, AuthToken = Token, IdempotencyToken = "SM0123-delivered" };

        await Client.SendAsync(call, default);
        await Client.SendAsync(call, default);

        var requests = receiver.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal("SM0123-delivered", r.Header("I-Twilio-Idempotency-Token")));
        Assert.Equal(requests[0].Signature, requests[1].Signature);
        Assert.Equal(requests[0].Body, requests[1].Body);
    }

    [Fact]
    public async Task Answers_are_reported_with_status_body_and_content_type()
    {
        receiver.Answer("/teapot", new ReceiverAnswer(418, "{\"message\":\"no\"}", "application/json"));
        receiver.Answer("/broken", new ReceiverAnswer(503, "down"));

        var refused = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/teapot"), AuthToken = Token }, default);
        var broken = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/broken"), AuthToken = Token }, default);

        Assert.Equal(418, refused.StatusCode);
        Assert.Equal("{\"message\":\"no\"}", refused.Body);
        Assert.Equal("application/json", refused.ContentType);
        Assert.False(refused.IsUnavailable);
        Assert.Equal(503, broken.StatusCode);
        Assert.True(broken.IsUnavailable);
    }

    [Fact]
    public async Task A_receiver_slower_than_the_timeout_is_a_timeout()
    {
        receiver.Answer("/slow", new ReceiverAnswer(Delay: TimeSpan.FromSeconds(10)));

        var outcome = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/slow"), AuthToken = Token, Timeout = TimeSpan.FromMilliseconds(300) }, default);

        Assert.Equal(WebhookFailure.Timeout, outcome.Failure);
        Assert.Null(outcome.StatusCode);
        Assert.True(outcome.IsUnavailable);
        Assert.InRange(outcome.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_timeout()
    {
        receiver.Answer("/slow", new ReceiverAnswer(Delay: TimeSpan.FromSeconds(10)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Client.SendAsync(new WebhookCall { Url = receiver.Url("/slow"), AuthToken = Token }, cancel.Token));
    }

    [Fact]
    public async Task A_refused_connection_is_a_connection_failure()
    {
        var outcome = await Client.SendAsync(new WebhookCall { Url = $"http://127.0.0.1:{ClosedPort()}/hook", AuthToken = Token, Timeout = TimeSpan.FromSeconds(5) }, default);

        Assert.Equal(WebhookFailure.Connection, outcome.Failure);
        Assert.True(outcome.IsUnavailable);
        Assert.NotNull(outcome.Error);
    }

    [Fact]
    public async Task A_host_that_does_not_resolve_is_a_name_resolution_failure()
    {
        var outcome = await Client.SendAsync(new WebhookCall { Url = "http://no-such-host.invalid/hook", AuthToken = Token, Timeout = TimeSpan.FromSeconds(10) }, default);

        Assert.Contains(outcome.Failure, new[] { WebhookFailure.NameResolution, WebhookFailure.Timeout });
        Assert.Null(outcome.StatusCode);
    }

    [Fact]
    public async Task The_body_is_read_up_to_the_cap_and_no_further()
    {
        receiver.Answer("/endless", new ReceiverAnswer(ContentType: "text/plain") { Endless = true });
        receiver.Answer("/big", new ReceiverAnswer(Body: new string('y', 100_000)));
        receiver.Answer("/small", new ReceiverAnswer(Body: new string('z', WebhookCall.DefaultMaxResponseBytes)));

        var endless = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/endless"), AuthToken = Token, Timeout = TimeSpan.FromSeconds(10) }, default);
        var big = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/big"), AuthToken = Token }, default);
        var small = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/small"), AuthToken = Token }, default);

        Assert.Equal(200, endless.StatusCode);
        Assert.Equal(WebhookFailure.None, endless.Failure);
        Assert.True(endless.BodyTruncated);
        Assert.Equal(64 * 1024, endless.Body.Length);
        Assert.True(big.BodyTruncated);
        Assert.Equal(64 * 1024, big.Body.Length);
        Assert.False(small.BodyTruncated);
        Assert.Equal(64 * 1024, small.Body.Length);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "POST")]
    [InlineData("ftp://127.0.0.1/hook", "POST")]
    [InlineData("/relative/hook", "POST")]
    [InlineData("http://127.0.0.1/hook", "PUT")]
    public async Task Only_get_or_post_to_http_urls_is_sent(string url, string method)
    {
        var outcome = await Client.SendAsync(new WebhookCall { Url = url, Method = method, AuthToken = Token }, default);

        Assert.Equal(WebhookFailure.InvalidRequest, outcome.Failure);
        Assert.Null(outcome.StatusCode);
        Assert.False(outcome.IsUnavailable);
    }

    [Fact]
    public async Task A_redirect_is_reported_not_followed()
    {
        receiver.Answer("/moved", new ReceiverAnswer(302) { Location = receiver.Url("/elsewhere") });
        receiver.Answer("/file", new ReceiverAnswer(307) { Location = "file:///etc/passwd" });

        var moved = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/moved"), AuthToken = Token }, default);
        var file = await Client.SendAsync(new WebhookCall { Url = receiver.Url("/file"), AuthToken = Token }, default);

        Assert.Equal(302, moved.StatusCode);
        Assert.Equal(307, file.StatusCode);
        Assert.DoesNotContain(receiver.Requests, r => r.Path == "/elsewhere");
    }

    [Fact]
    public async Task Credentials_in_the_url_become_basic_authentication_and_are_not_signed()
    {
        var url = receiver.Url("/auth?x=1#rc=2").Replace("http://", "http://user:p%40ss@", StringComparison.Ordinal);

        var outcome = await Client.SendAsync(new WebhookCall { Url = url, Parameters = Form, AuthToken = Token }, default);

        Assert.Equal(200, outcome.StatusCode);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String("user:p@ss"u8.ToArray()), request.Header("Authorization"));
        Assert.Equal(receiver.Url("/auth?x=1"), request.Url);
        Assert.True(request.IsValidFor(Token));
    }

    [Fact]
    public void Logged_urls_carry_neither_credentials_nor_query()
    {
        Assert.Equal("https://app.example.com:8443/hooks/sms", WebhookClient.Describe("https://u:secret@app.example.com:8443/hooks/sms?Body=private#x"));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
