using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Importing a Twilio account: an engine connected to the Twilio stand-in (which checks every
/// request against Twilio's OpenAPI documents) reads its numbers, short codes, Messaging Services,
/// pools and WhatsApp senders and shows them under Twilio's SIDs. Each test has an account of its own.
/// </summary>
public sealed class TwilioSyncTests
{
    private const string Numbers = $"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers.json";
    private const string ShortCodes = $"/2010-04-01/Accounts/{EngineHost.AccountSid}/SMS/ShortCodes.json";
    private const string Sync = "/engine/v1/Twilio/Sync";

    private static Dictionary<string, string?> Settings(TwilioStandIn twilio, string interval = "00:00:00") => new()
    {
        ["Twilio:AccountSid"] = EngineHost.AccountSid,
        ["Twilio:AuthToken"] = EngineHost.AuthToken,
        ["Twilio:BaseUrl"] = twilio.BaseUrl,
        ["Twilio:BaseDelay"] = "00:00:00.050",
        ["Twilio:MaxDelay"] = "00:00:00.200",
        ["Twilio:MaxAttempts"] = "2",
        ["Twilio:SyncInterval"] = interval,
        ["Engine:PublicBaseUrl"] = "https://engine.example.com",
    };

    [Fact]
    public async Task An_account_is_imported_under_Twilios_SIDs_with_its_pools_and_WhatsApp_senders()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var us = twilio.AddIncomingNumber("+14155550100", friendlyName: "Support line");
        var jp = twilio.AddIncomingNumber("+81345678901", sms: false, mms: false, voice: true);
        var other = twilio.AddIncomingNumber("+14155550101");
        var code = twilio.AddShortCode("894546");
        var mg = twilio.AddMessagingService("Support", inboundRequestUrl: "https://app.example.com/inbound");
        twilio.AddToService(mg, us);
        twilio.AddToService(mg, code);
        var alpha = twilio.AddAlphaSender(mg, "ACME");
        var onNumber = twilio.AddChannelSender(mg, "whatsapp:+14155550100");
        var ownNumber = twilio.AddChannelSender(mg, "whatsapp:+447700900123");
        await using var host = await EngineHost.StartAsync(settings: Settings(twilio));

        var report = await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("completed", (string?)report["status"]);
        Assert.Equal("operator", (string?)report["trigger"]);
        Assert.Equal(3, (int)report["phone_numbers"]!["added"]!);
        Assert.Equal(1, (int)report["short_codes"]!["added"]!);
        Assert.Equal(1, (int)report["channel_senders"]!["added"]!);
        Assert.Equal(1, (int)report["messaging_services"]!["added"]!);
        Assert.Empty(report["missing"]!.AsArray());

        var numbers = (await host.Client.GetAsync(Numbers).ExpectAsync(HttpStatusCode.OK))["incoming_phone_numbers"]!.AsArray();
        Assert.Equal(new[] { us, jp, other, ownNumber }.Order(), numbers.Select(n => (string)n!["sid"]!).Order());
        var support = numbers.Single(n => (string?)n!["sid"] == us)!;
        Assert.Equal("Support line", (string?)support["friendly_name"]);
        Assert.True((bool)support["capabilities"]!["whatsapp"]!);
        Assert.True((bool)support["capabilities"]!["sms"]!);
        var japanese = numbers.Single(n => (string?)n!["sid"] == jp)!;
        Assert.True((bool)japanese["capabilities"]!["voice"]!);
        Assert.False((bool)japanese["capabilities"]!["sms"]!);
        Assert.Equal("JP", (string?)japanese["iso_country"]);
        var whatsAppOnly = numbers.Single(n => (string?)n!["sid"] == ownNumber)!;
        Assert.True((bool)whatsAppOnly["capabilities"]!["whatsapp"]!);
        Assert.False((bool)whatsAppOnly["capabilities"]!["sms"]!);
        Assert.Equal(code, (string?)(await host.Client.GetAsync(ShortCodes).ExpectAsync(HttpStatusCode.OK))["short_codes"]![0]!["sid"]);

        var service = await host.Client.GetAsync($"/messaging/v1/Services/{mg}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Support", (string?)service["friendly_name"]);
        Assert.Equal("https://app.example.com/inbound", (string?)service["inbound_request_url"]);
        var pool = (await host.Client.GetAsync($"/messaging/v1/Services/{mg}/PhoneNumbers").ExpectAsync(HttpStatusCode.OK))["phone_numbers"]!.AsArray();
        Assert.Equal([us], pool.Select(n => (string)n!["sid"]!));
        Assert.Equal(code, (string?)(await host.Client.GetAsync($"/messaging/v1/Services/{mg}/ShortCodes").ExpectAsync(HttpStatusCode.OK))["short_codes"]![0]!["sid"]);
        Assert.Equal(alpha, (string?)(await host.Client.GetAsync($"/messaging/v1/Services/{mg}/AlphaSenders").ExpectAsync(HttpStatusCode.OK))["alpha_senders"]![0]!["sid"]);
        var senders = (await host.Client.GetAsync($"/messaging/v1/Services/{mg}/ChannelSenders").ExpectAsync(HttpStatusCode.OK))["senders"]!.AsArray();
        Assert.Equal(new[] { onNumber, ownNumber }.Order(), senders.Select(c => (string)c!["sid"]!).Order());
        var whatsAppSender = await host.Client.GetAsync($"/messaging/v1/Services/{mg}/ChannelSenders/{onNumber}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("whatsapp:+14155550100", (string?)whatsAppSender["sender"]);
        Assert.Equal("WhatsApp", (string?)whatsAppSender["sender_type"]);
        Assert.Equal(mg, (string?)whatsAppSender["messaging_service_sid"]);
        await host.Client.GetAsync($"/messaging/v1/Services/{mg}/ChannelSenders/{us}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        // A conversation on the imported service picks its sender from Twilio's pool: the short code first, in its country.
        var conversation = await host.Client.PostFormAsync("/v1/Conversations", ("MessagingServiceSid", mg)).ExpectAsync(HttpStatusCode.Created);
        var participant = await host.Client.PostFormAsync($"/v1/Conversations/{conversation["sid"]}/Participants", ("MessagingBinding.Address", "+14155559999"))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("894546", (string?)participant["messaging_binding"]!["proxy_address"]);

        var fetched = await host.Client.GetAsync(Sync).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("completed", (string?)fetched["status"]);
        Assert.Equal(EngineHost.AccountSid, (string?)fetched["twilio_account_sid"]);
        Assert.Empty(twilio.SpecViolations);
    }

    [Fact]
    public async Task A_second_sync_applies_only_what_changed_and_marks_what_disappeared_without_deleting_it()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var kept = twilio.AddIncomingNumber("+14155550200");
        var renamed = twilio.AddIncomingNumber("+14155550201");
        var released = twilio.AddIncomingNumber("+14155550202");
        var staying = twilio.AddMessagingService("Staying");
        var deleted = twilio.AddMessagingService("Deleted");
        twilio.AddToService(staying, kept);
        twilio.AddToService(deleted, released);
        await using var host = await EngineHost.StartAsync(settings: Settings(twilio));
        await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);

        // A conversation holds the number that is about to be released.
        var conversation = await host.Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        await host.Client.PostFormAsync($"/v1/Conversations/{conversation["sid"]}/Participants",
            ("MessagingBinding.Address", "+14155559998"), ("MessagingBinding.ProxyAddress", "+14155550202")).ExpectAsync(HttpStatusCode.Created);

        twilio.ChangeIncomingNumber(renamed, n => n with { FriendlyName = "Renamed at Twilio" });
        twilio.RemoveIncomingNumber(released);
        twilio.RemoveService(deleted);
        var added = twilio.AddIncomingNumber("+14155550203");
        twilio.ChangeMessagingService(staying, s => s with { FriendlyName = "Staying, renamed" });

        var second = await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)second["phone_numbers"]!["added"]!);
        Assert.Equal(1, (int)second["phone_numbers"]!["updated"]!);
        Assert.Equal(1, (int)second["phone_numbers"]!["unchanged"]!);
        Assert.Equal(1, (int)second["phone_numbers"]!["missing"]!);
        Assert.Equal(1, (int)second["messaging_services"]!["updated"]!);
        Assert.Equal(1, (int)second["messaging_services"]!["missing"]!);
        Assert.Equal(new[] { released, deleted }.Order(), second["missing"]!.AsArray().Select(m => (string)m!["sid"]!).Order());

        var gone = await host.Client.GetAsync($"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers/{released}.json").ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull((string?)gone["date_missing"]);
        Assert.Null((string?)(await host.Client.GetAsync($"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers/{added}.json").ExpectAsync(HttpStatusCode.OK))["date_missing"]);
        Assert.Equal("Renamed at Twilio", (string?)(await host.Client.GetAsync($"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers/{renamed}.json").ExpectAsync(HttpStatusCode.OK))["friendly_name"]);
        var deletedService = await host.Client.GetAsync($"/messaging/v1/Services/{deleted}").ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull((string?)deletedService["date_missing"]);
        Assert.Equal("Staying, renamed", (string?)(await host.Client.GetAsync($"/messaging/v1/Services/{staying}").ExpectAsync(HttpStatusCode.OK))["friendly_name"]);

        // The conversation still holds its participant on the released number.
        var participants = await host.Client.GetAsync($"/v1/Conversations/{conversation["sid"]}/Participants").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("+14155550202", (string?)participants["participants"]![0]!["messaging_binding"]!["proxy_address"]);

        // Nothing changed since: nothing is written, nothing newly missing.
        var third = await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)third["phone_numbers"]!["added"]! + (int)third["phone_numbers"]!["updated"]! + (int)third["phone_numbers"]!["missing"]!);
        Assert.Equal(3, (int)third["phone_numbers"]!["unchanged"]!);
        Assert.Equal(0, (int)third["messaging_services"]!["updated"]! + (int)third["messaging_services"]!["missing"]!);
        Assert.Equal(2, third["missing"]!.AsArray().Count);
        Assert.Empty(twilio.SpecViolations);
    }

    [Fact]
    public async Task Every_page_is_read()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var sids = Enumerable.Range(0, 1005).Select(i => twilio.AddIncomingNumber($"+1415556{i:D4}")).ToList();
        await using var host = await EngineHost.StartAsync(settings: Settings(twilio));

        var report = await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(1005, (int)report["phone_numbers"]!["added"]!);
        Assert.Equal(2, twilio.AccountRequests.Count(r => r.Path.EndsWith("/IncomingPhoneNumbers.json", StringComparison.Ordinal)));
        var last = await host.Client.GetAsync($"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers/{sids[^1]}.json").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("+14155561004", (string?)last["phone_number"]);
        Assert.Empty(twilio.SpecViolations);
    }

    [Fact]
    public async Task A_number_registered_by_hand_is_taken_over_under_Twilios_SID_and_its_old_SID_still_answers()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var pn = twilio.AddIncomingNumber("+14155550300");
        await using var host = await EngineHost.StartAsync(settings: Settings(twilio));
        var byHand = await host.Client.PostFormAsync(Numbers, ("PhoneNumber", "+14155550300"), ("Mps", "5")).ExpectAsync(HttpStatusCode.Created);
        Assert.NotEqual(pn, (string?)byHand["sid"]);

        var report = await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(1, (int)report["phone_numbers"]!["updated"]!);
        var numbers = (await host.Client.GetAsync(Numbers).ExpectAsync(HttpStatusCode.OK))["incoming_phone_numbers"]!.AsArray();
        var number = Assert.Single(numbers)!;
        Assert.Equal(pn, (string?)number["sid"]);
        Assert.Equal(5, (double)number["mps"]!);
        var old = await host.Client.GetAsync($"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers/{byHand["sid"]}.json").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(pn, (string?)old["sid"]);
    }

    [Fact]
    public async Task The_engines_own_webhook_URL_at_Twilio_is_not_imported_as_the_applications()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var mg = twilio.AddMessagingService("Support", inboundRequestUrl: "https://app.example.com/inbound");
        await using var host = await EngineHost.StartAsync(settings: Settings(twilio));
        await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);

        twilio.ChangeMessagingService(mg, s => s with { InboundRequestUrl = "https://engine.example.com/webhooks/twilio/messages", StatusCallback = "https://engine.example.com/webhooks/twilio/status" });
        await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);

        var service = await host.Client.GetAsync($"/messaging/v1/Services/{mg}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://app.example.com/inbound", (string?)service["inbound_request_url"]);
        Assert.Null((string?)service["status_callback"]);
    }

    [Fact]
    public async Task The_engines_own_webhook_URL_is_recognised_under_a_base_path_too()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var mg = twilio.AddMessagingService("Support", inboundRequestUrl: "https://app.example.com/inbound");
        var settings = Settings(twilio);
        settings["Engine:PublicBaseUrl"] = "https://gateway.example.com/contact-center";
        await using var host = await EngineHost.StartAsync(settings: settings);
        await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);

        twilio.ChangeMessagingService(mg, s => s with { InboundRequestUrl = "https://gateway.example.com/contact-center/webhooks/twilio/messages" });
        await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);

        var service = await host.Client.GetAsync($"/messaging/v1/Services/{mg}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://app.example.com/inbound", (string?)service["inbound_request_url"]);
    }

    [Fact]
    public async Task A_sync_that_cannot_read_the_account_changes_nothing_and_says_why()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var pn = twilio.AddIncomingNumber("+14155550400");
        var settings = Settings(twilio);
        await using var host = await EngineHost.StartAsync(settings: settings);
        await host.Client.PostAsync(Sync, null).ExpectAsync(HttpStatusCode.OK);
        await twilio.DisposeAsync();

        var error = await host.Client.PostAsync(Sync, null).ExpectErrorAsync(HttpStatusCode.ServiceUnavailable, 20500);
        Assert.Contains("Twilio", (string?)error["message"], StringComparison.Ordinal);

        var report = await host.Client.GetAsync(Sync).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("failed", (string?)report["status"]);
        Assert.False(string.IsNullOrEmpty((string?)report["error"]));
        var number = await host.Client.GetAsync($"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers/{pn}.json").ExpectAsync(HttpStatusCode.OK);
        Assert.Null((string?)number["date_missing"]);
    }

    [Fact]
    public async Task Wrong_credentials_come_back_as_Twilios_refusal()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var settings = Settings(twilio);
        settings["Twilio:AuthToken"] = "not-the-accounts-token";
        await using var host = await EngineHost.StartAsync(settings: settings);

        await host.Client.PostAsync(Sync, null).ExpectErrorAsync(HttpStatusCode.BadRequest, 20003);
    }

    [Fact]
    public async Task The_sandbox_has_no_account_to_import()
    {
        await using var host = await EngineHost.StartAsync();

        await host.Client.PostAsync(Sync, null).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        Assert.Equal("never", (string?)(await host.Client.GetAsync(Sync).ExpectAsync(HttpStatusCode.OK))["status"]);
    }

    [Fact]
    public async Task The_account_is_imported_shortly_after_start_without_being_asked()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var pn = twilio.AddIncomingNumber("+14155550500");
        await using var host = await EngineHost.StartAsync(settings: Settings(twilio, interval: "00:01:00"));

        var report = await Eventually.ValueAsync(
            async () => await host.Client.GetAsync(Sync).ExpectAsync(HttpStatusCode.OK),
            r => (string?)r["status"] == "completed", TimeSpan.FromSeconds(60), "the scheduled sync");

        Assert.Equal("schedule", (string?)report["trigger"]);
        Assert.Equal(60, (int)report["sync_interval_seconds"]!);
        await host.Client.GetAsync($"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers/{pn}.json").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Agents_may_not_sync()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        await using var host = await EngineHost.StartAsync(settings: Settings(twilio));
        var service = (string)(await host.Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
        using var agent = host.CreateUserClient(AccessTokens.Mint("agent.ana", service));

        await agent.PostAsync(Sync, null).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        Assert.Empty(twilio.AccountRequests);
    }
}
