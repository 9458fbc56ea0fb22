using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Delivery;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>Twilio's side of the engine: signed webhooks in, routed messages, opt-outs, status callbacks.</summary>
[Collection(SharedEngine.Name)]
public sealed class InboundWebhookTests(EngineFixture fixture)
{
    private const string OurNumber = "+15005550006";
    private const string MessagesPath = "/webhooks/twilio/messages";

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Signed_inbound_sms_lands_in_the_conversation_holding_the_pair()
    {
        var (conversation, customer, participant) = await ConversationWithCustomerAsync();
        var messageSid = NewSid("SM");

        using var response = await PostSignedAsync(MessagesPath, Inbound(messageSid, customer, OurNumber, "Where is my order?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<Response", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var message = Assert.Single(await MessagesAsync(conversation));
        Assert.Equal(customer, (string?)message["author"]);
        Assert.Equal("Where is my order?", (string?)message["body"]);
        Assert.Equal(participant, (string?)message["participant_sid"]);
        var outcome = await Client.GetAsync($"/engine/v1/InboundMessages/{messageSid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("routed", (string?)outcome["outcome"]);
        Assert.Equal((string?)message["sid"], (string?)outcome["conversation_message_sid"]);
    }

    [Fact]
    public async Task Inbound_longer_than_an_outbound_sms_is_still_recorded()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        var body = new string('x', 3000);

        using var response = await PostSignedAsync(MessagesPath, Inbound(NewSid("SM"), "whatsapp:" + customer, "whatsapp:" + OurNumber, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, (string?)Assert.Single(await MessagesAsync(conversation))["body"]);
    }

    [Fact]
    public async Task Inbound_by_get_is_accepted_when_its_url_is_signed()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        var query = string.Join('&', Inbound(NewSid("SM"), customer, OurNumber, "via GET").Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        var path = $"{MessagesPath}?{query}";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Twilio-Signature", SignedWebhooks.Sign(EngineHost.AuthToken, fixture.Host.BaseUrl + path, null));

        using var response = await fixture.Host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("via GET", (string?)Assert.Single(await MessagesAsync(conversation))["body"]);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("wrong-token")]
    [InlineData("tampered-body")]
    [InlineData("tampered-url")]
    public async Task Unsigned_or_forged_inbound_is_refused_with_403_and_stores_nothing(string forgery)
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        var messageSid = NewSid("SM");
        var fields = Inbound(messageSid, customer, OurNumber, "forged");
        var signature = forgery switch
        {
            "missing" => null,
            "wrong-token" => SignedWebhooks.Sign("not-the-token", fixture.Host.BaseUrl + MessagesPath, fields),
            "tampered-body" => SignedWebhooks.Sign(EngineHost.AuthToken, fixture.Host.BaseUrl + MessagesPath, Inbound(messageSid, customer, OurNumber, "original")),
            _ => SignedWebhooks.Sign(EngineHost.AuthToken, fixture.Host.BaseUrl + "/webhooks/twilio/other", fields),
        };

        await SendAsync(MessagesPath, fields, signature).ExpectErrorAsync(HttpStatusCode.Forbidden, 20003);

        Assert.Empty(await MessagesAsync(conversation));
        await Client.GetAsync($"/engine/v1/InboundMessages/{messageSid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task A_thousand_forged_requests_store_nothing()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        var before = (await Client.GetAsync("/engine/v1/UnroutableMessages?PageSize=1000").ExpectAsync(HttpStatusCode.OK))["unroutable_messages"]!.AsArray().Count;
        var random = new Random(4242);
        var sids = Enumerable.Range(0, 1000).Select(_ => NewSid("SM")).ToList();

        using var gate = new SemaphoreSlim(16);
        var statuses = await Task.WhenAll(sids.Select(async (sid, i) =>
        {
            await gate.WaitAsync();
            try
            {
                var to = i % 2 == 0 ? OurNumber : "+1555" + random.Next(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var signature = i % 3 == 0 ? null : Convert.ToBase64String(BitConverter.GetBytes(random.NextInt64()));
                using var response = await SendAsync(MessagesPath, Inbound(sid, customer, to, $"forged {i}"), signature);
                return response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Forbidden, s));
        Assert.Empty(await MessagesAsync(conversation));
        var after = (await Client.GetAsync("/engine/v1/UnroutableMessages?PageSize=1000").ExpectAsync(HttpStatusCode.OK))["unroutable_messages"]!.AsArray().Count;
        Assert.Equal(before, after);
        foreach (var sid in sids.Take(50))
        {
            await Client.GetAsync($"/engine/v1/InboundMessages/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        }
    }

    [Fact]
    public async Task Repeated_and_concurrent_deliveries_of_one_message_sid_yield_one_message()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        var messageSid = NewSid("SM");
        var fields = Inbound(messageSid, customer, OurNumber, "only once");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostSignedAsync(MessagesPath, fields)));
        using var again = await PostSignedAsync(MessagesPath, fields);

        Assert.All(responses.Append(again), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(await MessagesAsync(conversation));
    }

    [Fact]
    public async Task Each_pair_routes_to_its_own_conversation_among_many()
    {
        var conversations = new List<(string Conversation, string Customer)>();
        for (var i = 0; i < 20; i++)
        {
            var (conversation, customer, _) = await ConversationWithCustomerAsync();
            conversations.Add((conversation, customer));
        }

        await Task.WhenAll(conversations.Select(c => PostSignedAsync(MessagesPath, Inbound(NewSid("SM"), c.Customer, OurNumber, $"from {c.Customer}"))));

        foreach (var (conversation, customer) in conversations)
        {
            Assert.Equal($"from {customer}", (string?)Assert.Single(await MessagesAsync(conversation))["body"]);
        }
    }

    [Fact]
    public async Task Mms_whose_media_cannot_be_fetched_keeps_every_item_with_its_error()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        var fields = Inbound(NewSid("MM"), customer, OurNumber, "photos");
        fields["NumMedia"] = "3";
        for (var i = 0; i < 3; i++)
        {
            // Port 9 (discard) on loopback: nothing listens, so every attempt is refused at once.
            fields[$"MediaUrl{i}"] = $"http://127.0.0.1:9/2010-04-01/Accounts/{EngineHost.AccountSid}/Messages/MM/Media/ME{i}";
            fields[$"MediaContentType{i}"] = i == 2 ? "video/mp4" : "image/jpeg";
        }

        using var response = await PostSignedAsync(MessagesPath, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var media = Assert.Single(await MessagesAsync(conversation))["media"]!.AsArray();
        Assert.Equal(3, media.Count);
        Assert.Equal(["image/jpeg", "image/jpeg", "video/mp4"], media.Select(m => (string)m!["content_type"]!));
        Assert.All(media, m => Assert.Matches("^ME[0-9a-f]{32}$", (string)m!["sid"]!));
        Assert.All(media, m => Assert.Equal(0L, (long)m!["size"]!));
        var service = (string)(await Client.GetAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK))["chat_service_sid"]!;
        var record = await Client.GetAsync($"/v1/Services/{service}/Media/{(string)media[1]!["sid"]!}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(fields["MediaUrl1"], (string?)record["source_url"]);
        Assert.Equal(11200, (int?)record["error_code"]);
    }

    [Fact]
    public async Task Without_a_conversation_or_auto_creation_the_message_is_kept_as_unroutable()
    {
        var messageSid = NewSid("SM");
        var stranger = Numbers.NextUs();

        using var response = await PostSignedAsync(MessagesPath, Inbound(messageSid, stranger, "+15005550099", "anyone there?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await Client.GetAsync($"/engine/v1/InboundMessages/{messageSid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("unroutable", (string?)outcome["outcome"]);
        Assert.Equal("anyone there?", (string?)outcome["body"]);
        Assert.Contains("+15005550099", (string)outcome["reason"]!, StringComparison.Ordinal);
        var log = await Client.GetAsync("/engine/v1/UnroutableMessages?PageSize=1000").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(log["unroutable_messages"]!.AsArray(), m => (string?)m!["message_sid"] == messageSid);
    }

    [Fact]
    public async Task Address_configuration_with_auto_creation_starts_a_conversation_once_per_contact()
    {
        var ourNumber = Numbers.NextUs();
        var contact = Numbers.NextUs();
        var configuration = await Client.PostFormAsync("/v1/Configuration/Addresses",
            ("Type", "sms"), ("Address", ourNumber), ("FriendlyName", "Support line"), ("AutoCreation.Enabled", "true"), ("AutoCreation.Type", "default"))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Matches("^IG[0-9a-f]{32}$", (string)configuration["sid"]!);
        Assert.True((bool)configuration["auto_creation"]!["enabled"]!);

        var first = NewSid("SM");
        await PostSignedAsync(MessagesPath, Inbound(first, contact, ourNumber, "hello"));
        await PostSignedAsync(MessagesPath, Inbound(NewSid("SM"), contact, ourNumber, "anyone?"));

        var outcome = await Client.GetAsync($"/engine/v1/InboundMessages/{first}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("auto_created", (string?)outcome["outcome"]);
        var conversation = (string)outcome["conversation_sid"]!;
        Assert.Equal(["hello", "anyone?"], (await MessagesAsync(conversation)).Select(m => (string)m["body"]!));
        var participant = Assert.Single((await Client.GetAsync($"/v1/Conversations/{conversation}/Participants").ExpectAsync(HttpStatusCode.OK))["participants"]!.AsArray());
        Assert.Equal(contact, (string?)participant!["messaging_binding"]!["address"]);
        Assert.Equal(ourNumber, (string?)participant["messaging_binding"]!["proxy_address"]);

        await Client.PostFormAsync($"/v1/Configuration/Addresses/{configuration["sid"]}", ("AutoCreation.Enabled", "false")).ExpectAsync(HttpStatusCode.OK);
        var other = NewSid("SM");
        await PostSignedAsync(MessagesPath, Inbound(other, Numbers.NextUs(), ourNumber, "after switching off"));
        Assert.Equal("unroutable", (string?)(await Client.GetAsync($"/engine/v1/InboundMessages/{other}").ExpectAsync(HttpStatusCode.OK))["outcome"]);
    }

    [Theory]
    [InlineData("STOP", true)]
    [InlineData("stop", true)]
    [InlineData("StopAll", true)]
    [InlineData("unsubscribe", true)]
    [InlineData("Cancel", true)]
    [InlineData("END", true)]
    [InlineData("  quit\n", true)]
    [InlineData("START", false)]
    [InlineData("yes", false)]
    [InlineData("Unstop", false)]
    public async Task Keywords_set_the_channel_state_of_that_channel_only(string keyword, bool optedOut)
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        var whatsapp = "whatsapp:" + customer;
        if (!optedOut)
        {
            // Opt in only means something after an opt-out.
            await PostSignedAsync(MessagesPath, Inbound(NewSid("SM"), customer, OurNumber, "STOP"));
            await PostSignedAsync(MessagesPath, Inbound(NewSid("SM"), whatsapp, "whatsapp:" + OurNumber, "STOP"));
        }

        using var response = await PostSignedAsync(MessagesPath, Inbound(NewSid("SM"), customer, OurNumber, keyword));

        var sms = await ContactAsync(OurNumber, customer);
        Assert.Equal(optedOut, (bool)sms["opted_out"]!);
        if (optedOut)
        {
            // The WhatsApp channel never saw a message or keyword: it is unknown.
            await UnknownContactAsync("whatsapp:" + OurNumber, whatsapp);
        }
        else
        {
            Assert.True((bool)(await ContactAsync("whatsapp:" + OurNumber, whatsapp))["opted_out"]!);
        }

        Assert.Equal("sms", (string?)sms["channel"]);
        Assert.Contains(keyword.Trim(), (await MessagesAsync(conversation)).Select(m => ((string)m["body"]!).Trim()));
        Assert.Contains("<Message>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HELP")]
    [InlineData("info")]
    public async Task Help_is_answered_with_the_help_text_and_changes_nothing(string keyword)
    {
        var (_, customer, _) = await ConversationWithCustomerAsync();

        using var response = await PostSignedAsync(MessagesPath, Inbound(NewSid("SM"), customer, OurNumber, keyword));

        var twiml = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Message>Reply STOP to unsubscribe.", twiml, StringComparison.Ordinal);
        Assert.False((bool)(await ContactAsync(OurNumber, customer))["opted_out"]!);
    }

    [Fact]
    public async Task A_keyword_inside_a_sentence_is_just_a_message()
    {
        var (_, customer, _) = await ConversationWithCustomerAsync();

        using var response = await PostSignedAsync(MessagesPath, Inbound(NewSid("SM"), customer, OurNumber, "STOP PLEASE"));

        Assert.False((bool)(await ContactAsync(OurNumber, customer))["opted_out"]!);
        Assert.DoesNotContain("<Message>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opt_out_through_a_messaging_service_applies_to_that_service()
    {
        var (_, customer, _) = await ConversationWithCustomerAsync();
        var fields = Inbound(NewSid("SM"), customer, OurNumber, "STOP");
        fields["MessagingServiceSid"] = "MG0123456789abcdef0123456789abcdef";

        await PostSignedAsync(MessagesPath, fields);

        Assert.True((bool)(await ContactAsync("MG0123456789abcdef0123456789abcdef", customer))["opted_out"]!);
        // Nothing reached the number's own scope: that channel is unknown (so not opted out).
        await UnknownContactAsync(OurNumber, customer);
    }

    [Fact]
    public async Task Status_for_a_message_the_engine_did_not_send_is_acknowledged()
    {
        using var response = await PostSignedAsync("/webhooks/twilio/status", Status(NewSid("SM"), "delivered", null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_contact_channel_that_never_saw_a_message_or_keyword_is_unknown()
    {
        var stranger = Numbers.NextUs();

        await UnknownContactAsync(OurNumber, stranger);
        await UnknownContactAsync("anything", "at-all");

        // Once it wrote in, it is known.
        await PostSignedAsync(MessagesPath, Inbound(NewSid("SM"), stranger, OurNumber, "hello"));
        Assert.False((bool)(await ContactAsync(OurNumber, stranger))["opted_out"]!);
    }

    [Fact]
    public async Task Malformed_signed_webhook_is_refused_with_400()
    {
        var fields = new Dictionary<string, string> { ["From"] = "+15551230000", ["To"] = OurNumber, ["Body"] = "no sid" };

        await PostSignedAsync(MessagesPath, fields).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await PostSignedAsync("/webhooks/twilio/status", new Dictionary<string, string> { ["MessageSid"] = NewSid("SM"), ["MessageStatus"] = "teleported" })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    private async Task<(string Conversation, string Customer, string Participant)> ConversationWithCustomerAsync()
    {
        var conversation = (string)(await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var customer = Numbers.NextUs();
        var participant = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", OurNumber)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", "whatsapp:" + customer), ("MessagingBinding.ProxyAddress", "whatsapp:" + OurNumber)).ExpectAsync(HttpStatusCode.Created);
        return (conversation, customer, (string)participant["sid"]!);
    }

    private async Task<List<JsonNode>> MessagesAsync(string conversation) =>
        (await Client.GetAsync($"/v1/Conversations/{conversation}/Messages?PageSize=100").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray().Select(m => m!).ToList();

    private Task<JsonObject> ContactAsync(string scope, string address) =>
        Client.GetAsync($"/engine/v1/ContactChannels/{Uri.EscapeDataString(scope)}/{Uri.EscapeDataString(address)}").ExpectAsync(HttpStatusCode.OK);

    private Task<JsonObject> UnknownContactAsync(string scope, string address) =>
        Client.GetAsync($"/engine/v1/ContactChannels/{Uri.EscapeDataString(scope)}/{Uri.EscapeDataString(address)}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

    private Task<HttpResponseMessage> PostSignedAsync(string path, IReadOnlyDictionary<string, string> fields) => fixture.Host.PostSignedAsync(path, fields);

    private Task<HttpResponseMessage> SendAsync(string path, IReadOnlyDictionary<string, string> fields, string? signature) =>
        fixture.Host.SendWebhookAsync(path, fields, signature);

    private static Dictionary<string, string> Inbound(string messageSid, string from, string to, string body) =>
        SignedWebhooks.Inbound(messageSid, from, to, body);

    private static Dictionary<string, string> Status(string messageSid, string status, string? errorCode) =>
        SignedWebhooks.Status(messageSid, status, errorCode, from: OurNumber);

    private static string NewSid(string prefix) => Sids.New(prefix);
}
