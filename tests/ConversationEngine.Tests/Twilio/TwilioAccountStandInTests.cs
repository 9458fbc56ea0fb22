using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Rest.Api.V2010.Account.AvailablePhoneNumberCountry;
using Twilio.Types;
using HttpClient = System.Net.Http.HttpClient;
using HttpMethod = Twilio.Http.HttpMethod;
using MessagingService = Twilio.Rest.Messaging.V1.ServiceResource;
using PoolAlphaSender = Twilio.Rest.Messaging.V1.Service.AlphaSenderResource;
using PoolChannelSender = Twilio.Rest.Messaging.V1.Service.ChannelSenderResource;
using PoolPhoneNumber = Twilio.Rest.Messaging.V1.Service.PhoneNumberResource;
using PoolShortCode = Twilio.Rest.Messaging.V1.Service.ShortCodeResource;
using V1 = Twilio.Rest.Messaging.V1;
using V1Service = Twilio.Rest.Messaging.V1.Service;

namespace ConversationEngine.Tests.Twilio;

/// <summary>
/// The Twilio stand-in's account API (numbers, short codes, Messaging Services and their sender pools,
/// number search and purchase), driven by Twilio's official C# library over a handler that sends every
/// <c>*.twilio.com</c> host to the stand-in, as the engine's is; and by raw HTTP, to see requests that
/// break Twilio's OpenAPI documents refused (400, code 20001) and recorded.
/// </summary>
public sealed class TwilioAccountStandInTests : IAsyncLifetime, IDisposable
{
    private const string AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string AuthToken = "stand-in-auth-token";

    private TwilioStandIn standIn = null!;
    private HttpClient http = null!;
    private TwilioRestClient client = null!;

    public async Task InitializeAsync()
    {
        standIn = await TwilioStandIn.StartAsync(AccountSid, AuthToken);
        http = new HttpClient(new TwilioHostsToStandIn(new Uri(standIn.BaseUrl)));
        client = new TwilioRestClient(AccountSid, AuthToken, httpClient: new SystemNetHttpClient(http));
    }

    public async Task DisposeAsync() => await standIn.DisposeAsync();

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task Numbers_are_read_across_pages_in_twilios_shape()
    {
        var sids = Enumerable.Range(0, 7).Select(i => standIn.AddIncomingNumber($"+1415555010{i}", mms: i % 2 == 0)).ToList();

        var read = (await IncomingPhoneNumberResource.ReadAsync(new ReadIncomingPhoneNumberOptions { PageSize = 3 }, client)).ToList();

        Assert.Equal(sids, read.Select(n => n.Sid));
        Assert.Equal("+14155550100", read[0].PhoneNumber.ToString());
        Assert.Equal("(415) 555-0100", read[0].FriendlyName);
        Assert.True(read[0].Capabilities.Sms);
        Assert.True(read[0].Capabilities.Mms);
        Assert.False(read[1].Capabilities.Mms);
        Assert.Equal(AccountSid, read[0].AccountSid);
        var lists = standIn.AccountRequests.Where(r => r.Path.EndsWith("/IncomingPhoneNumbers.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lists.Count);
        Assert.Equal(["0", "1", "2"], lists.Select(r => r.QueryValue("Page") ?? "0"));
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Number_list_filters_by_phone_number_and_friendly_name()
    {
        standIn.AddIncomingNumber("+14155550100", friendlyName: "Support");
        var wanted = standIn.AddIncomingNumber("+12125550123", friendlyName: "Sales");

        var byNumber = (await IncomingPhoneNumberResource.ReadAsync(new ReadIncomingPhoneNumberOptions { PhoneNumber = new PhoneNumber("+12125550123") }, client)).ToList();
        var byName = (await IncomingPhoneNumberResource.ReadAsync(new ReadIncomingPhoneNumberOptions { FriendlyName = "Sales", Beta = true }, client)).ToList();

        Assert.Equal(wanted, Assert.Single(byNumber).Sid);
        Assert.Equal(wanted, Assert.Single(byName).Sid);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Updating_sms_url_is_seen_in_the_answer_and_in_the_stand_ins_state()
    {
        var sid = standIn.AddIncomingNumber("+14155550100", smsUrl: "https://old.example/sms");

        var updated = await IncomingPhoneNumberResource.UpdateAsync(
            new UpdateIncomingPhoneNumberOptions(sid)
            {
                SmsUrl = new Uri("https://engine.example/twilio/sms"),
                SmsMethod = HttpMethod.Post,
                StatusCallback = new Uri("https://engine.example/twilio/status"),
                FriendlyName = "Engine",
            },
            client);
        var fetched = await IncomingPhoneNumberResource.FetchAsync(new FetchIncomingPhoneNumberOptions(sid), client);

        Assert.Equal("https://engine.example/twilio/sms", updated.SmsUrl.ToString());
        Assert.Equal("https://engine.example/twilio/sms", fetched.SmsUrl.ToString());
        var state = standIn.IncomingNumber(sid)!;
        Assert.Equal("https://engine.example/twilio/sms", state.SmsUrl);
        Assert.Equal("POST", state.SmsMethod);
        Assert.Equal("https://engine.example/twilio/status", state.StatusCallback);
        Assert.Equal("Engine", state.FriendlyName);
        var update = Assert.Single(standIn.AccountRequests, r => r.Method == "POST");
        Assert.Equal("https://engine.example/twilio/sms", update.FormValue("SmsUrl"));
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Released_number_is_gone_from_account_and_pool()
    {
        var sid = standIn.AddIncomingNumber("+14155550100");
        var service = standIn.AddMessagingService("Pool");
        standIn.AddToService(service, sid);

        Assert.True(await IncomingPhoneNumberResource.DeleteAsync(new DeleteIncomingPhoneNumberOptions(sid), client));

        Assert.Null(standIn.IncomingNumber(sid));
        Assert.Empty(standIn.ServiceSenders(service));
        var gone = await Assert.ThrowsAsync<ApiException>(() => IncomingPhoneNumberResource.FetchAsync(new FetchIncomingPhoneNumberOptions(sid), client));
        Assert.Equal(20404, gone.Code);
        Assert.Equal(404, gone.Status);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Short_codes_are_listed_and_fetched()
    {
        var sid = standIn.AddShortCode("894546", smsUrl: "https://old.example/sms");

        var listed = (await ShortCodeResource.ReadAsync(new ReadShortCodeOptions(), client)).ToList();
        var fetched = await ShortCodeResource.FetchAsync(new FetchShortCodeOptions(sid), client);

        Assert.Equal("894546", Assert.Single(listed).ShortCode);
        Assert.Equal(sid, fetched.Sid);
        Assert.Equal("https://old.example/sms", fetched.SmsUrl.ToString());
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Short_code_sms_url_is_updated()
    {
        var sid = standIn.AddShortCode("894546");

        var updated = await ShortCodeResource.UpdateAsync(
            new UpdateShortCodeOptions(sid) { SmsUrl = new Uri("https://engine.example/twilio/sms"), SmsMethod = HttpMethod.Post }, client);

        Assert.Equal("https://engine.example/twilio/sms", updated.SmsUrl.ToString());
        Assert.Equal("https://engine.example/twilio/sms", standIn.ShortCode(sid)!.SmsUrl);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Changes_made_on_twilios_side_are_read_back()
    {
        var sid = standIn.AddIncomingNumber("+14155550100", smsUrl: "https://engine.example/sms");
        var service = standIn.AddMessagingService("Pool", "https://engine.example/in");

        standIn.ChangeIncomingNumber(sid, n => n with { SmsUrl = "https://console.example/sms", Mms = false });
        standIn.ChangeMessagingService(service, s => s with { InboundRequestUrl = null, UseInboundWebhookOnNumber = true });
        var number = await IncomingPhoneNumberResource.FetchAsync(new FetchIncomingPhoneNumberOptions(sid), client);
        var fetched = await MessagingService.FetchAsync(new V1.FetchServiceOptions(service), client);

        Assert.Equal("https://console.example/sms", number.SmsUrl.ToString());
        Assert.False(number.Capabilities.Mms);
        Assert.Null(fetched.InboundRequestUrl);
        Assert.True(fetched.UseInboundWebhookOnNumber);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Concurrent_updates_all_land()
    {
        var sids = Enumerable.Range(0, 10).Select(i => standIn.AddIncomingNumber($"+1415555030{i}")).ToList();

        await Task.WhenAll(sids.Select(sid => IncomingPhoneNumberResource.UpdateAsync(
            new UpdateIncomingPhoneNumberOptions(sid) { SmsUrl = new Uri($"https://engine.example/sms/{sid}") }, client)));

        Assert.All(sids, sid => Assert.Equal($"https://engine.example/sms/{sid}", standIn.IncomingNumber(sid)!.SmsUrl));
        Assert.Equal(10, standIn.AccountRequests.Count(r => r.AnsweredStatus == 200));
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Numbers_join_one_pool_through_the_api_and_not_a_second()
    {
        var number = standIn.AddIncomingNumber("+14155550100");
        var first = standIn.AddMessagingService("First");
        var second = standIn.AddMessagingService("Second");

        var added = await PoolPhoneNumber.CreateAsync(new V1Service.CreatePhoneNumberOptions(first, number), client);
        var refused = await Assert.ThrowsAsync<ApiException>(() => PoolPhoneNumber.CreateAsync(new V1Service.CreatePhoneNumberOptions(second, number), client));

        Assert.Equal(number, added.Sid);
        Assert.Equal(first, added.ServiceSid);
        Assert.Equal([number], standIn.ServiceSenders(first));
        Assert.Empty(standIn.ServiceSenders(second));
        Assert.Equal(21712, refused.Code);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Services_and_their_pools_alpha_and_channel_senders_are_read_across_pages()
    {
        var services = Enumerable.Range(0, 5).Select(i => standIn.AddMessagingService($"Service {i}", $"https://old.example/in/{i}")).ToList();
        var service = services[0];
        var numbers = Enumerable.Range(0, 5).Select(i => standIn.AddIncomingNumber($"+1415555020{i}")).ToList();
        numbers.ForEach(n => standIn.AddToService(service, n));
        var shortCode = standIn.AddShortCode("894546");
        standIn.AddToService(service, shortCode);
        var alpha = standIn.AddAlphaSender(service, "ACME");
        var whatsapp = standIn.AddChannelSender(service, "whatsapp:+15017122661");

        var readServices = (await MessagingService.ReadAsync(new V1.ReadServiceOptions { PageSize = 2 }, client)).ToList();
        var pool = (await PoolPhoneNumber.ReadAsync(new V1Service.ReadPhoneNumberOptions(service) { PageSize = 2 }, client)).ToList();
        var codes = (await PoolShortCode.ReadAsync(new V1Service.ReadShortCodeOptions(service), client)).ToList();
        var alphas = (await PoolAlphaSender.ReadAsync(new V1Service.ReadAlphaSenderOptions(service), client)).ToList();
        var senders = (await PoolChannelSender.ReadAsync(new V1Service.ReadChannelSenderOptions(service), client)).ToList();

        Assert.Equal(services, readServices.Select(s => s.Sid));
        Assert.Equal("https://old.example/in/0", readServices[0].InboundRequestUrl.ToString());
        Assert.Equal(numbers, pool.Select(p => p.Sid));
        Assert.Equal("+14155550200", pool[0].PhoneNumber.ToString());
        Assert.Equal(shortCode, Assert.Single(codes).Sid);
        Assert.Equal("ACME", Assert.Single(alphas).AlphaSender);
        Assert.Equal(alpha, alphas[0].Sid);
        var sender = Assert.Single(senders);
        Assert.Equal(whatsapp, sender.Sid);
        Assert.Equal("whatsapp:+15017122661", sender.Sender);
        Assert.Equal("WhatsApp", sender.SenderType);
        Assert.Equal(3, standIn.AccountRequests.Count(r => r.Path == "/v1/Services"));
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Service_settings_are_updated_and_seen()
    {
        var service = standIn.AddMessagingService("Pool", "https://old.example/in");

        var updated = await MessagingService.UpdateAsync(
            new V1.UpdateServiceOptions(service)
            {
                InboundRequestUrl = new Uri("https://engine.example/twilio/inbound"),
                InboundMethod = HttpMethod.Post,
                FallbackUrl = new Uri("https://engine.example/twilio/fallback"),
                StatusCallback = new Uri("https://engine.example/twilio/status"),
                UseInboundWebhookOnNumber = true,
                StickySender = false,
                ValidityPeriod = 600,
            },
            client);
        var fetched = await MessagingService.FetchAsync(new V1.FetchServiceOptions(service), client);

        Assert.Equal("https://engine.example/twilio/inbound", updated.InboundRequestUrl.ToString());
        Assert.True(fetched.UseInboundWebhookOnNumber);
        var state = standIn.MessagingService(service)!;
        Assert.Equal("https://engine.example/twilio/inbound", state.InboundRequestUrl);
        Assert.Equal("https://engine.example/twilio/fallback", state.FallbackUrl);
        Assert.Equal("https://engine.example/twilio/status", state.StatusCallback);
        Assert.True(state.UseInboundWebhookOnNumber);
        Assert.False(state.StickySender);
        Assert.Equal(600, state.ValidityPeriod);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Removed_service_is_gone()
    {
        var service = standIn.AddMessagingService("Pool");
        standIn.AddChannelSender(service, "whatsapp:+15017122661");

        Assert.True(standIn.RemoveService(service));

        Assert.Empty(await MessagingService.ReadAsync(new V1.ReadServiceOptions(), client));
        var gone = await Assert.ThrowsAsync<ApiException>(() => PoolChannelSender.ReadAsync(new V1Service.ReadChannelSenderOptions(service), client));
        Assert.Equal(20404, gone.Code);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Available_numbers_are_searched_by_area_code_and_capability()
    {
        standIn.AddAvailableNumber("US", StandInNumberType.Local, "+14155550301", region: "CA");
        standIn.AddAvailableNumber("US", StandInNumberType.Local, "+14155550302", sms: false, mms: false, region: "CA");
        standIn.AddAvailableNumber("US", StandInNumberType.Local, "+12125550303", region: "NY");
        standIn.AddAvailableNumber("US", StandInNumberType.TollFree, "+18005550304");
        standIn.AddAvailableNumber("US", StandInNumberType.Mobile, "+14155550305");

        var local = (await LocalResource.ReadAsync(new ReadLocalOptions("US") { AreaCode = 415, SmsEnabled = true, PageSize = 20 }, client)).ToList();
        var voiceOnly = (await LocalResource.ReadAsync(new ReadLocalOptions("US") { SmsEnabled = false, VoiceEnabled = true }, client)).ToList();
        var newYork = (await LocalResource.ReadAsync(new ReadLocalOptions("US") { InRegion = "NY" }, client)).ToList();
        var contains = (await LocalResource.ReadAsync(new ReadLocalOptions("US") { Contains = "555030*" }, client)).ToList();
        var tollFree = (await TollFreeResource.ReadAsync(new ReadTollFreeOptions("US"), client)).ToList();
        var mobile = (await MobileResource.ReadAsync(new ReadMobileOptions("US") { AreaCode = 415 }, client)).ToList();

        var found = Assert.Single(local);
        Assert.Equal("+14155550301", found.PhoneNumber.ToString());
        Assert.True(found.Capabilities.Sms);
        Assert.Equal("US", found.IsoCountry);
        Assert.Equal("+14155550302", Assert.Single(voiceOnly).PhoneNumber.ToString());
        Assert.Equal("+12125550303", Assert.Single(newYork).PhoneNumber.ToString());
        Assert.Equal(3, contains.Count);
        Assert.Equal("+18005550304", Assert.Single(tollFree).PhoneNumber.ToString());
        Assert.Equal("+14155550305", Assert.Single(mobile).PhoneNumber.ToString());
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Countries_with_numbers_for_sale_are_listed_and_fetched()
    {
        standIn.AddAvailableNumber("US", StandInNumberType.Local, "+14155550301");
        standIn.AddAvailableNumber("US", StandInNumberType.TollFree, "+18005550304");
        standIn.AddAvailableNumber("GB", StandInNumberType.Mobile, "+447700900123");

        var countries = (await AvailablePhoneNumberCountryResource.ReadAsync(new ReadAvailablePhoneNumberCountryOptions(), client)).ToList();
        var us = await AvailablePhoneNumberCountryResource.FetchAsync(new FetchAvailablePhoneNumberCountryOptions("US"), client);
        var missing = await Assert.ThrowsAsync<ApiException>(() => AvailablePhoneNumberCountryResource.FetchAsync(new FetchAvailablePhoneNumberCountryOptions("FR"), client));

        Assert.Equal(["US", "GB"], countries.Select(c => c.CountryCode));
        Assert.Equal("United States", us.Country);
        Assert.Equal(["local", "toll_free"], us.SubresourceUris.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(20404, missing.Code);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Japanese_numbers_carry_voice_only_when_seeded()
    {
        Assert.Empty(await LocalResource.ReadAsync(new ReadLocalOptions("JP"), client));
        var number = standIn.SeedJapaneseVoiceOnlyNumber();

        var found = Assert.Single(await LocalResource.ReadAsync(new ReadLocalOptions("JP"), client));
        var smsCapable = await LocalResource.ReadAsync(new ReadLocalOptions("JP") { SmsEnabled = true }, client);

        Assert.Equal(number, found.PhoneNumber.ToString());
        Assert.True(found.Capabilities.Voice);
        Assert.False(found.Capabilities.Sms);
        Assert.False(found.Capabilities.Mms);
        Assert.Empty(smsCapable);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Buying_an_available_number_moves_it_from_the_inventory_to_the_account()
    {
        standIn.AddAvailableNumber("US", StandInNumberType.Local, "+14155550301", mms: false);
        standIn.AddAvailableNumber("US", StandInNumberType.Local, "+12125550303");

        var bought = await IncomingPhoneNumberResource.CreateAsync(
            new CreateIncomingPhoneNumberOptions { PhoneNumber = new PhoneNumber("+14155550301"), SmsUrl = new Uri("https://engine.example/twilio/sms") },
            client);
        var byArea = await IncomingPhoneNumberResource.CreateAsync(new CreateIncomingPhoneNumberOptions { AreaCode = "212" }, client);

        Assert.StartsWith("PN", bought.Sid, StringComparison.Ordinal);
        Assert.Equal("+14155550301", bought.PhoneNumber.ToString());
        Assert.True(bought.Capabilities.Sms);
        Assert.False(bought.Capabilities.Mms);
        Assert.Equal("https://engine.example/twilio/sms", standIn.IncomingNumber(bought.Sid)!.SmsUrl);
        Assert.Equal("+12125550303", byArea.PhoneNumber.ToString());
        Assert.Empty(standIn.AvailableNumbers);
        Assert.Equal(2, standIn.IncomingNumbers.Count);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Buying_a_number_not_for_sale_is_refused_with_21422()
    {
        standIn.AddAvailableNumber("US", StandInNumberType.Local, "+14155550301");

        var refused = await Assert.ThrowsAsync<ApiException>(() => IncomingPhoneNumberResource.CreateAsync(
            new CreateIncomingPhoneNumberOptions { PhoneNumber = new PhoneNumber("+14155550399") }, client));

        Assert.Equal(21422, refused.Code);
        Assert.Equal(400, refused.Status);
        Assert.Contains("not available", refused.Message, StringComparison.Ordinal);
        Assert.Empty(standIn.IncomingNumbers);
        Assert.Single(standIn.AvailableNumbers);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Answers_are_in_twilios_json_shapes()
    {
        var sid = standIn.AddIncomingNumber("+14155550100", smsUrl: "https://old.example/sms");
        var service = standIn.AddMessagingService("Pool", useInboundWebhookOnNumber: true);

        var number = await GetJsonAsync($"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{sid}.json");
        var list = await GetJsonAsync($"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json?PageSize=1");
        var services = await GetJsonAsync("/v1/Services?PageSize=1");

        Assert.Equal("https://old.example/sms", (string?)number["sms_url"]);
        Assert.Equal("POST", (string?)number["sms_method"]);
        Assert.True((bool)number["capabilities"]!["sms"]!);
        Assert.Matches(@"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$", (string?)number["date_created"]);
        Assert.Matches("^PN[0-9a-f]{32}$", (string?)number["sid"]);
        Assert.NotNull(list["incoming_phone_numbers"]);
        Assert.Null(list["next_page_uri"]);
        Assert.Equal(0, (int)list["page"]!);
        Assert.Equal(1, (int)list["page_size"]!);
        Assert.StartsWith($"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json?", (string?)list["first_page_uri"], StringComparison.Ordinal);
        var first = services["services"]![0]!;
        Assert.Equal(service, (string?)first["sid"]);
        Assert.True((bool)first["use_inbound_webhook_on_number"]!);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", (string?)first["date_created"]);
        Assert.Equal("services", (string?)services["meta"]!["key"]);
        Assert.StartsWith("https://messaging.twilio.com/v1/Services?", (string?)services["meta"]!["url"], StringComparison.Ordinal);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task Undeclared_form_field_is_refused_and_recorded()
    {
        var sid = standIn.AddIncomingNumber("+14155550100");

        var error = await SendAsync(HttpMethod.Post, $"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{sid}.json", "SmsUrl=https%3A%2F%2Fengine.example%2Fsms&Colour=red");

        Assert.Equal(20001, (int)error["code"]!);
        Assert.Contains("Colour", (string?)error["message"], StringComparison.Ordinal);
        var violation = Assert.Single(standIn.SpecViolations);
        Assert.Equal(("form", "Colour"), (violation.Where, violation.Parameter));
        Assert.Null(standIn.IncomingNumber(sid)!.SmsUrl);
    }

    [Fact]
    public async Task Value_outside_the_enum_is_refused_and_recorded()
    {
        var service = standIn.AddMessagingService("Pool");

        var error = await SendAsync(HttpMethod.Post, $"/v1/Services/{service}", "InboundMethod=PUT");

        Assert.Equal(20001, (int)error["code"]!);
        var violation = Assert.Single(standIn.SpecViolations);
        Assert.Equal(("form", "InboundMethod"), (violation.Where, violation.Parameter));
        Assert.Contains("one of GET, POST", violation.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sms_url_that_is_not_an_absolute_uri_is_refused_and_recorded()
    {
        var sid = standIn.AddIncomingNumber("+14155550100");

        var error = await SendAsync(HttpMethod.Post, $"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{sid}.json", "SmsUrl=%2Ftwilio%2Fsms");

        Assert.Equal(400, (int)error["status"]!);
        var violation = Assert.Single(standIn.SpecViolations);
        Assert.Equal(("form", "SmsUrl"), (violation.Where, violation.Parameter));
        Assert.Contains("format: uri", violation.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undeclared_or_mistyped_query_parameters_are_refused_and_recorded()
    {
        var undeclared = await SendAsync(HttpMethod.Get, $"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json?Colour=red", null);
        var wrongCase = await SendAsync(HttpMethod.Get, $"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json?pageSize=2", null);
        var notBoolean = await SendAsync(HttpMethod.Get, $"/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/US/Local.json?SmsEnabled=yes", null);
        var tooSmall = await SendAsync(HttpMethod.Get, "/v1/Services?PageSize=0", null);

        Assert.All(new[] { undeclared, wrongCase, notBoolean, tooSmall }, e => Assert.Equal(20001, (int)e["code"]!));
        Assert.Equal(
            [("query", "Colour"), ("query", "pageSize"), ("query", "SmsEnabled"), ("query", "PageSize")],
            standIn.SpecViolations.Select(v => (v.Where, v.Parameter)));
    }

    [Fact]
    public async Task Missing_required_or_conditional_fields_and_bad_path_sids_are_refused()
    {
        var service = standIn.AddMessagingService("Pool");

        await SendAsync(HttpMethod.Post, "/v1/Services", "InboundMethod=GET");
        await SendAsync(HttpMethod.Post, $"/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json", "FriendlyName=x");
        await SendAsync(HttpMethod.Get, "/v1/Services/MG123", null);
        await SendAsync(HttpMethod.Post, $"/v1/Services/{service}/PhoneNumbers", "PhoneNumberSid=XE00000000000000000000000000000000");

        Assert.Equal(
            [("form", "FriendlyName"), ("form", "PhoneNumber|AreaCode"), ("path", "Sid"), ("form", "PhoneNumberSid")],
            standIn.SpecViolations.Select(v => (v.Where, v.Parameter)));
    }

    [Fact]
    public async Task Another_account_is_not_found_and_bad_credentials_are_refused()
    {
        using var request = new HttpRequestMessage(System.Net.Http.HttpMethod.Get, $"{standIn.BaseUrl}/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:wrong")));
        using var unauthenticated = await http.SendAsync(request);

        var other = await SendAsync(HttpMethod.Get, "/2010-04-01/Accounts/ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/IncomingPhoneNumbers.json", null);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(20404, (int)other["code"]!);
        Assert.Empty(standIn.SpecViolations);
    }

    [Fact]
    public async Task The_stand_ins_own_answers_are_checked_against_the_response_schema()
    {
        var service = standIn.AddMessagingService("Pool");
        standIn.ChangeMessagingService(service, s => s with { ScanMessageContent = "sometimes" });

        await MessagingService.FetchAsync(new V1.FetchServiceOptions(service), client);

        var violation = Assert.Single(standIn.SpecViolations);
        Assert.Equal("response", violation.Where);
        Assert.Contains("scan_message_content", violation.Rule, StringComparison.Ordinal);
    }

    private async Task<JsonNode> GetJsonAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(System.Net.Http.HttpMethod.Get, standIn.BaseUrl + pathAndQuery);
        request.Headers.Authorization = Basic();
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Sends a raw request expected to be refused; returns Twilio's error body.</summary>
    private async Task<JsonNode> SendAsync(HttpMethod method, string pathAndQuery, string? form)
    {
        using var request = new HttpRequestMessage(new System.Net.Http.HttpMethod(method.ToString()), standIn.BaseUrl + pathAndQuery);
        request.Headers.Authorization = Basic();
        if (form is not null)
        {
            request.Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        }

        using var response = await http.SendAsync(request);
        Assert.True((int)response.StatusCode >= 400, $"{method} {pathAndQuery} answered {(int)response.StatusCode}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static AuthenticationHeaderValue Basic() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")));

    /// <summary>Sends every <c>*.twilio.com</c> request to the stand-in, path and query kept, as the engine's handler does.</summary>
    private sealed class TwilioHostsToStandIn(Uri baseUrl) : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri && (uri.Host == "twilio.com" || uri.Host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase)))
            {
                request.RequestUri = new Uri(baseUrl, uri.PathAndQuery);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
