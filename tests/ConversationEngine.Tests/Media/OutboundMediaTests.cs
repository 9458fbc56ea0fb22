using System.Net;
using ConversationEngine.Tests.Http;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Media;

/// <summary>An engine sending to a Twilio stand-in, whose signed media URLs live four seconds.</summary>
public sealed class OutboundMediaFixture : IAsyncLifetime
{
    public static readonly TimeSpan UrlLifetime = TimeSpan.FromSeconds(4);

    public TwilioStandIn Twilio { get; private set; } = null!;

    public EngineHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var settings = DeliveryFixture.Settings(Twilio);
        settings["Media:SignedUrlLifetime"] = UrlLifetime.ToString();
        Host = await EngineHost.StartAsync(settings: settings);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

/// <summary>Media going out to MMS and WhatsApp customers as URLs Twilio can fetch without credentials, for a while.</summary>
public sealed class OutboundMediaTests(OutboundMediaFixture fixture) : IClassFixture<OutboundMediaFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task An_mms_with_two_media_reaches_twilio_with_two_signed_urls_that_open_the_content_and_then_expire()
    {
        var service = await Client.DefaultServiceAsync();
        var (conversation, customer) = await ConversationWithAsync(Numbers.NextUs(), Numbers.NextUs());
        var photo = MediaHttp.Bytes(300_000, 7);
        var card = MediaHttp.Bytes(2_000, 8);
        var first = (string)(await Client.UploadedAsync(service, photo, "image/jpeg", "photo.jpg"))["sid"]!;
        var second = (string)(await Client.UploadedAsync(service, card, "text/vcard", "agent.vcf"))["sid"]!;

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "agent"), ("Body", "Here you are"), ("MediaSid", first), ("MediaSid", second))
            .ExpectAsync(HttpStatusCode.Created);

        var sent = await Eventually.ValueAsync(() => fixture.Twilio.Messages.FirstOrDefault(m => m.To == customer), m => m is not null, Patience, "the MMS");
        Assert.Equal("Here you are", sent!.Body);
        Assert.Equal(2, sent.MediaUrls.Count);
        Assert.All(sent.MediaUrls, url => Assert.StartsWith(fixture.Host.BaseUrl + "/media/ME", url, StringComparison.Ordinal));
        Assert.Contains(first, sent.MediaUrls[0], StringComparison.Ordinal);
        Assert.Contains(second, sent.MediaUrls[1], StringComparison.Ordinal);

        // What Twilio does with them: a plain GET, no credentials.
        using var twilio = new HttpClient();
        Assert.Equal(photo, await twilio.BytesAsync(sent.MediaUrls[0]));
        Assert.Equal(card, await twilio.BytesAsync(sent.MediaUrls[1]));

        await Task.Delay(OutboundMediaFixture.UrlLifetime + TimeSpan.FromSeconds(1.5));
        await twilio.BytesAsync(sent.MediaUrls[0], HttpStatusCode.NotFound);
        await twilio.BytesAsync(sent.MediaUrls[1], HttpStatusCode.NotFound);

        // The media themselves are still there: a fresh signature opens them again.
        var fresh = await Client.GetAsync(new Uri($"/v1/Services/{service}/Media/{first}", UriKind.Relative)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(photo, await twilio.BytesAsync((string)fresh["links"]!["content_direct_temporary"]!));
    }

    [Fact]
    public async Task A_whatsapp_customer_gets_the_document_with_its_caption()
    {
        var service = await Client.DefaultServiceAsync();
        var (conversation, customer) = await ConversationWithAsync("whatsapp:" + Numbers.NextUs(), "whatsapp:" + Numbers.NextUs());
        var manual = MediaHttp.Bytes(1_000_000, 9);
        var sid = (string)(await Client.UploadedAsync(service, manual, "application/pdf", "manual.pdf"))["sid"]!;

        // WhatsApp's free-form window is open: the customer wrote first.
        await fixture.Host.Grains.GetGrain<Contacts.IContactChannelGrain>(Contacts.ContactKeys.Channel(await ProxyAsync(conversation), customer))
            .RecordInboundAsync(DateTimeOffset.UtcNow);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "agent"), ("Body", "The manual"), ("MediaSid", sid))
            .ExpectAsync(HttpStatusCode.Created);

        var sent = await Eventually.ValueAsync(() => fixture.Twilio.Messages.FirstOrDefault(m => m.To == customer), m => m is not null, Patience, "the WhatsApp message");
        Assert.Equal("The manual", sent!.Body);
        using var twilio = new HttpClient();
        Assert.Equal(manual, await twilio.BytesAsync(Assert.Single(sent.MediaUrls)));
    }

    private async Task<(string Conversation, string Customer)> ConversationWithAsync(string address, string proxy)
    {
        var conversation = (string)(await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "outbound media")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", proxy))
            .ExpectAsync(HttpStatusCode.Created);
        return (conversation, address);
    }

    private async Task<string> ProxyAsync(string conversation)
    {
        var participants = await Client.GetAsync(new Uri($"/v1/Conversations/{conversation}/Participants", UriKind.Relative)).ExpectAsync(HttpStatusCode.OK);
        return (string)participants["participants"]![0]!["messaging_binding"]!["proxy_address"]!;
    }
}
