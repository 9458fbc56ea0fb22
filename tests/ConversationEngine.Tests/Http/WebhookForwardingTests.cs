using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// An engine whose outbound messages go to a Twilio stand-in, and an application's webhook
/// receiver on loopback for the Messaging Services' inbound, fallback and status URLs.
/// </summary>
public sealed class ForwardingFixture : IAsyncLifetime
{
    public TwilioStandIn Twilio { get; private set; } = null!;

    public WebhookReceiver Application { get; private set; } = null!;

    public EngineHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        Application = await WebhookReceiver.StartAsync();
        var settings = DeliveryFixture.Settings(Twilio);
        // Short enough for the timeout cases, long enough for a busy machine.
        settings["Webhooks:ForwardTimeout"] = "00:00:03";
        Host = await EngineHost.StartAsync(settings: settings);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Application.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

/// <summary>
/// Twilio's messaging webhooks passed on to the application as Twilio would have sent them: an
/// inbound message no conversation takes to the Messaging Service's inbound URL (then its fallback
/// URL), status callbacks to its status callback URL; signed with the account's auth token.
/// </summary>
public sealed class WebhookForwardingTests(ForwardingFixture fixture) : IClassFixture<ForwardingFixture>
{
    private const string TwiML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Thanks, an agent will write back.</Message></Response>";

    private HttpClient Client => fixture.Host.Client;

    private WebhookReceiver Application => fixture.Application;

    [Fact]
    public async Task An_unroutable_inbound_message_reaches_the_services_inbound_url_signed_with_twilios_parameters()
    {
        var path = NewPath("inbound");
        var service = await Client.NewServiceAsync(("InboundRequestUrl", Application.Url(path + "?tenant=7")));
        var (sid, fields) = Inbound(service, "Where is my order? ünïcödé 👋");

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(await Application.ReceivedAsync(path));
        Assert.Equal("POST", forwarded.Method);
        Assert.Equal(Sorted(fields), Sorted(forwarded.Form));
        Assert.Equal(Application.Url(path + "?tenant=7"), forwarded.Url);
        Assert.True(forwarded.IsValidFor(EngineHost.AuthToken), "the application's RequestValidator refused the forward");
        Assert.Equal("TwilioProxy/1.1", forwarded.Header("User-Agent"));
        Assert.Equal(sid + "-inbound", forwarded.Header("I-Twilio-Idempotency-Token"));

        var outcome = await Client.GetAsync($"/engine/v1/InboundMessages/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("unroutable", (string?)outcome["outcome"]);
        var forward = Assert.Single(outcome["forwards"]!.AsArray())!;
        Assert.Equal("inbound", (string?)forward["target"]);
        Assert.Equal(Application.Url(path), (string?)forward["url"]);
        Assert.Equal(200, (int?)forward["status_code"]);
        Assert.Equal(service, (string?)forward["messaging_service_sid"]);
        var unroutable = await Client.GetAsync("/engine/v1/UnroutableMessages?PageSize=1000").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(unroutable["unroutable_messages"]!.AsArray(), m => (string?)m!["message_sid"] == sid && m["forwards"]!.AsArray().Count == 1);
    }

    [Fact]
    public async Task The_applications_twiml_is_the_answer_to_twilio()
    {
        var path = NewPath("inbound");
        Application.Answer(path, new ReceiverAnswer(200, TwiML, "text/xml"));
        var service = await Client.NewServiceAsync(("InboundRequestUrl", Application.Url(path)));
        var (sid, fields) = Inbound(service, "hello");

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TwiML, await response.Content.ReadAsStringAsync());
        var outcome = await Client.GetAsync($"/engine/v1/InboundMessages/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)outcome["forwards"]![0]!["answered_twiml"]!);
    }

    [Theory]
    [InlineData("plain text, not TwiML")]
    [InlineData("<Html><Body>not TwiML</Body></Html>")]
    [InlineData("<Response><Message>broken")]
    public async Task An_answer_that_is_not_twiml_leaves_the_engines_own_answer(string body)
    {
        var path = NewPath("inbound");
        Application.Answer(path, new ReceiverAnswer(200, body, "text/plain"));
        var service = await Client.NewServiceAsync(("InboundRequestUrl", Application.Url(path)));

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, Inbound(service, "hello").Fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Api.Resources.WebhookEndpoints.TwiMLAnswer(null), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("server error")]
    [InlineData("timeout")]
    [InlineData("connection refused")]
    public async Task A_failing_inbound_url_falls_back_to_the_fallback_url_with_its_method(string failure)
    {
        var inboundPath = NewPath("inbound");
        var fallbackPath = NewPath("fallback");
        var inboundUrl = failure switch
        {
            "server error" => Application.Url(inboundPath),
            "timeout" => Application.Url(inboundPath),
            _ => "http://127.0.0.1:1" + inboundPath,
        };
        Application.Answer(inboundPath, failure == "timeout" ? new ReceiverAnswer(Delay: TimeSpan.FromSeconds(10)) : new ReceiverAnswer(500, "oops"));
        Application.Answer(fallbackPath, new ReceiverAnswer(200, TwiML, "application/xml"));
        var service = await Client.NewServiceAsync(
            ("InboundRequestUrl", inboundUrl), ("FallbackUrl", Application.Url(fallbackPath)), ("FallbackMethod", "GET"));
        var (sid, fields) = Inbound(service, "anyone there?");

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TwiML, await response.Content.ReadAsStringAsync());
        var fallback = Assert.Single(await Application.ReceivedAsync(fallbackPath));
        Assert.Equal("GET", fallback.Method);
        Assert.Equal(Sorted(fields), Sorted(fallback.Query));
        Assert.True(fallback.IsValidFor(EngineHost.AuthToken), "the application's RequestValidator refused the fallback");
        Assert.Equal(sid + "-fallback", fallback.Header("I-Twilio-Idempotency-Token"));

        var forwards = (await Client.GetAsync($"/engine/v1/InboundMessages/{sid}").ExpectAsync(HttpStatusCode.OK))["forwards"]!.AsArray();
        Assert.Equal(["inbound", "fallback"], forwards.Select(f => (string?)f!["target"]));
        var (status, reason) = failure switch { "server error" => ((int?)500, (string?)null), "timeout" => (null, "timeout"), _ => (null, "connection") };
        Assert.Equal(status, (int?)forwards[0]!["status_code"]);
        Assert.Equal(reason, (string?)forwards[0]!["failure"]);
        Assert.Equal(200, (int?)forwards[1]!["status_code"]);
        Assert.True((bool)forwards[1]!["answered_twiml"]!);
    }

    [Fact]
    public async Task A_refusal_by_the_inbound_url_is_its_answer_and_does_not_fall_back()
    {
        var inboundPath = NewPath("inbound");
        var fallbackPath = NewPath("fallback");
        Application.Answer(inboundPath, new ReceiverAnswer(404));
        var service = await Client.NewServiceAsync(("InboundRequestUrl", Application.Url(inboundPath)), ("FallbackUrl", Application.Url(fallbackPath)));

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, Inbound(service, "hello").Fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await Application.ReceivedAsync(inboundPath));
        Assert.DoesNotContain(Application.Requests, r => r.Path == fallbackPath);
    }

    [Fact]
    public async Task The_service_holding_the_number_is_found_when_twilio_names_none()
    {
        var path = NewPath("inbound");
        var number = SenderApiSupport.UsNumber();
        var service = await Client.NewServiceAsync(("InboundRequestUrl", Application.Url(path)), ("InboundMethod", "GET"));
        var registered = await Client.RegisterNumberAsync(number);
        await Client.PostFormAsync($"/messaging/v1/Services/{service}/PhoneNumbers", ("PhoneNumberSid", (string)registered["sid"]!))
            .ExpectAsync(HttpStatusCode.Created);
        var sid = Sids.New("SM");
        var fields = SignedWebhooks.Inbound(sid, "whatsapp:" + Numbers.NextUs(), "whatsapp:" + number, "via the pool's number");

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(await Application.ReceivedAsync(path));
        Assert.Equal("GET", forwarded.Method);
        Assert.Equal("via the pool's number", Assert.Single(forwarded.Values("Body")));
        Assert.True(forwarded.IsValidFor(EngineHost.AuthToken));
    }

    [Fact]
    public async Task A_message_a_conversation_takes_is_not_forwarded()
    {
        var path = NewPath("inbound");
        var service = await Client.NewServiceAsync(("InboundRequestUrl", Application.Url(path)));
        var (customer, proxy) = (Numbers.NextUs(), Numbers.NextUs());
        var conversation = (string)(await Client.PostFormAsync("/v1/Conversations", ("MessagingServiceSid", service)).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", proxy)).ExpectAsync(HttpStatusCode.Created);
        var fields = SignedWebhooks.Inbound(Sids.New("SM"), customer, proxy, "for the conversation");
        fields["MessagingServiceSid"] = service;

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(Application.Requests, r => r.Path == path);
    }

    [Fact]
    public async Task An_unsigned_or_forged_inbound_message_is_never_forwarded()
    {
        var path = NewPath("inbound");
        var service = await Client.NewServiceAsync(("InboundRequestUrl", Application.Url(path)));
        var fields = Inbound(service, "forged").Fields;

        using var unsigned = await fixture.Host.SendWebhookAsync(SignedWebhooks.MessagesPath, fields, null);
        using var forged = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields, "not-the-token");

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.DoesNotContain(Application.Requests, r => r.Path == path);
    }

    [Fact]
    public async Task A_keyword_keeps_its_answer_and_is_still_forwarded()
    {
        var path = NewPath("inbound");
        Application.Answer(path, new ReceiverAnswer(200, TwiML, "text/xml"));
        var service = await Client.NewServiceAsync(("InboundRequestUrl", Application.Url(path)));
        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent",
            ("Keywords", """{"language":"es","action":"help","keywords":["AYUDA"],"reply":"Responde ALTO para darte de baja."}""")).ExpectAsync(HttpStatusCode.OK);

        // The engine's answer to the service's own keyword.
        using (var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, Inbound(service, "AYUDA").Fields))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.Contains("<Message>Responde ALTO para darte de baja.</Message>", answer, StringComparison.Ordinal);
            Assert.DoesNotContain("agent will write back", answer, StringComparison.Ordinal);
        }

        // Twilio's answer to its own HELP (a Twilio account is configured): the engine adds none, nor the application's.
        using (var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, Inbound(service, "HELP").Fields))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<Message>", answer, StringComparison.Ordinal);
        }

        Assert.Equal(2, (await Application.ReceivedAsync(path, 2)).Count);
    }

    [Fact]
    public async Task An_inbound_url_pointing_at_the_engine_itself_is_not_called()
    {
        var service = await Client.NewServiceAsync(("InboundRequestUrl", fixture.Host.BaseUrl + SignedWebhooks.MessagesPath));
        var (sid, fields) = Inbound(service, "loop?");

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forward = Assert.Single((await Client.GetAsync($"/engine/v1/InboundMessages/{sid}").ExpectAsync(HttpStatusCode.OK))["forwards"]!.AsArray())!;
        Assert.Null((int?)forward["status_code"]);
        Assert.Contains("loop", (string?)forward["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_callbacks_of_messages_the_engine_sent_reach_the_services_status_callback()
    {
        var path = NewPath("status");
        var number = SenderApiSupport.UsNumber();
        var service = await Client.NewServiceAsync(("StatusCallback", Application.Url(path)));
        var registered = await Client.RegisterNumberAsync(number);
        await Client.PostFormAsync($"/messaging/v1/Services/{service}/PhoneNumbers", ("PhoneNumberSid", (string)registered["sid"]!))
            .ExpectAsync(HttpStatusCode.Created);
        var customer = Numbers.NextUs();
        var conversation = (string)(await Client.PostFormAsync("/v1/Conversations", ("MessagingServiceSid", service)).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("MessagingBinding.Address", customer)).ExpectAsync(HttpStatusCode.Created);

        var message = (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "Your order has shipped"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var forwarded = await Application.ReceivedAsync(path, 2);
        var sent = Assert.Single(fixture.Twilio.Messages, m => m.To == customer);
        Assert.Equal(["delivered", "sent"], forwarded.Select(f => Assert.Single(f.Values("MessageStatus"))).Order(StringComparer.Ordinal));
        Assert.All(forwarded, f =>
        {
            Assert.Equal(sent.Sid, Assert.Single(f.Values("MessageSid")));
            Assert.Equal(number, Assert.Single(f.Values("From")));
            Assert.True(f.IsValidFor(EngineHost.AuthToken), "the application's RequestValidator refused the status callback");
            Assert.Equal($"{sent.Sid}-{f.Values("MessageStatus")[0]}", f.Header("I-Twilio-Idempotency-Token"));
        });
        var receipts = await Eventually.ValueAsync(
            () => Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts").ExpectAsync(HttpStatusCode.OK),
            r => (string?)r["delivery_receipts"]![0]?["status"] == "delivered",
            TimeSpan.FromSeconds(20),
            "the receipt to be delivered");
        Assert.Equal(sent.Sid, (string?)receipts["delivery_receipts"]![0]!["channel_message_sid"]);
    }

    [Fact]
    public async Task A_slow_or_failing_status_callback_url_neither_delays_nor_fails_twilios_answer()
    {
        var slowPath = NewPath("status");
        Application.Answer(slowPath, new ReceiverAnswer(Delay: TimeSpan.FromSeconds(10)));
        var slow = await Client.NewServiceAsync(("StatusCallback", Application.Url(slowPath)));
        var broken = await Client.NewServiceAsync(("StatusCallback", "http://127.0.0.1:1/status"));

        foreach (var service in new[] { slow, broken })
        {
            var callback = SignedWebhooks.Status(Sids.New("SM"), "delivered");
            callback["MessagingServiceSid"] = service;
            var clock = Stopwatch.StartNew();
            using var response = await fixture.Host.PostSignedAsync("/webhooks/twilio/status", callback);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
        }

        Assert.Single(await Application.ReceivedAsync(slowPath));
    }

    private static string NewPath(string kind) => $"/{kind}/{Guid.NewGuid():N}";

    private static (string Sid, Dictionary<string, string> Fields) Inbound(string service, string body)
    {
        var sid = Sids.New("SM");
        var fields = SignedWebhooks.Inbound(sid, Numbers.NextUs(), SenderApiSupport.UsNumber(), body);
        fields["MessagingServiceSid"] = service;
        fields["ToCity"] = "SAN FRANCISCO";
        fields["FromZip"] = "";
        return (sid, fields);
    }

    private static List<KeyValuePair<string, string>> Sorted(IEnumerable<KeyValuePair<string, string>> pairs) =>
        pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).ToList();
}
