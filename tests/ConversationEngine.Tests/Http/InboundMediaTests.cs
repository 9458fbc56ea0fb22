using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ConversationEngine.Inbound;
using ConversationEngine.Media;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationEngine.Tests.Http;

/// <summary>An engine host pointed at a Twilio stand-in that serves inbound media, with a small upload limit.</summary>
public sealed class InboundMediaFixture : IAsyncLifetime
{
    /// <summary>Media:MaxUploadBytes here: anything larger is refused with 50512.</summary>
    public const int Limit = 64 * 1024;

    public TwilioStandIn Twilio { get; private set; } = null!;

    public EngineHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        var settings = DeliveryFixture.Settings(Twilio);
        settings["Media:MaxUploadBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Media:InboundFetchTimeout"] = "00:00:03";
        Host = await EngineHost.StartAsync(settings: settings);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

/// <summary>Media of inbound MMS and WhatsApp messages, fetched from Twilio into the media store.</summary>
public sealed class InboundMediaTests(InboundMediaFixture fixture) : IClassFixture<InboundMediaFixture>
{
    private const string OurNumber = "+15005550006";

    private static readonly string AccountCredentials = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{EngineHost.AccountSid}:{EngineHost.AuthToken}"));

    private HttpClient Client => fixture.Host.Client;

    private TwilioStandIn Twilio => fixture.Twilio;

    [Fact]
    public async Task Mms_with_three_media_lands_with_three_stored_items_fetched_with_the_account_credentials()
    {
        var (conversation, service, customer) = await ConversationWithCustomerAsync();
        var messageSid = Sids.New("MM");
        var twilioSids = Enumerable.Range(0, 3).Select(_ => Sids.New("ME")).ToArray();
        var contents = new[] { Bytes(20_000, 1), Bytes(1_024, 2), Bytes(3_000, 3) };
        Twilio.ServeMedia(messageSid, twilioSids[0], contents[0], "image/jpeg", new StandInMediaBehaviour { Filename = "beach photo.jpg" });
        Twilio.ServeMedia(messageSid, twilioSids[1], contents[1], "image/png", new StandInMediaBehaviour { Chunked = true });
        Twilio.ServeMedia(messageSid, twilioSids[2], contents[2], "application/pdf", new StandInMediaBehaviour { ViaCdn = true });
        var fields = Webhook(messageSid, customer, OurNumber, "photos", twilioSids.Select(sid => Twilio.MediaUrl(messageSid, sid)).ToArray(), ["image/jpeg", "image/png", "application/pdf"]);

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(await MessagesAsync(conversation));
        var media = message["media"]!.AsArray();
        Assert.Equal(3, media.Count);
        Assert.Equal([20_000L, 1_024L, 3_000L], media.Select(m => (long)m!["size"]!));
        Assert.Equal(["image/jpeg", "image/png", "application/pdf"], media.Select(m => (string?)m!["content_type"]));
        Assert.Equal(["beach photo.jpg", twilioSids[1] + ".png", twilioSids[2] + ".pdf"], media.Select(m => (string?)m!["filename"]));
        Assert.All(media, m => Assert.Null((string?)m!["url"]));

        var anonymous = fixture.Host.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var sid = (string)media[i]!["sid"]!;
            Assert.Equal(InboundMediaFetcher.SidFor(messageSid, i), sid);
            var record = await Client.GetAsync($"/v1/Services/{service}/Media/{sid}").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(fields[$"MediaUrl{i}"], (string?)record["source_url"]);
            Assert.Null(record["error_code"]);
            Assert.Equal(customer, (string?)record["author"]);
            Assert.Equal((string?)message["sid"], (string?)record["message_sid"]);
            Assert.Equal(conversation, (string?)record["channel_sid"]);
            Assert.Equal(contents[i], await Client.GetByteArrayAsync($"/v1/Services/{service}/Media/{sid}/Content"));
            Assert.Equal(contents[i], await anonymous.GetByteArrayAsync((string)record["links"]!["content_direct_temporary"]!));
        }

        // Twilio got the account's credentials; the CDN its redirect named got none.
        var requests = Twilio.MediaRequests.Where(r => r.Path.Contains(messageSid, StringComparison.Ordinal)).ToList();
        Assert.Equal(4, requests.Count);
        Assert.All(requests.Where(r => r.Path.StartsWith("/2010-04-01/", StringComparison.Ordinal)), r => Assert.Equal(AccountCredentials, r.Authorization));
        var cdn = Assert.Single(requests, r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
        Assert.Null(cdn.Authorization);
        Assert.Equal(200, cdn.AnsweredStatus);
    }

    [Fact]
    public async Task A_redelivered_webhook_reuses_its_items_and_fetches_nothing_again()
    {
        var (conversation, service, customer) = await ConversationWithCustomerAsync();
        var messageSid = Sids.New("MM");
        var twilioSid = Sids.New("ME");
        Twilio.ServeMedia(messageSid, twilioSid, Bytes(5_000, 4), "image/gif");
        var fields = Webhook(messageSid, customer, OurNumber, "", [Twilio.MediaUrl(messageSid, twilioSid)], ["image/gif"]);

        (await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields)).Dispose();
        using var again = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var message = Assert.Single(await MessagesAsync(conversation));
        var item = Assert.Single(message["media"]!.AsArray())!;
        Assert.Equal(InboundMediaFetcher.SidFor(messageSid, 0), (string?)item["sid"]);
        Assert.Equal(5_000L, (long)item["size"]!);
        Assert.Single(Twilio.MediaRequests, r => r.Path.Contains(messageSid, StringComparison.Ordinal));
        await Client.GetAsync($"/v1/Services/{service}/Media/{(string)item["sid"]!}").ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("404", 11200, 1)]
    [InlineData("500", 11200, 3)]
    [InlineData("too-large", 50512, 1)]
    [InlineData("too-large-chunked", 50512, 1)]
    public async Task An_item_failing_for_good_leaves_the_message_landed_with_its_error(string failure, int errorCode, int requestsExpected)
    {
        var (conversation, service, customer) = await ConversationWithCustomerAsync();
        var messageSid = Sids.New("MM");
        var (good, bad) = (Sids.New("ME"), Sids.New("ME"));
        Twilio.ServeMedia(messageSid, good, Bytes(2_000, 5), "image/jpeg");
        switch (failure)
        {
            case "404":
                // Nothing served at that path: the stand-in answers 404.
                break;
            case "500":
                Twilio.ServeMedia(messageSid, bad, Bytes(10, 6), "image/jpeg", new StandInMediaBehaviour { Status = 500 });
                break;
            default:
                Twilio.ServeMedia(messageSid, bad, Bytes(InboundMediaFixture.Limit + 1, 7), "video/mp4", new StandInMediaBehaviour { Chunked = failure.EndsWith("chunked", StringComparison.Ordinal) });
                break;
        }

        var urls = new[] { Twilio.MediaUrl(messageSid, good), Twilio.MediaUrl(messageSid, bad) };
        // From WhatsApp, so the conversation hands it on to the customer's SMS binding (no WhatsApp session window there).
        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, Webhook(messageSid, "whatsapp:" + customer, "whatsapp:" + OurNumber, "see attached", urls, ["image/jpeg", "video/mp4"]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(await MessagesAsync(conversation));
        Assert.Equal("see attached", (string?)message["body"]);
        var media = message["media"]!.AsArray();
        Assert.Equal([2_000L, 0L], media.Select(m => (long)m!["size"]!));
        var failed = await Client.GetAsync($"/v1/Services/{service}/Media/{(string)media[1]!["sid"]!}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(errorCode, (int?)failed["error_code"]);
        Assert.Equal(urls[1], (string?)failed["source_url"]);
        Assert.Null((string?)failed["links"]!["content_direct_temporary"]);
        Assert.Equal("video/mp4", (string?)failed["content_type"]);
        Assert.Equal(requestsExpected, Twilio.MediaRequests.Count(r => r.Path.EndsWith(bad, StringComparison.Ordinal)));
        Assert.Null(await Store.OpenReadAsync((string)media[1]!["sid"]!));
        var stored = await Client.GetAsync($"/v1/Services/{service}/Media/{(string)media[0]!["sid"]!}").ExpectAsync(HttpStatusCode.OK);
        Assert.Null(stored["error_code"]);

        // Handed on to the customer's SMS binding with the item that has content, not the failed one.
        var forwarded = await Eventually.ValueAsync(
            () => Twilio.Messages.FirstOrDefault(m => m.To == customer), m => m is not null, TimeSpan.FromSeconds(20), "the message sent on by SMS");
        Assert.Contains((string)media[0]!["sid"]!, Assert.Single(forwarded!.MediaUrls), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transient_500_is_retried_and_the_item_is_stored()
    {
        var (conversation, service, customer) = await ConversationWithCustomerAsync();
        var messageSid = Sids.New("MM");
        var twilioSid = Sids.New("ME");
        var content = Bytes(8_000, 8);
        Twilio.ServeMedia(messageSid, twilioSid, content, "audio/mpeg", new StandInMediaBehaviour { FailuresFirst = 2 });

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath,
            Webhook(messageSid, customer, OurNumber, "voice note", [Twilio.MediaUrl(messageSid, twilioSid)], ["audio/mpeg"]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var item = Assert.Single(Assert.Single(await MessagesAsync(conversation))["media"]!.AsArray())!;
        Assert.Equal(8_000L, (long)item["size"]!);
        Assert.Equal(twilioSid + ".mp3", (string?)item["filename"]);
        Assert.Equal([500, 500, 200], Twilio.MediaRequests.Where(r => r.Path.EndsWith(twilioSid, StringComparison.Ordinal)).Select(r => r.AnsweredStatus));
        Assert.Equal(content, await Client.GetByteArrayAsync($"/v1/Services/{service}/Media/{(string)item["sid"]!}/Content"));
    }

    [Fact]
    public async Task A_whatsapp_media_message_lands_with_its_stored_item()
    {
        var (conversation, service, customer) = await ConversationWithCustomerAsync();
        var messageSid = Sids.New("MM");
        var twilioSid = Sids.New("ME");
        var content = Bytes(12_345, 9);
        Twilio.ServeMedia(messageSid, twilioSid, content, "image/jpeg", new StandInMediaBehaviour { ViaCdn = true });
        var fields = Webhook(messageSid, "whatsapp:" + customer, "whatsapp:" + OurNumber, "", [Twilio.MediaUrl(messageSid, twilioSid)], ["image/jpeg"]);
        fields["ProfileName"] = "Ada";
        fields["WaId"] = customer.TrimStart('+');

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(await MessagesAsync(conversation));
        Assert.Equal("whatsapp:" + customer, (string?)message["author"]);
        var item = Assert.Single(message["media"]!.AsArray())!;
        Assert.Equal(12_345L, (long)item["size"]!);
        Assert.Equal(twilioSid + ".jpg", (string?)item["filename"]);
        var record = await Client.GetAsync($"/v1/Services/{service}/Media/{(string)item["sid"]!}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("whatsapp:" + customer, (string?)record["author"]);
        Assert.Equal(content, await fixture.Host.CreateClient().GetByteArrayAsync((string)record["links"]!["content_direct_temporary"]!));
    }

    [Fact]
    public async Task The_account_credentials_go_to_no_host_but_twilio_and_the_configured_base_url()
    {
        var (conversation, service, customer) = await ConversationWithCustomerAsync();
        var messageSid = Sids.New("MM");
        var twilioSid = Sids.New("ME");
        Twilio.ServeMedia(messageSid, twilioSid, Bytes(100, 11), "image/png");

        // The stand-in again, under another host name: to the engine, some host that is not Twilio.
        var elsewhere = Twilio.MediaUrl(messageSid, twilioSid).Replace("https://api.twilio.com", Twilio.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), StringComparison.Ordinal);
        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, Webhook(messageSid, customer, OurNumber, "", [elsewhere], ["image/png"]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(Twilio.MediaRequests, r => r.Path.EndsWith(twilioSid, StringComparison.Ordinal));
        Assert.Null(request.Authorization);
        Assert.Equal(401, request.AnsweredStatus);
        var item = Assert.Single(Assert.Single(await MessagesAsync(conversation))["media"]!.AsArray())!;
        var record = await Client.GetAsync($"/v1/Services/{service}/Media/{(string)item["sid"]!}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(11200, (int?)record["error_code"]);
        Assert.Equal(elsewhere, (string?)record["source_url"]);
    }

    [Fact]
    public async Task Media_of_an_unroutable_message_leave_nothing_in_the_store()
    {
        var messageSid = Sids.New("MM");
        var twilioSid = Sids.New("ME");
        Twilio.ServeMedia(messageSid, twilioSid, Bytes(4_000, 10), "image/png");

        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath,
            Webhook(messageSid, Numbers.NextUs(), "+15005550098", "hello?", [Twilio.MediaUrl(messageSid, twilioSid)], ["image/png"]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await Client.GetAsync($"/engine/v1/InboundMessages/{messageSid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("unroutable", (string?)outcome["outcome"]);
        Assert.Single(Twilio.MediaRequests, r => r.Path.EndsWith(twilioSid, StringComparison.Ordinal));
        Assert.Null(await Store.OpenReadAsync(InboundMediaFetcher.SidFor(messageSid, 0)));
    }

    private IMediaStore Store => fixture.Host.Services.GetRequiredService<IMediaStore>();

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static Dictionary<string, string> Webhook(string messageSid, string from, string to, string body, string[] urls, string[] contentTypes)
    {
        var fields = SignedWebhooks.Inbound(messageSid, from, to, body);
        fields["NumMedia"] = urls.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < urls.Length; i++)
        {
            fields[$"MediaUrl{i}"] = urls[i];
            fields[$"MediaContentType{i}"] = contentTypes[i];
        }

        return fields;
    }

    private async Task<(string Conversation, string Service, string Customer)> ConversationWithCustomerAsync()
    {
        var conversation = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        var customer = Numbers.NextUs();
        await Client.PostFormAsync($"/v1/Conversations/{(string)conversation["sid"]!}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", OurNumber)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{(string)conversation["sid"]!}/Participants",
            ("MessagingBinding.Address", "whatsapp:" + customer), ("MessagingBinding.ProxyAddress", "whatsapp:" + OurNumber)).ExpectAsync(HttpStatusCode.Created);
        return ((string)conversation["sid"]!, (string)conversation["chat_service_sid"]!, customer);
    }

    private async Task<List<JsonNode>> MessagesAsync(string conversation) =>
        (await Client.GetAsync($"/v1/Conversations/{conversation}/Messages?PageSize=100").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray().Select(m => m!).ToList();
}
