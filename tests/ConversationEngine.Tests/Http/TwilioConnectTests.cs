using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Issue 18's whole story: an operator with an existing Twilio account points the engine at it,
/// sees its numbers and Messaging Services under their Twilio SIDs without typing them, switches
/// "receive incoming messages" on, and the next SMS arrives in a conversation whose reply leaves
/// from the imported number.
/// </summary>
public sealed class TwilioConnectTests
{
    private const string PublicBaseUrl = "https://engine.example.com";

    [Fact]
    public async Task An_existing_account_is_connected_and_the_next_SMS_arrives_in_a_conversation()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var pn = twilio.AddIncomingNumber("+14155550700", friendlyName: "Support line", smsUrl: "https://demo.twilio.com/welcome/sms/reply");
        var mg = twilio.AddMessagingService("Support", inboundRequestUrl: "https://app.example.com/inbound");
        twilio.AddToService(mg, pn);
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = EngineHost.AccountSid,
            ["Twilio:AuthToken"] = EngineHost.AuthToken,
            ["Twilio:BaseUrl"] = twilio.BaseUrl,
            ["Twilio:SyncInterval"] = "00:01:00",
            ["Engine:PublicBaseUrl"] = PublicBaseUrl,
        });

        // Nothing typed: the scheduled import brings the account in under Twilio's SIDs.
        await Eventually.ValueAsync(
            async () => (string?)(await host.Client.GetAsync("/engine/v1/Twilio/Sync").ExpectAsync(HttpStatusCode.OK))["status"],
            status => status == "completed", TimeSpan.FromSeconds(60), "the first import");
        var number = await host.Client.GetAsync($"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers/{pn}.json").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Support line", (string?)number["friendly_name"]);
        var pool = await host.Client.GetAsync($"/messaging/v1/Services/{mg}/PhoneNumbers").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(pn, (string?)pool["phone_numbers"]![0]!["sid"]);

        // "Receive incoming messages": the service decides for its number.
        var on = await host.Client.PostFormAsync($"/engine/v1/Twilio/Services/{mg}/Receive", ("Enabled", "true")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)on["effective"]!);
        Assert.Equal(["+14155550700"], on["auto_creation_addresses"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(PublicBaseUrl + SignedWebhooks.MessagesPath, twilio.MessagingService(mg)!.InboundRequestUrl);

        // The next SMS, as Twilio posts it to the URL it was given.
        var fields = SignedWebhooks.Inbound("SM" + Guid.NewGuid().ToString("N"), "+14155559000", "+14155550700", "Hello, is my order on its way?");
        fields["MessagingServiceSid"] = mg;
        using (var answer = await host.SendWebhookAsync(SignedWebhooks.MessagesPath, fields, SignedWebhooks.Sign(EngineHost.AuthToken, PublicBaseUrl + SignedWebhooks.MessagesPath, fields)))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var inbound = await host.Client.GetAsync($"/engine/v1/InboundMessages/{fields["MessageSid"]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("auto_created", (string?)inbound["outcome"]);
        var conversationSid = (string)inbound["conversation_sid"]!;
        var conversation = await host.Client.GetAsync($"/v1/Conversations/{conversationSid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(mg, (string?)conversation["messaging_service_sid"]);
        var messages = await host.Client.GetAsync($"/v1/Conversations/{conversationSid}/Messages").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Hello, is my order on its way?", (string?)messages["messages"]![0]!["body"]);

        // The reply leaves through Twilio from the imported number.
        await host.Client.PostFormAsync($"/v1/Conversations/{conversationSid}/Messages", ("Author", "agent.ana"), ("Body", "It ships today.")).ExpectAsync(HttpStatusCode.Created);
        var sent = await Eventually.ValueAsync(() => twilio.Messages, m => m.Count > 0, TimeSpan.FromSeconds(30), "the reply at Twilio");
        Assert.Equal("+14155559000", sent[0].To);
        Assert.Equal("+14155550700", sent[0].From);

        // Off puts back the application's URL.
        await host.Client.PostFormAsync($"/engine/v1/Twilio/Services/{mg}/Receive", ("Enabled", "false")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://app.example.com/inbound", twilio.MessagingService(mg)!.InboundRequestUrl);
        Assert.Empty(twilio.SpecViolations);
    }

    [Fact]
    public async Task Switching_on_a_service_the_engine_never_imported_imports_it_first_keeping_the_applications_URL()
    {
        await using var twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var pn = twilio.AddIncomingNumber("+14155550710");
        var mg = twilio.AddMessagingService("Sales", inboundRequestUrl: "https://app.example.com/sales");
        twilio.AddToService(mg, pn);
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = EngineHost.AccountSid,
            ["Twilio:AuthToken"] = EngineHost.AuthToken,
            ["Twilio:BaseUrl"] = twilio.BaseUrl,
            ["Twilio:SyncInterval"] = "00:00:00",
            ["Engine:PublicBaseUrl"] = PublicBaseUrl,
        });

        var on = await host.Client.PostFormAsync($"/engine/v1/Twilio/Services/{mg}/Receive", ("Enabled", "true")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["+14155550710"], on["auto_creation_addresses"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(PublicBaseUrl + SignedWebhooks.MessagesPath, twilio.MessagingService(mg)!.InboundRequestUrl);
        var service = await host.Client.GetAsync($"/messaging/v1/Services/{mg}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://app.example.com/sales", (string?)service["inbound_request_url"]);
        var configuration = await host.Client.GetAsync("/v1/Configuration/Addresses").ExpectAsync(HttpStatusCode.OK);
        var address = Assert.Single(configuration["address_configurations"]!.AsArray())!;
        Assert.Equal("+14155550710", (string?)address["address"]);
        Assert.True((bool)address["auto_creation"]!["enabled"]!);
        Assert.Empty(twilio.SpecViolations);
    }
}
