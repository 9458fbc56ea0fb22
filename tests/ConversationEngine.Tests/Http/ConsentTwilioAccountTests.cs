using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// With a Twilio account configured, Twilio answers its default keywords before the webhook reaches
/// the engine: the engine records their consent change but does not answer them again. Its own
/// (a Messaging Service's) keywords it still answers.
/// </summary>
public sealed class ConsentTwilioAccountTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Default_keywords_get_no_engine_reply_and_custom_ones_get_theirs()
    {
        var service = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", ConsentTests.JapaneseAndSpanish).ExpectAsync(HttpStatusCode.OK);
        var ours = Numbers.NextUs();
        var contact = Numbers.NextUs();

        foreach (var keyword in new[] { "STOP", "help", "START", "Unsubscribe" })
        {
            Assert.Empty(await InboundAsync(contact, ours, keyword, service));
        }

        Assert.Equal("opted_out", (string?)(await ConsentAsync(service, contact))["state"]);
        Assert.Equal([ConsentTests.JapaneseOptInReply], await InboundAsync(contact, ours, "再開", service));
        Assert.Equal([ConsentTests.SpanishOptOutReply], await InboundAsync(contact, ours, "ALTO", service));
        var consent = await ConsentAsync(service, contact);
        Assert.Equal("opted_out", (string?)consent["state"]);
        Assert.Equal(["ALTO", "再開", "UNSUBSCRIBE", "START", "STOP"], consent["events"]!.AsArray().Select(e => (string)e!["keyword"]!));

        // Without a service too: STOP to the number alone is Twilio's to answer.
        Assert.Empty(await InboundAsync(Numbers.NextUs(), ours, "STOP", null));
    }

    [Fact]
    public async Task With_replies_off_the_service_keywords_get_no_engine_reply_either()
    {
        var service = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", [.. ConsentTests.JapaneseAndSpanish, ("EngineReplies", "false")]).ExpectAsync(HttpStatusCode.OK);
        var contact = Numbers.NextUs();

        Assert.Empty(await InboundAsync(contact, Numbers.NextUs(), "配信停止", service));
        Assert.Equal("opted_out", (string?)(await ConsentAsync(service, contact))["state"]);
    }

    private Task<List<string>> InboundAsync(string from, string to, string body, string? service)
    {
        var fields = SignedWebhooks.Inbound("SM" + Guid.NewGuid().ToString("N"), from, to, body);
        if (service is not null)
        {
            fields["MessagingServiceSid"] = service;
        }

        return ConsentTests.Replies(fixture.Host, fields);
    }

    private Task<System.Text.Json.Nodes.JsonObject> ConsentAsync(string scope, string address) =>
        Client.GetAsync($"/engine/v1/ContactChannels/{scope}/{Uri.EscapeDataString(address)}/Consent").ExpectAsync(HttpStatusCode.OK);
}
