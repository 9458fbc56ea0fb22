using System.Net;
using ConversationEngine.Api.Resources;
using ConversationEngine.Tests.Support;
using Orleans.Runtime;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// An engine connected to a Twilio account (the stand-in, behind a proxy that can fail a request
/// after carrying it out) and reachable at a public address, as an operator deploys it.
/// </summary>
public sealed class TwilioAccountFixture : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://engine.example.com";
    public const string InboundUrl = PublicBaseUrl + "/webhooks/twilio/messages";
    public const string StatusUrl = PublicBaseUrl + "/webhooks/twilio/status";

    public TwilioStandIn Twilio { get; private set; } = null!;

    public TwilioFaultProxy Proxy { get; private set; } = null!;

    public EngineHost Host { get; private set; } = null!;

    public static Dictionary<string, string?> Settings(string twilioBaseUrl, string publicBaseUrl) => new()
    {
        ["Twilio:AccountSid"] = EngineHost.AccountSid,
        ["Twilio:AuthToken"] = EngineHost.AuthToken,
        ["Twilio:BaseUrl"] = twilioBaseUrl,
        ["Twilio:BaseDelay"] = "00:00:00.050",
        ["Twilio:MaxDelay"] = "00:00:01",
        ["Twilio:Timeout"] = "00:00:03",
        ["Twilio:MaxAttempts"] = "3",
        ["Engine:PublicBaseUrl"] = publicBaseUrl,
        // No background import of the account: what reaches the stand-in is what these tests do.
        ["Twilio:SyncInterval"] = "00:00:00",
    };

    public async Task InitializeAsync()
    {
        Twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        Proxy = await TwilioFaultProxy.StartAsync(Twilio.BaseUrl);
        Host = await EngineHost.StartAsync(settings: Settings(Proxy.BaseUrl, PublicBaseUrl));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Proxy.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TwilioAccountEngine : ICollectionFixture<TwilioAccountFixture>
{
    public const string Name = "twilio-account";
}

[Collection(TwilioAccountEngine.Name)]
public sealed class TwilioReceiveToggleTests(TwilioAccountFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    private TwilioStandIn Twilio => fixture.Twilio;

    [Fact]
    public async Task Switching_a_number_on_points_it_at_the_engine_and_off_puts_back_what_was_there_including_an_empty_callback()
    {
        var pn = Twilio.AddIncomingNumber(NewNumber(), smsUrl: "https://app.example.com/sms");

        var on = await SwitchNumberAsync(pn, true).ExpectAsync(HttpStatusCode.OK);
        var number = Twilio.IncomingNumber(pn)!;
        Assert.Equal(TwilioAccountFixture.InboundUrl, number.SmsUrl);
        Assert.Equal("POST", number.SmsMethod);
        Assert.Equal(TwilioAccountFixture.StatusUrl, number.StatusCallback);
        Assert.True((bool)on["enabled"]!);
        Assert.True((bool)on["effective"]!);
        Assert.Equal(pn, (string?)on["decided_by"]);
        Assert.Equal("https://app.example.com/sms", (string?)on["previous"]!["inbound_url"]);
        Assert.Equal("", (string?)on["previous"]!["status_callback"]);

        var off = await SwitchNumberAsync(pn, false).ExpectAsync(HttpStatusCode.OK);
        number = Twilio.IncomingNumber(pn)!;
        Assert.Equal("https://app.example.com/sms", number.SmsUrl);
        Assert.Null(number.StatusCallback);
        Assert.False((bool)off["enabled"]!);
        Assert.Null(off["previous"]);

        var read = await Client.GetAsync($"/engine/v1/Twilio/IncomingPhoneNumbers/{pn}/Receive").ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)read["enabled"]!);
        Assert.Equal("https://app.example.com/sms", (string?)read["inbound_url"]);
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task Switching_on_again_keeps_the_original_previous_values_and_off_restores_an_empty_inbound_url()
    {
        var pn = Twilio.AddIncomingNumber(NewNumber(), statusCallback: "https://app.example.com/status");

        await SwitchNumberAsync(pn, true).ExpectAsync(HttpStatusCode.OK);
        var again = await SwitchNumberAsync(pn, true).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("", (string?)again["previous"]!["inbound_url"]);
        Assert.Equal("https://app.example.com/status", (string?)again["previous"]!["status_callback"]);
        Assert.Equal(TwilioAccountFixture.InboundUrl, Twilio.IncomingNumber(pn)!.SmsUrl);

        // What to put back is read from storage, not from the grain's memory.
        await fixture.Host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await SwitchNumberAsync(pn, false).ExpectAsync(HttpStatusCode.OK);
        var number = Twilio.IncomingNumber(pn)!;
        Assert.Null(number.SmsUrl);
        Assert.Equal("https://app.example.com/status", number.StatusCallback);

        // Off again changes nothing: there is nothing left to put back.
        var updates = Updates(pn);
        await SwitchNumberAsync(pn, false).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(updates, Updates(pn));
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task A_switch_Twilio_fails_is_503_keeps_what_to_put_back_and_the_repeat_finishes_it()
    {
        var pn = Twilio.AddIncomingNumber(NewNumber(), smsUrl: "https://app.example.com/sms");
        fixture.Proxy.FailNumberUpdates(true);
        try
        {
            await SwitchNumberAsync(pn, true).ExpectErrorAsync(HttpStatusCode.ServiceUnavailable, 20500);
        }
        finally
        {
            fixture.Proxy.FailNumberUpdates(false);
        }

        Assert.Equal("https://app.example.com/sms", Twilio.IncomingNumber(pn)!.SmsUrl);
        var read = await Client.GetAsync($"/engine/v1/Twilio/IncomingPhoneNumbers/{pn}/Receive").ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)read["enabled"]!);
        Assert.Equal("https://app.example.com/sms", (string?)read["previous"]!["inbound_url"]);

        await SwitchNumberAsync(pn, true).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(TwilioAccountFixture.InboundUrl, Twilio.IncomingNumber(pn)!.SmsUrl);
        await SwitchNumberAsync(pn, false).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://app.example.com/sms", Twilio.IncomingNumber(pn)!.SmsUrl);
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task A_number_whose_Messaging_Service_decides_is_refused_naming_the_service_and_the_service_switch_applies()
    {
        var mg = Twilio.AddMessagingService("Support", inboundRequestUrl: "https://app.example.com/inbound");
        var pn = Twilio.AddIncomingNumber(NewNumber(), smsUrl: "https://app.example.com/sms");
        Twilio.AddToService(mg, pn);

        var refusal = await SwitchNumberAsync(pn, true).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        Assert.Contains(mg, (string?)refusal["message"], StringComparison.Ordinal);
        Assert.Equal("https://app.example.com/sms", Twilio.IncomingNumber(pn)!.SmsUrl);
        var number = await Client.GetAsync($"/engine/v1/Twilio/IncomingPhoneNumbers/{pn}/Receive").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(mg, (string?)number["decided_by"]);
        Assert.Equal(mg, (string?)number["messaging_service_sids"]![0]);

        var on = await Client.PostFormAsync($"/engine/v1/Twilio/Services/{mg}/Receive", ("Enabled", "true")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)on["effective"]!);
        var service = Twilio.MessagingService(mg)!;
        Assert.Equal(TwilioAccountFixture.InboundUrl, service.InboundRequestUrl);
        Assert.Equal("POST", service.InboundMethod);
        Assert.Equal(TwilioAccountFixture.StatusUrl, service.StatusCallback);

        await Client.PostFormAsync($"/engine/v1/Twilio/Services/{mg}/Receive", ("Enabled", "false")).ExpectAsync(HttpStatusCode.OK);
        service = Twilio.MessagingService(mg)!;
        Assert.Equal("https://app.example.com/inbound", service.InboundRequestUrl);
        Assert.Null(service.StatusCallback);
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task A_number_in_a_service_that_lets_numbers_webhooks_win_is_switched_by_itself()
    {
        var mg = Twilio.AddMessagingService("Numbers decide", useInboundWebhookOnNumber: true);
        var pn = Twilio.AddIncomingNumber(NewNumber());
        Twilio.AddToService(mg, pn);

        var on = await SwitchNumberAsync(pn, true).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(pn, (string?)on["decided_by"]);
        Assert.True((bool)on["effective"]!);
        Assert.Equal(TwilioAccountFixture.InboundUrl, Twilio.IncomingNumber(pn)!.SmsUrl);

        var serviceState = await Client.GetAsync($"/engine/v1/Twilio/Services/{mg}/Receive").ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)serviceState["use_inbound_webhook_on_number"]!);
        Assert.False((bool)serviceState["effective"]!);
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task Unknown_number_is_404_and_a_sid_of_the_other_kind_names_nothing()
    {
        await SwitchNumberAsync("PN" + Guid.NewGuid().ToString("N"), true).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        var mg = Twilio.AddMessagingService("Not a number");
        await SwitchNumberAsync(mg, true).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/engine/v1/Twilio/IncomingPhoneNumbers/{Twilio.AddIncomingNumber(NewNumber())}/Receive", ("Enabled", "maybe"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task An_agent_with_an_Access_Token_may_not_switch_or_buy()
    {
        var pn = Twilio.AddIncomingNumber(NewNumber(), smsUrl: "https://app.example.com/sms");
        var configuration = await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK);
        using var agent = fixture.Host.CreateUserClient(AccessTokens.Mint("agent.ana", (string)configuration["default_chat_service_sid"]!));

        await agent.PostFormAsync($"/engine/v1/Twilio/IncomingPhoneNumbers/{pn}/Receive", ("Enabled", "true")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await agent.GetAsync($"/engine/v1/Twilio/IncomingPhoneNumbers/{pn}/Receive").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await agent.PostFormAsync("/engine/v1/Twilio/IncomingPhoneNumbers", ("PhoneNumber", "+16285550100")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        Assert.Equal("https://app.example.com/sms", Twilio.IncomingNumber(pn)!.SmsUrl);
    }

    private Task<HttpResponseMessage> SwitchNumberAsync(string pn, bool enabled) =>
        Client.PostFormAsync($"/engine/v1/Twilio/IncomingPhoneNumbers/{pn}/Receive", ("Enabled", enabled ? "true" : "false"));

    private int Updates(string pn) => Twilio.AccountRequests.Count(r => r.Method == "POST" && r.Path.EndsWith($"/IncomingPhoneNumbers/{pn}.json", StringComparison.Ordinal));

    internal static string NewNumber() => "+1628555" + Random.Shared.Next(0, 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Switching is refused before Twilio hears anything when Twilio could not reach the engine.</summary>
public sealed class TwilioReceivePublicAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("https://10.0.0.5")]
    [InlineData("https://localhost")]
    public async Task A_base_url_Twilio_cannot_reach_is_refused_and_nothing_is_sent_to_Twilio(string publicBaseUrl)
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        await using var host = await EngineHost.StartAsync(settings: TwilioAccountFixture.Settings(twilio.BaseUrl, publicBaseUrl));
        var pn = twilio.AddIncomingNumber("+16285550199", smsUrl: "https://app.example.com/sms");
        twilio.AddAvailableNumber("US", StandInNumberType.Local, "+16285550198");

        var refusal = await host.Client.PostFormAsync($"/engine/v1/Twilio/IncomingPhoneNumbers/{pn}/Receive", ("Enabled", "true"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        Assert.Contains("Engine:PublicBaseUrl", (string?)refusal["message"], StringComparison.Ordinal);
        await host.Client.PostFormAsync("/engine/v1/Twilio/IncomingPhoneNumbers", ("PhoneNumber", "+16285550198"), ("Receive", "true"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        Assert.Empty(twilio.AccountRequests);
        Assert.Equal("https://app.example.com/sms", twilio.IncomingNumber(pn)!.SmsUrl);
    }

    [Theory]
    [InlineData("https://engine.example.com", true)]
    [InlineData("https://engine.example.com/base/", true)]
    [InlineData("https://203.0.113.9", true)]
    [InlineData("http://engine.example.com", false)]
    [InlineData("https://127.0.0.1", false)]
    [InlineData("https://[::1]", false)]
    [InlineData("https://192.168.1.20", false)]
    [InlineData("https://172.20.0.3", false)]
    [InlineData("https://169.254.169.254", false)]
    [InlineData("https://[fe80::1]", false)]
    [InlineData("https://[fd00::5]", false)]
    [InlineData("https://app.localhost", false)]
    [InlineData("https://engine", false)]
    [InlineData("https://printer.local", false)]
    [InlineData("engine.example.com", false)]
    public void Only_public_https_addresses_are_webhook_bases(string url, bool accepted) =>
        Assert.Equal(accepted, TwilioAccountEndpoints.NotPublicBecause(url) is null);
}

/// <summary>The sandbox has no Twilio account to act on.</summary>
[Collection(SharedEngine.Name)]
public sealed class TwilioAccountSandboxTests(EngineFixture fixture)
{
    [Theory]
    [InlineData("GET", "/engine/v1/Twilio/IncomingPhoneNumbers/PN0123456789abcdef0123456789abcdef/Receive")]
    [InlineData("POST", "/engine/v1/Twilio/IncomingPhoneNumbers/PN0123456789abcdef0123456789abcdef/Receive")]
    [InlineData("GET", "/engine/v1/Twilio/Services/MG0123456789abcdef0123456789abcdef/Receive")]
    [InlineData("POST", "/engine/v1/Twilio/Services/MG0123456789abcdef0123456789abcdef/Receive")]
    [InlineData("GET", "/engine/v1/Twilio/AvailablePhoneNumbers/US/Local")]
    [InlineData("POST", "/engine/v1/Twilio/IncomingPhoneNumbers")]
    public async Task Without_Twilio_credentials_every_account_operation_is_refused_with_400(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([new("Enabled", "true"), new("PhoneNumber", "+15017122661")]);
        }

        var body = await fixture.Host.Client.SendAsync(request).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        Assert.Contains("No Twilio account is connected", (string?)body["message"], StringComparison.Ordinal);
    }
}
