using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Tests.Http;

[Collection(TwilioAccountEngine.Name)]
public sealed class TwilioBuyNumberTests(TwilioAccountFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    private TwilioStandIn Twilio => fixture.Twilio;

    [Fact]
    public async Task Search_by_area_code_and_sms_lists_only_the_matching_numbers_with_their_capabilities()
    {
        Twilio.AddAvailableNumber("US", StandInNumberType.Local, "+14155550101", region: "CA");
        Twilio.AddAvailableNumber("US", StandInNumberType.Local, "+14155550102", sms: false, mms: false, region: "CA");
        Twilio.AddAvailableNumber("US", StandInNumberType.Local, "+12125550103", region: "NY");

        var found = await Client.GetAsync("/engine/v1/Twilio/AvailablePhoneNumbers/US/Local?AreaCode=415&SmsEnabled=true").ExpectAsync(HttpStatusCode.OK);
        var numbers = found["available_phone_numbers"]!.AsArray();
        Assert.Equal(["+14155550101"], numbers.Select(n => (string?)n!["phone_number"]));
        Assert.True((bool)numbers[0]!["capabilities"]!["sms"]!);
        Assert.Equal("CA", (string?)numbers[0]!["region"]);
        Assert.Equal("available_phone_numbers", (string?)found["meta"]!["key"]);
        Assert.Null(found["meta"]!["next_page_url"]);
        Assert.Contains(Twilio.AccountRequests, r => r.Path.EndsWith("/AvailablePhoneNumbers/US/Local.json", StringComparison.Ordinal)
            && r.QueryValue("AreaCode") == "415" && r.QueryValue("SmsEnabled") == "true");
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task A_Japanese_number_shows_voice_only_as_Twilio_reports_it()
    {
        var number = Twilio.SeedJapaneseVoiceOnlyNumber("+81345670001");

        var found = await Client.GetAsync("/engine/v1/Twilio/AvailablePhoneNumbers/JP/Local").ExpectAsync(HttpStatusCode.OK);
        var japanese = found["available_phone_numbers"]!.AsArray().Single(n => (string?)n!["phone_number"] == number)!;
        Assert.False((bool)japanese["capabilities"]!["sms"]!);
        Assert.False((bool)japanese["capabilities"]!["mms"]!);
        Assert.True((bool)japanese["capabilities"]!["voice"]!);
        Assert.Equal("JP", (string?)japanese["iso_country"]);
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task A_bought_number_is_the_engines_under_Twilios_sid_and_can_receive_at_once()
    {
        Twilio.AddAvailableNumber("US", StandInNumberType.Local, "+15035550111");

        var bought = await Client.PostFormAsync("/engine/v1/Twilio/IncomingPhoneNumbers",
            ("PhoneNumber", "+15035550111"), ("FriendlyName", "Portland support"), ("Receive", "true")).ExpectAsync(HttpStatusCode.Created);

        var atTwilio = Assert.Single(Twilio.IncomingNumbers, n => n.PhoneNumber == "+15035550111");
        Assert.Equal(atTwilio.Sid, (string?)bought["sid"]);
        Assert.Equal("Portland support", atTwilio.FriendlyName);
        Assert.Equal(TwilioAccountFixture.InboundUrl, atTwilio.SmsUrl);
        Assert.Equal(TwilioAccountFixture.StatusUrl, atTwilio.StatusCallback);
        Assert.Contains(atTwilio.Sid, await EngineNumberSidsAsync());
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task The_same_purchase_repeated_with_its_Idempotency_Key_answers_the_first_outcome_without_buying_again()
    {
        Twilio.AddAvailableNumber("US", StandInNumberType.Local, "+15035550444");

        var first = await Client.PostFormWithKeyAsync("/engine/v1/Twilio/IncomingPhoneNumbers", "buy-0444", ("PhoneNumber", "+15035550444"))
            .ExpectAsync(HttpStatusCode.Created);
        using var repeat = await Client.PostFormWithKeyAsync("/engine/v1/Twilio/IncomingPhoneNumbers", "buy-0444", ("PhoneNumber", "+15035550444"));
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((string?)first["sid"], (string?)(await repeat.JsonAsync())["sid"]);
        Assert.Single(Twilio.AccountRequests, r => r.Method == "POST" && r.FormValue("PhoneNumber") == "+15035550444");
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task A_number_no_longer_for_sale_is_refused_with_Twilios_21422()
    {
        var refusal = await Client.PostFormAsync("/engine/v1/Twilio/IncomingPhoneNumbers", ("PhoneNumber", "+15035550999"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 21422);
        Assert.Contains("+15035550999", (string?)refusal["message"], StringComparison.Ordinal);
        Assert.DoesNotContain(Twilio.IncomingNumbers, n => n.PhoneNumber == "+15035550999");
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task A_purchase_Twilio_carried_out_but_answered_500_is_found_and_not_made_twice()
    {
        Twilio.AddAvailableNumber("US", StandInNumberType.Local, "+15035550222");
        fixture.Proxy.FailNextPurchaseAfterCarryingItOut();

        var bought = await Client.PostFormAsync("/engine/v1/Twilio/IncomingPhoneNumbers", ("PhoneNumber", "+15035550222"))
            .ExpectAsync(HttpStatusCode.Created);

        var atTwilio = Assert.Single(Twilio.IncomingNumbers, n => n.PhoneNumber == "+15035550222");
        Assert.Equal(atTwilio.Sid, (string?)bought["sid"]);
        Assert.Single(Twilio.AccountRequests, r => r.Method == "POST" && r.Path.EndsWith("/IncomingPhoneNumbers.json", StringComparison.Ordinal)
            && r.FormValue("PhoneNumber") == "+15035550222");
        Assert.Contains(Twilio.AccountRequests, r => r.Method == "GET" && r.QueryValue("PhoneNumber") == "+15035550222");
        Assert.Contains(atTwilio.Sid, await EngineNumberSidsAsync());
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task A_purchase_whose_outcome_cannot_be_told_is_504_and_its_repeat_with_the_key_finds_it_without_buying_again()
    {
        Twilio.AddAvailableNumber("US", StandInNumberType.Local, "+15035550555");
        fixture.Proxy.FailNextPurchaseAfterCarryingItOut();
        fixture.Proxy.FailLookups(true);
        try
        {
            await Client.PostFormWithKeyAsync("/engine/v1/Twilio/IncomingPhoneNumbers", "buy-0555", ("PhoneNumber", "+15035550555"))
                .ExpectErrorAsync(HttpStatusCode.GatewayTimeout, 20500);
        }
        finally
        {
            fixture.Proxy.FailLookups(false);
        }

        var repeat = await Client.PostFormWithKeyAsync("/engine/v1/Twilio/IncomingPhoneNumbers", "buy-0555", ("PhoneNumber", "+15035550555"))
            .ExpectAsync(HttpStatusCode.Created);
        var atTwilio = Assert.Single(Twilio.IncomingNumbers, n => n.PhoneNumber == "+15035550555");
        Assert.Equal(atTwilio.Sid, (string?)repeat["sid"]);
        Assert.Single(Twilio.AccountRequests, r => r.Method == "POST" && r.FormValue("PhoneNumber") == "+15035550555");
        Assert.Contains(atTwilio.Sid, await EngineNumberSidsAsync());
        Assert.Empty(Twilio.SpecViolations);
    }

    [Fact]
    public async Task A_purchase_that_failed_at_Twilio_is_reported_retryable_and_nothing_is_registered()
    {
        Twilio.AddAvailableNumber("US", StandInNumberType.Local, "+15035550333");
        fixture.Proxy.FailNextPurchaseWithoutCarryingItOut();

        await Client.PostFormAsync("/engine/v1/Twilio/IncomingPhoneNumbers", ("PhoneNumber", "+15035550333"))
            .ExpectErrorAsync(HttpStatusCode.ServiceUnavailable, 20500);
        Assert.DoesNotContain(Twilio.IncomingNumbers, n => n.PhoneNumber == "+15035550333");

        // Still for sale: the repeat buys it.
        await Client.PostFormAsync("/engine/v1/Twilio/IncomingPhoneNumbers", ("PhoneNumber", "+15035550333")).ExpectAsync(HttpStatusCode.Created);
        Assert.Single(Twilio.IncomingNumbers, n => n.PhoneNumber == "+15035550333");
        Assert.Empty(Twilio.SpecViolations);
    }

    private async Task<List<string?>> EngineNumberSidsAsync()
    {
        var list = await Client.GetAsync($"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers.json?PageSize=1000").ExpectAsync(HttpStatusCode.OK);
        return list["incoming_phone_numbers"]!.AsArray().Select(n => (string?)n!["sid"]).ToList();
    }
}

/// <summary>
/// Passes every request on to the Twilio stand-in, except a purchase it is told to fail: answered
/// 500 after the stand-in carried it out (Twilio bought the number, the answer was lost), or
/// without passing it on.
/// </summary>
public sealed class TwilioFaultProxy : IAsyncDisposable
{
    private const int Pass = 0;
    private const int FailAfter = 1;
    private const int FailBefore = 2;

    private readonly WebApplication app;
    private readonly HttpClient upstream;
    private int nextPurchase;
    private bool failLookups;
    private bool failUpdates;

    private TwilioFaultProxy(WebApplication app, string upstreamBaseUrl)
    {
        this.app = app;
        upstream = new HttpClient { BaseAddress = new Uri(upstreamBaseUrl) };
    }

    public string BaseUrl { get; private set; } = "";

    public static async Task<TwilioFaultProxy> StartAsync(string upstreamBaseUrl)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var proxy = new TwilioFaultProxy(app, upstreamBaseUrl);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        proxy.BaseUrl = new Uri(app.Urls.Single()).GetLeftPart(UriPartial.Authority);
        return proxy;
    }

    public void FailNextPurchaseAfterCarryingItOut() => Interlocked.Exchange(ref nextPurchase, FailAfter);

    public void FailNextPurchaseWithoutCarryingItOut() => Interlocked.Exchange(ref nextPurchase, FailBefore);

    /// <summary>While on, every lookup of the account's numbers by <c>PhoneNumber</c> is answered 500.</summary>
    public void FailLookups(bool on) => Volatile.Write(ref failLookups, on);

    /// <summary>While on, every update of a number (<c>POST …/IncomingPhoneNumbers/{Sid}.json</c>) is answered 500, not passed on.</summary>
    public void FailNumberUpdates(bool on) => Volatile.Write(ref failUpdates, on);

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var purchase = HttpMethods.IsPost(request.Method) && request.Path.Value?.EndsWith("/IncomingPhoneNumbers.json", StringComparison.Ordinal) == true;
        var lookup = HttpMethods.IsGet(request.Method) && request.Path.Value?.EndsWith("/IncomingPhoneNumbers.json", StringComparison.Ordinal) == true
            && request.Query.ContainsKey("PhoneNumber");
        var update = HttpMethods.IsPost(request.Method) && request.Path.Value?.Contains("/IncomingPhoneNumbers/PN", StringComparison.Ordinal) == true;
        var fault = purchase ? Interlocked.Exchange(ref nextPurchase, Pass)
            : (lookup && Volatile.Read(ref failLookups)) || (update && Volatile.Read(ref failUpdates)) ? FailBefore
            : Pass;
        if (fault != FailBefore)
        {
            using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Path + request.QueryString, UriKind.Relative));
            forward.Headers.TryAddWithoutValidation("Authorization", request.Headers.Authorization.ToString());
            if (request.ContentLength is > 0)
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                forward.Content = new ByteArrayContent(body.ToArray());
                forward.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }

            using var answer = await upstream.SendAsync(forward);
            var content = await answer.Content.ReadAsByteArrayAsync();
            if (fault == Pass)
            {
                context.Response.StatusCode = (int)answer.StatusCode;
                context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
                await context.Response.Body.WriteAsync(content);
                return;
            }
        }

        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["code"] = 20500,
            ["message"] = "Internal Server Error",
            ["more_info"] = "https://www.twilio.com/docs/errors/20500",
            ["status"] = 500,
        }.ToJsonString());
    }
}
