using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Senders;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

[Collection(SharedEngine.Name)]
public sealed class MessagingServiceApiTests(EngineFixture fixture)
{
    private const string MissingService = "MG00000000000000000000000000000000";

    private HttpClient Client => fixture.Host.Client;

    private string BaseUrl => fixture.Host.BaseUrl;

    [Fact]
    public async Task Service_is_created_with_twilios_defaults_then_fetched_updated_and_deleted()
    {
        var created = await Client.PostFormAsync("/messaging/v1/Services", ("FriendlyName", "Support line")).ExpectAsync(HttpStatusCode.Created);

        var sid = (string)created["sid"]!;
        Assert.Matches("^MG[0-9a-f]{32}$", sid);
        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
        Assert.Equal("Support line", (string?)created["friendly_name"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)created["date_created"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)created["date_updated"]);
        Assert.True((bool)created["sticky_sender"]!);
        Assert.True((bool)created["smart_encoding"]!);
        Assert.True((bool)created["mms_converter"]!);
        Assert.False((bool)created["area_code_geomatch"]!);
        Assert.False((bool)created["fallback_to_long_code"]!);
        Assert.False((bool)created["synchronous_validation"]!);
        Assert.False((bool)created["use_inbound_webhook_on_number"]!);
        Assert.False((bool)created["us_app_to_person_registered"]!);
        Assert.Equal(36000, (int)created["validity_period"]!);
        Assert.Equal("POST", (string?)created["inbound_method"]);
        Assert.Equal("POST", (string?)created["fallback_method"]);
        Assert.Equal("inherit", (string?)created["scan_message_content"]);
        Assert.Equal("undeclared", (string?)created["usecase"]);
        Assert.True(created.ContainsKey("inbound_request_url"));
        Assert.Null(created["inbound_request_url"]);
        Assert.Null(created["fallback_url"]);
        Assert.Null(created["status_callback"]);
        var url = $"{BaseUrl}/messaging/v1/Services/{sid}";
        Assert.Equal(url, (string?)created["url"]);
        Assert.Equal(url + "/PhoneNumbers", (string?)created["links"]!["phone_numbers"]);
        Assert.Equal(url + "/ShortCodes", (string?)created["links"]!["short_codes"]);
        Assert.Equal(url + "/AlphaSenders", (string?)created["links"]!["alpha_senders"]);

        var fetched = await Client.GetAsync($"/messaging/v1/Services/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.ToJsonString(), fetched.ToJsonString());

        var updated = await Client.PostFormAsync($"/messaging/v1/Services/{sid}",
            ("StickySender", "FALSE"), ("AreaCodeGeomatch", "True"), ("ValidityPeriod", "600"), ("StatusCallback", "https://example.com/status"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)updated["sticky_sender"]!);
        Assert.True((bool)updated["area_code_geomatch"]!);
        Assert.Equal(600, (int)updated["validity_period"]!);
        Assert.Equal("https://example.com/status", (string?)updated["status_callback"]);
        Assert.Equal("Support line", (string?)updated["friendly_name"]);
        Assert.True((bool)updated["smart_encoding"]!);

        // An empty URL clears it; what is not sent stays.
        var cleared = await Client.PostFormAsync($"/messaging/v1/Services/{sid}", ("StatusCallback", "")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(cleared["status_callback"]);
        Assert.Equal(600, (int)cleared["validity_period"]!);

        await Client.DeleteAsync($"/messaging/v1/Services/{sid}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"/messaging/v1/Services/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.DoesNotContain(sid, await AllServiceSidsAsync());
        Assert.Null(await fixture.Host.Grains.GetGrain<IMessagingServiceGrain>(sid).GetPoolAsync());
    }

    [Fact]
    public async Task Service_created_with_every_setting_echoes_them()
    {
        var created = await Client.PostFormAsync("/messaging/v1/Services",
            ("FriendlyName", "Everything"),
            ("InboundRequestUrl", "https://example.com/in"),
            ("InboundMethod", "GET"),
            ("FallbackUrl", "http://example.com/fallback"),
            ("FallbackMethod", "get"),
            ("StatusCallback", "https://example.com/status"),
            ("StickySender", "false"),
            ("MmsConverter", "false"),
            ("SmartEncoding", "false"),
            ("ScanMessageContent", "enable"),
            ("FallbackToLongCode", "true"),
            ("AreaCodeGeomatch", "true"),
            ("ValidityPeriod", "1"),
            ("SynchronousValidation", "true"),
            ("Usecase", "marketing"),
            ("UseInboundWebhookOnNumber", "true")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("https://example.com/in", (string?)created["inbound_request_url"]);
        Assert.Equal("GET", (string?)created["inbound_method"]);
        Assert.Equal("http://example.com/fallback", (string?)created["fallback_url"]);
        Assert.Equal("GET", (string?)created["fallback_method"]);
        Assert.Equal("https://example.com/status", (string?)created["status_callback"]);
        Assert.False((bool)created["sticky_sender"]!);
        Assert.False((bool)created["mms_converter"]!);
        Assert.False((bool)created["smart_encoding"]!);
        Assert.Equal("enable", (string?)created["scan_message_content"]);
        Assert.True((bool)created["fallback_to_long_code"]!);
        Assert.True((bool)created["area_code_geomatch"]!);
        Assert.Equal(1, (int)created["validity_period"]!);
        Assert.True((bool)created["synchronous_validation"]!);
        Assert.Equal("marketing", (string?)created["usecase"]);
        Assert.True((bool)created["use_inbound_webhook_on_number"]!);

        var pool = await fixture.Host.Grains.GetGrain<IMessagingServiceGrain>((string)created["sid"]!).GetPoolAsync() ?? throw new Xunit.Sdk.XunitException("no pool");
        Assert.False(pool.StickySender);
        Assert.True(pool.AreaCodeGeomatch);
        Assert.False(pool.SmartEncoding);
        Assert.Equal(1, pool.ValidityPeriod);
        Assert.Equal("https://example.com/status", pool.StatusCallback);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("36001")]
    [InlineData("-5")]
    [InlineData("99999999999")]
    public async Task Validity_period_outside_1_to_36000_is_refused_with_21624(string validity)
    {
        await Client.PostFormAsync("/messaging/v1/Services", ("FriendlyName", "v"), ("ValidityPeriod", validity))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 21624);

        var sid = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/messaging/v1/Services/{sid}", ("ValidityPeriod", validity)).ExpectErrorAsync(HttpStatusCode.BadRequest, 21624);
    }

    [Fact]
    public async Task Friendly_name_is_required_and_at_most_64_characters()
    {
        await Client.PostFormAsync("/messaging/v1/Services", ("StickySender", "true")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync("/messaging/v1/Services", ("FriendlyName", "")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync("/messaging/v1/Services", ("FriendlyName", new string('x', 65))).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync("/messaging/v1/Services", ("FriendlyName", new string('x', 64))).ExpectAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("StickySender", "yes")]
    [InlineData("SmartEncoding", "1")]
    [InlineData("AreaCodeGeomatch", "")]
    [InlineData("InboundMethod", "PUT")]
    [InlineData("FallbackMethod", "DELETE")]
    [InlineData("ScanMessageContent", "sometimes")]
    [InlineData("Usecase", "spam")]
    [InlineData("ValidityPeriod", "ten")]
    [InlineData("InboundRequestUrl", "not a url")]
    [InlineData("StatusCallback", "ftp://example.com/x")]
    public async Task Malformed_setting_is_refused_with_20001(string name, string value)
    {
        await Client.PostFormAsync("/messaging/v1/Services", ("FriendlyName", "bad"), (name, value)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        var sid = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/messaging/v1/Services/{sid}", (name, value)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Theory]
    [InlineData(MissingService)]
    [InlineData("not-a-sid")]
    public async Task Unknown_service_is_404_20404_everywhere(string sid)
    {
        await Client.GetAsync($"/messaging/v1/Services/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/messaging/v1/Services/{sid}", ("FriendlyName", "x")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"/messaging/v1/Services/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/messaging/v1/Services/{sid}/PhoneNumbers").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/messaging/v1/Services/{sid}/AlphaSenders").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/messaging/v1/Services/{sid}/ShortCodes", ("ShortCodeSid", "SC00000000000000000000000000000000"))
            .ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Services_are_listed_with_twilio_paging()
    {
        var first = await Client.NewServiceAsync();
        var second = await Client.NewServiceAsync();

        var page = await Client.GetAsync("/messaging/v1/Services?PageSize=1").ExpectAsync(HttpStatusCode.OK);
        Assert.Single(page["services"]!.AsArray());
        var meta = page["meta"]!;
        Assert.Equal("services", (string?)meta["key"]);
        Assert.Equal(1, (int)meta["page_size"]!);
        Assert.Equal(0, (int)meta["page"]!);
        Assert.Equal($"{BaseUrl}/messaging/v1/Services?PageSize=1&Page=0", (string?)meta["first_page_url"]);
        Assert.NotNull((string?)meta["next_page_url"]);

        var next = await Client.GetAsync((string)meta["next_page_url"]!).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)next["meta"]!["page"]!);
        Assert.NotEqual((string?)page["services"]![0]!["sid"], (string?)next["services"]![0]!["sid"]);

        var all = await AllServiceSidsAsync();
        Assert.True(all.IndexOf(first) < all.IndexOf(second), "services are listed in creation order");

        await Client.GetAsync("/messaging/v1/Services?PageSize=1001").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Messaging_api_needs_authentication()
    {
        using var anonymous = fixture.Host.CreateClient();
        await anonymous.GetAsync("/messaging/v1/Services").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        await anonymous.GetAsync(SenderApiSupport.NumbersPath + ".json").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_sender_endpoints()
    {
        var document = await Client.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/messaging/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}"));
        Assert.True(paths.ContainsKey("/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json"));
    }

    private async Task<List<string>> AllServiceSidsAsync()
    {
        var sids = new List<string>();
        string? next = "/messaging/v1/Services?PageSize=1000";
        while (next is not null)
        {
            var page = await Client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
            sids.AddRange(page["services"]!.AsArray().Select(s => (string)s!["sid"]!));
            next = (string?)page["meta"]!["next_page_url"];
        }

        return sids;
    }
}
