using System.Net;
using ConversationEngine.Senders;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>The account's numbers and short codes (API 2010) and a Messaging Service's pool (Messaging v1).</summary>
[Collection(SharedEngine.Name)]
public sealed class SenderPoolApiTests(EngineFixture fixture)
{
    private const string OtherAccount = "AC99999999999999999999999999999999";

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Us_number_is_registered_with_sms_mms_and_voice_and_shown_in_api_2010_form()
    {
        var number = SenderApiSupport.UsNumber();
        var created = await Client.RegisterNumberAsync(number, ("FriendlyName", "Main line"), ("Mps", "2.5"));

        var sid = (string)created["sid"]!;
        Assert.Matches("^PN[0-9a-f]{32}$", sid);
        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
        Assert.Equal(number, (string?)created["phone_number"]);
        Assert.Equal("Main line", (string?)created["friendly_name"]);
        Assert.Equal("US", (string?)created["iso_country"]);
        Assert.Equal(2.5, (double)created["mps"]!);
        var capabilities = created["capabilities"]!;
        Assert.True((bool)capabilities["sms"]!);
        Assert.True((bool)capabilities["mms"]!);
        Assert.True((bool)capabilities["voice"]!);
        Assert.False((bool)capabilities["fax"]!);
        Assert.False((bool)capabilities["whatsapp"]!);
        Assert.Matches(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$", (string?)created["date_created"]);
        Assert.Equal($"{SenderApiSupport.NumbersPath}/{sid}.json", (string?)created["uri"]);

        var fetched = await Client.GetAsync($"{SenderApiSupport.NumbersPath}/{sid}.json").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.ToJsonString(), fetched.ToJsonString());

        var updated = await Client.PostFormAsync($"{SenderApiSupport.NumbersPath}/{sid}.json",
            ("FriendlyName", "Renamed"), ("Capabilities", "sms"), ("Capabilities", "whatsapp")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", (string?)updated["friendly_name"]);
        Assert.True((bool)updated["capabilities"]!["whatsapp"]!);
        Assert.False((bool)updated["capabilities"]!["voice"]!);
        Assert.Equal(2.5, (double)updated["mps"]!);

        await Client.PostFormAsync(SenderApiSupport.NumbersPath + ".json", ("PhoneNumber", number)).ExpectErrorAsync(HttpStatusCode.Conflict, 20001);

        await Client.DeleteAsync($"{SenderApiSupport.NumbersPath}/{sid}.json").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"{SenderApiSupport.NumbersPath}/{sid}.json").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Japanese_number_carries_voice_only_and_asking_for_sms_is_refused()
    {
        var created = await Client.RegisterNumberAsync(SenderApiSupport.JapaneseNumber());
        Assert.Equal("JP", (string?)created["iso_country"]);
        Assert.True((bool)created["capabilities"]!["voice"]!);
        Assert.False((bool)created["capabilities"]!["sms"]!);
        Assert.False((bool)created["capabilities"]!["mms"]!);

        await Client.PostFormAsync(SenderApiSupport.NumbersPath + ".json", ("PhoneNumber", SenderApiSupport.JapaneseNumber()), ("Capabilities", "sms"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync($"{SenderApiSupport.NumbersPath}/{created["sid"]}.json", ("Capabilities", "voice"), ("Capabilities", "sms"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Theory]
    [InlineData("PhoneNumber", "12345")]
    [InlineData("PhoneNumber", "+1")]
    [InlineData("PhoneNumber", "whatsapp:+14155550100")]
    [InlineData("Capabilities", "fax")]
    [InlineData("Mps", "fast")]
    [InlineData("Mps", "0")]
    public async Task Malformed_number_registration_is_refused_with_400(string name, string value)
    {
        var fields = name == "PhoneNumber" ? new[] { (name, value) } : [("PhoneNumber", SenderApiSupport.UsNumber()), (name, value)];
        await Client.PostFormAsync(SenderApiSupport.NumbersPath + ".json", fields).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(SenderApiSupport.NumbersPath + ".json").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Another_accounts_path_is_404()
    {
        var other = $"/2010-04-01/Accounts/{OtherAccount}";
        await Client.GetAsync(other + "/IncomingPhoneNumbers.json").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync(other + "/IncomingPhoneNumbers.json", ("PhoneNumber", SenderApiSupport.UsNumber())).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync(other + "/IncomingPhoneNumbers/PN00000000000000000000000000000000.json").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync(other + "/SMS/ShortCodes/SC00000000000000000000000000000000.json").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync(other + "/SMS/ShortCodes.json").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Short_code_is_registered_with_its_country_and_listed()
    {
        var code = SenderApiSupport.ShortCode();
        var created = await Client.PostFormAsync(SenderApiSupport.ShortCodesPath + ".json",
            ("ShortCode", code), ("IsoCountry", "gb"), ("FriendlyName", "Alerts"), ("Mps", "100")).ExpectAsync(HttpStatusCode.Created);
        var sid = (string)created["sid"]!;
        Assert.Matches("^SC[0-9a-f]{32}$", sid);
        Assert.Equal(code, (string?)created["short_code"]);
        Assert.Equal("GB", (string?)created["iso_country"]);
        Assert.Equal("Alerts", (string?)created["friendly_name"]);
        Assert.Equal(100, (double)created["mps"]!);
        Assert.Equal($"{SenderApiSupport.ShortCodesPath}/{sid}.json", (string?)created["uri"]);

        var updated = await Client.PostFormAsync($"{SenderApiSupport.ShortCodesPath}/{sid}.json", ("FriendlyName", "Alerts 2")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Alerts 2", (string?)updated["friendly_name"]);

        var listed = await Client.GetAsync(SenderApiSupport.ShortCodesPath + ".json?PageSize=1000").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(listed["short_codes"]!.AsArray(), s => (string?)s!["sid"] == sid);
        Assert.Equal(SenderApiSupport.ShortCodesPath + ".json?PageSize=1000&Page=0", (string?)listed["first_page_uri"]);

        await Client.PostFormAsync(SenderApiSupport.ShortCodesPath + ".json", ("ShortCode", SenderApiSupport.ShortCode())).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(SenderApiSupport.ShortCodesPath + ".json", ("ShortCode", "12"), ("IsoCountry", "US")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        await Client.DeleteAsync($"{SenderApiSupport.ShortCodesPath}/{sid}.json").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"{SenderApiSupport.ShortCodesPath}/{sid}.json").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Incoming_numbers_are_listed_with_the_2010_envelope()
    {
        await Client.RegisterNumberAsync(SenderApiSupport.UsNumber());
        await Client.RegisterNumberAsync(SenderApiSupport.UsNumber());

        var first = await Client.GetAsync(SenderApiSupport.NumbersPath + ".json?PageSize=1").ExpectAsync(HttpStatusCode.OK);
        Assert.Single(first["incoming_phone_numbers"]!.AsArray());
        Assert.Equal(0, (int)first["page"]!);
        Assert.Equal(1, (int)first["page_size"]!);
        Assert.Equal(0, (int)first["start"]!);
        Assert.Equal(0, (int)first["end"]!);
        Assert.Equal(SenderApiSupport.NumbersPath + ".json?PageSize=1&Page=0", (string?)first["first_page_uri"]);
        Assert.Equal(SenderApiSupport.NumbersPath + ".json?PageSize=1&Page=0", (string?)first["uri"]);
        Assert.Null(first["previous_page_uri"]);

        var second = await Client.GetAsync((string)first["next_page_uri"]!).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)second["page"]!);
        Assert.Equal(1, (int)second["start"]!);
        Assert.NotNull((string?)second["previous_page_uri"]);
        Assert.NotEqual((string?)first["incoming_phone_numbers"]![0]!["sid"], (string?)second["incoming_phone_numbers"]![0]!["sid"]);
        Assert.All(second["incoming_phone_numbers"]!.AsArray(), n => Assert.StartsWith("PN", (string?)n!["sid"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pool_holds_numbers_short_codes_and_an_alpha_sender_resolved_with_capabilities_and_country()
    {
        var service = await Client.NewServiceAsync();
        var us = await Client.RegisterNumberAsync(SenderApiSupport.UsNumber());
        var jp = await Client.RegisterNumberAsync(SenderApiSupport.JapaneseNumber());
        var code = await Client.RegisterShortCodeAsync(SenderApiSupport.ShortCode(), "US");
        var pool = $"/messaging/v1/Services/{service}";

        var added = await Client.PostFormAsync(pool + "/PhoneNumbers", ("PhoneNumberSid", (string)us["sid"]!)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal((string?)us["sid"], (string?)added["sid"]);
        Assert.Equal(service, (string?)added["service_sid"]);
        Assert.Equal(EngineHost.AccountSid, (string?)added["account_sid"]);
        Assert.Equal((string?)us["phone_number"], (string?)added["phone_number"]);
        Assert.Equal("US", (string?)added["country_code"]);
        Assert.Equal(["SMS", "MMS", "Voice"], added["capabilities"]!.AsArray().Select(c => (string)c!));
        Assert.Equal($"{fixture.Host.BaseUrl}{pool}/PhoneNumbers/{us["sid"]}", (string?)added["url"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)added["date_created"]);

        await Client.PostFormAsync(pool + "/PhoneNumbers", ("PhoneNumberSid", (string)jp["sid"]!)).ExpectAsync(HttpStatusCode.Created);
        var shortCode = await Client.PostFormAsync(pool + "/ShortCodes", ("ShortCodeSid", (string)code["sid"]!)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal((string?)code["short_code"], (string?)shortCode["short_code"]);
        Assert.Equal("US", (string?)shortCode["country_code"]);
        Assert.Equal(["SMS", "MMS"], shortCode["capabilities"]!.AsArray().Select(c => (string)c!));
        var alpha = await Client.PostFormAsync(pool + "/AlphaSenders", ("AlphaSender", "Contoso Ltd")).ExpectAsync(HttpStatusCode.Created);
        Assert.Matches("^AI[0-9a-f]{32}$", (string?)alpha["sid"]);
        Assert.Equal("Contoso Ltd", (string?)alpha["alpha_sender"]);
        Assert.Equal(["SMS"], alpha["capabilities"]!.AsArray().Select(c => (string)c!));

        // Paging through the pool's numbers.
        var page = await Client.GetAsync(pool + "/PhoneNumbers?PageSize=1").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("phone_numbers", (string?)page["meta"]!["key"]);
        Assert.Equal((string?)us["sid"], (string?)page["phone_numbers"]![0]!["sid"]);
        var next = await Client.GetAsync((string)page["meta"]!["next_page_url"]!).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)jp["sid"], (string?)next["phone_numbers"]![0]!["sid"]);
        Assert.Null(next["meta"]!["next_page_url"]);
        var codes = await Client.GetAsync(pool + "/ShortCodes").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)code["sid"], (string?)Assert.Single(codes["short_codes"]!.AsArray())!["sid"]);
        var alphas = await Client.GetAsync(pool + "/AlphaSenders").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("alpha_senders", (string?)alphas["meta"]!["key"]);
        Assert.Equal((string?)alpha["sid"], (string?)Assert.Single(alphas["alpha_senders"]!.AsArray())!["sid"]);

        var fetched = await Client.GetAsync($"{pool}/ShortCodes/{code["sid"]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(shortCode.ToJsonString(), fetched.ToJsonString());
        await Client.GetAsync($"{pool}/PhoneNumbers/{code["sid"]}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        var resolved = await fixture.Host.Grains.GetGrain<IMessagingServiceGrain>(service).GetPoolAsync() ?? throw new Xunit.Sdk.XunitException("no pool");
        Assert.Equal(service, resolved.MessagingServiceSid);
        Assert.True(resolved.StickySender);
        Assert.Equal(36000, resolved.ValidityPeriod);
        Assert.Collection(resolved.Senders,
            s =>
            {
                Assert.Equal((string?)us["sid"], s.Sid);
                Assert.Equal(SenderKinds.LongCode, s.Kind);
                Assert.Equal("US", s.Country);
                Assert.Equal([Capabilities.Sms, Capabilities.Mms, Capabilities.Voice], s.Capabilities);
            },
            s =>
            {
                Assert.Equal((string?)jp["sid"], s.Sid);
                Assert.Equal("JP", s.Country);
                Assert.Equal([Capabilities.Voice], s.Capabilities);
            },
            s =>
            {
                Assert.Equal(SenderKinds.ShortCode, s.Kind);
                Assert.Equal((string?)code["short_code"], s.Address);
                Assert.Equal("US", s.Country);
            },
            s =>
            {
                Assert.Equal(SenderKinds.Alpha, s.Kind);
                Assert.Equal("Contoso Ltd", s.Address);
                Assert.Null(s.Country);
                Assert.Equal([Capabilities.Sms], s.Capabilities);
            });

        // Removing: the number leaves the pool but stays registered to the account.
        await Client.DeleteAsync($"{pool}/PhoneNumbers/{jp["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.DeleteAsync($"{pool}/PhoneNumbers/{jp["sid"]}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"{pool}/AlphaSenders/{alpha["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"{SenderApiSupport.NumbersPath}/{jp["sid"]}.json").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, (await fixture.Host.Grains.GetGrain<IMessagingServiceGrain>(service).GetPoolAsync())!.Senders.Count);
    }

    [Fact]
    public async Task A_sender_belongs_to_one_service_at_a_time()
    {
        var first = await Client.NewServiceAsync();
        var second = await Client.NewServiceAsync();
        var number = (string)(await Client.RegisterNumberAsync(SenderApiSupport.UsNumber()))["sid"]!;
        var code = (string)(await Client.RegisterShortCodeAsync(SenderApiSupport.ShortCode()))["sid"]!;

        await Client.PostFormAsync($"/messaging/v1/Services/{first}/PhoneNumbers", ("PhoneNumberSid", number)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/messaging/v1/Services/{first}/PhoneNumbers", ("PhoneNumberSid", number)).ExpectErrorAsync(HttpStatusCode.Conflict, 21710);
        await Client.PostFormAsync($"/messaging/v1/Services/{second}/PhoneNumbers", ("PhoneNumberSid", number)).ExpectErrorAsync(HttpStatusCode.Conflict, 21712);
        await Client.PostFormAsync($"/messaging/v1/Services/{first}/ShortCodes", ("ShortCodeSid", code)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/messaging/v1/Services/{second}/ShortCodes", ("ShortCodeSid", code)).ExpectErrorAsync(HttpStatusCode.Conflict, 21712);

        // Removed from the first, the number is free for the second.
        await Client.DeleteAsync($"/messaging/v1/Services/{first}/PhoneNumbers/{number}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.PostFormAsync($"/messaging/v1/Services/{second}/PhoneNumbers", ("PhoneNumberSid", number)).ExpectAsync(HttpStatusCode.Created);

        // Deleting the first service frees its short code, which stays registered.
        await Client.DeleteAsync($"/messaging/v1/Services/{first}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"{SenderApiSupport.ShortCodesPath}/{code}.json").ExpectAsync(HttpStatusCode.OK);
        await Client.PostFormAsync($"/messaging/v1/Services/{second}/ShortCodes", ("ShortCodeSid", code)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Unregistered_or_wrong_kind_of_sender_is_refused()
    {
        var service = await Client.NewServiceAsync();
        var pool = $"/messaging/v1/Services/{service}";
        await Client.PostFormAsync(pool + "/PhoneNumbers", ("PhoneNumberSid", "PN00000000000000000000000000000000")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync(pool + "/PhoneNumbers", ("PhoneNumberSid", "SC00000000000000000000000000000000")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(pool + "/PhoneNumbers").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(pool + "/ShortCodes", ("ShortCodeSid", "nonsense")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.GetAsync(pool + "/PhoneNumbers/PN00000000000000000000000000000000").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync(pool + "/ShortCodes/SC00000000000000000000000000000000").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Theory]
    [InlineData("ContosoLtd12")]
    [InlineData("12345")]
    [InlineData("Bad!Name")]
    [InlineData("")]
    public async Task Invalid_alpha_sender_is_refused_with_400(string alpha)
    {
        var service = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/messaging/v1/Services/{service}/AlphaSenders", ("AlphaSender", alpha)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task A_service_has_one_alpha_sender()
    {
        var service = await Client.NewServiceAsync();
        var pool = $"/messaging/v1/Services/{service}/AlphaSenders";
        var first = await Client.PostFormAsync(pool, ("AlphaSender", "Contoso-1")).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync(pool, ("AlphaSender", "Contoso-2")).ExpectAsync(HttpStatusCode.Conflict);

        var fetched = await Client.GetAsync($"{pool}/{first["sid"]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Contoso-1", (string?)fetched["alpha_sender"]);
        await Client.DeleteAsync($"{pool}/{first["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.PostFormAsync(pool, ("AlphaSender", "Contoso-2")).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Number_released_by_the_account_drops_out_of_the_pool_and_can_join_again_once_registered()
    {
        var first = await Client.NewServiceAsync();
        var second = await Client.NewServiceAsync();
        var address = SenderApiSupport.UsNumber();
        var number = (string)(await Client.RegisterNumberAsync(address))["sid"]!;
        await Client.PostFormAsync($"/messaging/v1/Services/{first}/PhoneNumbers", ("PhoneNumberSid", number)).ExpectAsync(HttpStatusCode.Created);

        await Client.DeleteAsync($"{SenderApiSupport.NumbersPath}/{number}.json").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty((await fixture.Host.Grains.GetGrain<IMessagingServiceGrain>(first).GetPoolAsync())!.Senders);
        var listed = await Client.GetAsync($"/messaging/v1/Services/{first}/PhoneNumbers").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(listed["phone_numbers"]!.AsArray());

        var again = (string)(await Client.RegisterNumberAsync(address))["sid"]!;
        await Client.PostFormAsync($"/messaging/v1/Services/{second}/PhoneNumbers", ("PhoneNumberSid", again)).ExpectAsync(HttpStatusCode.Created);
        var pool = await fixture.Host.Grains.GetGrain<IMessagingServiceGrain>(second).GetPoolAsync() ?? throw new Xunit.Sdk.XunitException("no pool");
        Assert.Equal(address, Assert.Single(pool.Senders).Address);
    }
}
