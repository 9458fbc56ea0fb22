using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Senders;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>An engine host whose outbound messages go to a Twilio stand-in on loopback.</summary>
public sealed class DeliveryFixture : IAsyncLifetime
{
    public TwilioStandIn Twilio { get; private set; } = null!;

    public EngineHost Host { get; private set; } = null!;

    public static Dictionary<string, string?> Settings(TwilioStandIn twilio) => new()
    {
        ["Twilio:AccountSid"] = EngineHost.AccountSid,
        ["Twilio:AuthToken"] = EngineHost.AuthToken,
        ["Twilio:BaseUrl"] = twilio.BaseUrl,
        ["Twilio:BaseDelay"] = "00:00:00.050",
        ["Twilio:MaxDelay"] = "00:00:02",
        ["Twilio:Timeout"] = "00:00:03",
        ["Twilio:MaxAttempts"] = "3",
        ["Delivery:RetryPeriod"] = "00:00:01",
    };

    public async Task InitializeAsync()
    {
        Twilio = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        Host = await EngineHost.StartAsync(settings: Settings(Twilio));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

public sealed class OutboundDeliveryTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private HttpClient Client => fixture.Host.Client;

    private TwilioStandIn Twilio => fixture.Twilio;

    [Fact]
    public async Task Agent_message_reaches_the_sms_customer_from_its_proxy_and_the_receipt_follows_twilio_callbacks()
    {
        var (conversation, customer, proxy) = await ConversationWithCustomerAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "agent-" + Guid.NewGuid().ToString("N")))
            .ExpectAsync(HttpStatusCode.Created);
        var message = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "agent"), ("Body", "Your order has shipped"))
            .ExpectAsync(HttpStatusCode.Created);

        var sent = await SentToAsync(customer, 1);
        Assert.Equal(proxy, sent[0].From);
        Assert.Equal("Your order has shipped", sent[0].Body);
        Assert.Equal(fixture.Host.BaseUrl + "/webhooks/twilio/status", sent[0].StatusCallback);

        var receipt = await ReceiptAsync(conversation, (string)message["sid"]!, r => (string?)r["status"] == "delivered");
        Assert.Equal(sent[0].Sid, (string?)receipt["channel_message_sid"]);
        var fetched = await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message["sid"]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("all", (string?)fetched["delivery"]!["delivered"]);
        Assert.Equal(1, (int)fetched["delivery"]!["total"]!);
    }

    [Fact]
    public async Task A_message_goes_to_every_channel_participant_except_its_author()
    {
        var (conversation, first, firstProxy) = await ConversationWithCustomerAsync();
        var second = Numbers.NextUs();
        var secondProxy = Numbers.NextUs();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", second), ("MessagingBinding.ProxyAddress", secondProxy)).ExpectAsync(HttpStatusCode.Created);

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", first), ("Body", "from the first customer"))
            .ExpectAsync(HttpStatusCode.Created);

        var sent = await SentToAsync(second, 1);
        Assert.Equal(secondProxy, sent[0].From);
        await Task.Delay(300);
        Assert.DoesNotContain(Twilio.Messages, m => m.To == first);
        _ = firstProxy;
    }

    [Fact]
    public async Task Too_many_requests_is_retried_and_sends_once()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        Twilio.Enqueue(StandInAnswer.TooManyRequests(0));
        var message = await PostAsync(conversation, "after a 429");

        await SentToAsync(customer, 1);
        await ReceiptAsync(conversation, message, r => (string?)r["status"] == "delivered");
        Assert.Equal(2, Twilio.Requests.Count(r => r.Values("To").Contains(customer)));
        Assert.Single(Twilio.Messages, m => m.To == customer);
    }

    [Fact]
    public async Task Twilio_refusal_fails_the_receipt_with_its_code_and_is_not_retried()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        Twilio.Enqueue(StandInAnswer.InvalidTo());
        var message = await PostAsync(conversation, "to a bad number");

        var receipt = await ReceiptAsync(conversation, message, r => (string?)r["status"] == "failed");
        Assert.Equal(21211, (int)receipt["error_code"]!);
        await Task.Delay(1500);
        Assert.Single(Twilio.Requests, r => r.Values("To").Contains(customer));
        var delivery = await DeliveryAsync(conversation, message);
        Assert.Equal("failed", (string?)delivery["recipients"]![0]!["state"]);
    }

    [Fact]
    public async Task Failed_status_callback_fails_the_receipt_with_twilio_error_code()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        Twilio.Callbacks = StatusCallbackPlan.Undelivered(30003);
        try
        {
            var message = await PostAsync(conversation, "to a phone that is off");
            var receipt = await ReceiptAsync(conversation, message, r => (string?)r["status"] == "undelivered");
            Assert.Equal(30003, (int)receipt["error_code"]!);
            Assert.Single(Twilio.Messages, m => m.To == customer);
        }
        finally
        {
            Twilio.Callbacks = StatusCallbackPlan.SentThenDelivered;
        }
    }

    [Fact]
    public async Task Out_of_order_status_callbacks_never_move_a_receipt_backwards()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        Twilio.Callbacks = new StatusCallbackPlan([new("delivered"), new("sent"), new("queued"), new("undelivered", 30003)]);
        string message;
        StandInMessage sent;
        try
        {
            message = await PostAsync(conversation, "your code is 1234");
            sent = (await SentToAsync(customer, 1))[0];
            await Eventually.ValueAsync(
                () => Task.FromResult(Twilio.CallbackResults.Count(c => c.MessageSid == sent.Sid && c.AnsweredStatus == 200)),
                answered => answered == 4,
                Patience,
                "four answered callbacks");
        }
        finally
        {
            Twilio.Callbacks = StatusCallbackPlan.SentThenDelivered;
        }

        var receipt = await ReceiptAsync(conversation, message, r => (string?)r["status"] == "delivered");
        Assert.Equal(sent.Sid, (string?)receipt["channel_message_sid"]);
        var participant = (string?)receipt["participant_sid"];
        var list = await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("delivery_receipts", (string?)list["meta"]!["key"]);
        Assert.Single(list["delivery_receipts"]!.AsArray());
        var fetched = await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts/{receipt["sid"]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("delivered", (string?)fetched["status"]);
        Assert.Equal(participant, (string?)fetched["participant_sid"]);
        var delivery = (await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}").ExpectAsync(HttpStatusCode.OK))["delivery"]!;
        Assert.Equal(1, (int)delivery["total"]!);
        Assert.Equal("all", (string?)delivery["delivered"]);
        Assert.Equal("all", (string?)delivery["sent"]);
        Assert.Equal("none", (string?)delivery["failed"]);

        using var read = await fixture.Host.PostSignedAsync("/webhooks/twilio/status", SignedWebhooks.Status(sent.Sid, "read", from: sent.From!, to: customer));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var afterRead = await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts/{receipt["sid"]}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("read", (string?)afterRead["status"]);
    }

    [Fact]
    public async Task Undelivered_callback_leaves_one_receipt_with_its_error_code()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        Twilio.Callbacks = StatusCallbackPlan.Undelivered(30006);
        try
        {
            var message = await PostAsync(conversation, "hi");
            await ReceiptAsync(conversation, message, r => (string?)r["status"] == "undelivered");

            var receipt = Assert.Single((await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts").ExpectAsync(HttpStatusCode.OK))["delivery_receipts"]!.AsArray());
            Assert.Equal("undelivered", (string?)receipt!["status"]);
            Assert.Equal(30006, (int)receipt["error_code"]!);
            Assert.Single(Twilio.Messages, m => m.To == customer);
        }
        finally
        {
            Twilio.Callbacks = StatusCallbackPlan.SentThenDelivered;
        }
    }

    [Fact]
    public async Task Nothing_is_sent_to_a_contact_who_texted_stop_and_the_receipt_fails_with_21610()
    {
        var (conversation, customer, proxy) = await ConversationWithCustomerAsync();
        using (var stop = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), customer, proxy, "STOP")))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        var message = await PostAsync(conversation, "are you still there?");
        var receipt = await ReceiptAsync(conversation, message, r => (string?)r["status"] == "failed");
        Assert.Equal(21610, (int)receipt["error_code"]!);
        Assert.DoesNotContain(Twilio.Requests, r => r.Values("To").Contains(customer));

        using (var start = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), customer, proxy, "START")))
        {
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        }

        await PostAsync(conversation, "welcome back");
        var sent = await SentToAsync(customer, 1);
        Assert.Equal("welcome back", sent[0].Body);
    }

    [Fact]
    public async Task WhatsApp_free_form_needs_the_24_hour_window_or_a_template()
    {
        var customer = "whatsapp:" + Numbers.NextUs();
        var proxy = "whatsapp:" + Numbers.NextUs();
        var conversation = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", proxy)).ExpectAsync(HttpStatusCode.Created);

        var outside = await PostAsync(conversation, "free-form before the customer wrote");
        var refused = await ReceiptAsync(conversation, outside, r => (string?)r["status"] == "failed");
        Assert.Equal(63016, (int)refused["error_code"]!);

        var template = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("ContentSid", Sids.New("HX")))
            .ExpectAsync(HttpStatusCode.Created);
        await ReceiptAsync(conversation, (string)template["sid"]!, r => (string?)r["status"] == "delivered");

        using (var hello = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), customer, proxy, "hello")))
        {
            Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        }

        var inside = await PostAsync(conversation, "now inside the window");
        await ReceiptAsync(conversation, inside, r => (string?)r["status"] == "delivered");
        var sent = await SentToAsync(customer, 2);
        Assert.Equal(proxy, sent[1].From);
        Assert.Equal("now inside the window", sent[1].Body);
        Assert.Null(sent[0].Body);
    }

    [Fact]
    public async Task Delivery_record_reports_encoding_and_segments()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        var gsm = await PostAsync(conversation, new string('a', 161));
        var ucs = await PostAsync(conversation, "Thanks 😀");
        await SentToAsync(customer, 2);

        var first = (await DeliveryAsync(conversation, gsm))["recipients"]![0]!;
        Assert.Equal("gsm7", (string?)first["encoding"]);
        Assert.Equal(2, (int)first["num_segments"]!);
        var second = (await DeliveryAsync(conversation, ucs))["recipients"]![0]!;
        Assert.Equal("ucs2", (string?)second["encoding"]);
        Assert.Equal(1, (int)second["num_segments"]!);
        Assert.Equal("submitted", (string?)second["state"]);
    }

    [Fact]
    public async Task A_sender_at_5_mps_spreads_50_segments_over_at_least_9_seconds()
    {
        var proxy = Numbers.NextUs();
        await fixture.Host.Grains.GetGrain<ISenderRegistryGrain>(EngineHost.AccountSid)
            .RegisterNumberAsync(new SenderRegistration { Address = proxy, Mps = 5 });
        var customer = Numbers.NextUs();
        var conversation = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", proxy)).ExpectAsync(HttpStatusCode.Created);

        for (var i = 0; i < 50; i++)
        {
            await PostAsync(conversation, $"update {i}");
        }

        var sent = await SentToAsync(customer, 50, TimeSpan.FromSeconds(40));
        var spread = sent[^1].Received - sent[0].Received;
        Assert.True(spread >= TimeSpan.FromSeconds(9), $"50 segments at 5 MPS took only {spread.TotalSeconds:0.00} s");
        Assert.True(spread < TimeSpan.FromSeconds(20), $"50 segments at 5 MPS took {spread.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task An_alphanumeric_sender_id_is_refused_as_a_proxy_address()
    {
        var conversation = await NewConversationAsync();
        var error = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", Numbers.NextUs()), ("MessagingBinding.ProxyAddress", "ACMEShop")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50408);
        Assert.Contains("one-way", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_the_conversation_removes_its_outboxes()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();
        var message = await PostAsync(conversation, "soon gone");
        await SentToAsync(customer, 1);
        await DeliveryAsync(conversation, message);

        await Client.DeleteAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.NoContent);
        var outbox = await fixture.Host.Grains.GetGrain<Delivery.IMessageDeliveryGrain>(Delivery.DeliveryKeys.Outbox(conversation, message)).GetAsync();
        Assert.Null(outbox);
    }

    [Fact]
    public async Task A_participant_without_proxy_gets_a_local_capable_sender_from_the_pool_and_keeps_it()
    {
        var usA = SenderApiSupport.UsNumber();
        var usB = SenderApiSupport.UsNumber();
        var london = "+4420" + Random.Shared.Next(10000000, 99999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tokyo = SenderApiSupport.JapaneseNumber();
        var service = await PoolAsync([tokyo, usA, usB, london], ("AlphaSender", "ACMEShop"));

        // Japanese numbers are voice only, alphanumeric IDs one-way: neither is ever a proxy.
        var customer = Numbers.NextUs();
        var british = "+447700900" + Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var first = await NewConversationAsync(("MessagingServiceSid", service));
        var usProxy = await AddWithoutProxyAsync(first, customer);
        Assert.Contains(usProxy, new[] { usA, usB });
        Assert.Equal(london, await AddWithoutProxyAsync(first, british));

        // The pair is taken while the first conversation is open: the binding rule picks the other US number.
        var second = await NewConversationAsync(("MessagingServiceSid", service));
        Assert.Equal(usProxy == usA ? usB : usA, await AddWithoutProxyAsync(second, customer));

        // Closed, the pair is free again, and the sticky sender wins over the turn-taking.
        await Client.PostFormAsync($"/v1/Conversations/{first}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);
        var third = await NewConversationAsync(("MessagingServiceSid", service));
        var again = await AddWithoutProxyAsync(third, customer);
        Assert.True(again == usProxy || again == (usProxy == usA ? usB : usA));
        await Client.PostFormAsync($"/v1/Conversations/{second}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);
        await Client.PostFormAsync($"/v1/Conversations/{third}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);
        string fourth = third;
        for (var round = 0; round < 3; round++)
        {
            // Equal senders take turns for new recipients; a known recipient keeps its sender every time.
            fourth = await NewConversationAsync(("MessagingServiceSid", service));
            Assert.Equal(again, await AddWithoutProxyAsync(fourth, customer));
            if (round < 2)
            {
                await Client.PostFormAsync($"/v1/Conversations/{fourth}", ("State", "closed")).ExpectAsync(HttpStatusCode.OK);
            }
        }

        // Messages leave from the chosen proxies, Smart Encoding (the pool's default) keeps curly quotes GSM-7.
        var britishConversation = await NewConversationAsync(("MessagingServiceSid", service));
        Assert.Equal(london, await AddWithoutProxyAsync(britishConversation, "+447700900" + Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var message = await PostAsync(fourth, "It’s “ready” — come by");
        var sent = await SentToAsync(customer, 1);
        Assert.Equal(again, sent[^1].From);
        Assert.Equal("It's \"ready\" - come by", sent[^1].Body);
        var record = (await DeliveryAsync(fourth, message))["recipients"]![0]!;
        Assert.Equal("gsm7", (string?)record["encoding"]);
    }

    [Fact]
    public async Task A_whatsapp_participant_gets_the_pools_whatsapp_sender()
    {
        var smsOnly = SenderApiSupport.UsNumber();
        var whatsapp = SenderApiSupport.UsNumber();
        var service = await Client.NewServiceAsync();
        foreach (var (number, capabilities) in new[] { (smsOnly, new[] { "sms", "mms" }), (whatsapp, new[] { "sms", "whatsapp" }) })
        {
            var registered = await Client.RegisterNumberAsync(number, capabilities.Select(c => ("Capabilities", c)).ToArray());
            await Client.PostFormAsync($"/messaging/v1/Services/{service}/PhoneNumbers", ("PhoneNumberSid", (string)registered["sid"]!))
                .ExpectAsync(HttpStatusCode.Created);
        }

        var conversation = await NewConversationAsync(("MessagingServiceSid", service));
        for (var i = 0; i < 3; i++)
        {
            var customer = "whatsapp:" + Numbers.NextUs();
            Assert.Equal("whatsapp:" + whatsapp, await AddWithoutProxyAsync(conversation, customer));
        }
    }

    [Fact]
    public async Task A_pool_with_only_one_way_or_voice_senders_cannot_give_a_proxy()
    {
        var service = await PoolAsync([SenderApiSupport.JapaneseNumber()], ("AlphaSender", "ACMEShop"));
        var conversation = await NewConversationAsync(("MessagingServiceSid", service));
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("MessagingBinding.Address", Numbers.NextUs()))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 21703);
        var participants = await Client.GetAsync($"/v1/Conversations/{conversation}/Participants").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(participants["participants"]!.AsArray());
    }

    [Fact]
    public async Task A_stop_to_the_messaging_service_blocks_every_sender_of_the_pool()
    {
        var number = SenderApiSupport.UsNumber();
        var service = await PoolAsync([number]);
        var customer = Numbers.NextUs();
        var stop = SignedWebhooks.Inbound(Sids.New("SM"), customer, SenderApiSupport.UsNumber(), "stop");
        stop["MessagingServiceSid"] = service;
        using (var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, stop))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var conversation = await NewConversationAsync(("MessagingServiceSid", service));
        Assert.Equal(number, await AddWithoutProxyAsync(conversation, customer));
        var message = await PostAsync(conversation, "a promotion");
        var receipt = await ReceiptAsync(conversation, message, r => (string?)r["status"] == "failed");
        Assert.Equal(21610, (int)receipt["error_code"]!);
        Assert.DoesNotContain(Twilio.Requests, r => r.Values("To").Contains(customer));
    }

    private async Task<string> PoolAsync(IReadOnlyList<string> numbers, params (string Name, string Value)[] alpha)
    {
        var service = await Client.NewServiceAsync();
        foreach (var number in numbers)
        {
            var registered = await Client.RegisterNumberAsync(number);
            await Client.PostFormAsync($"/messaging/v1/Services/{service}/PhoneNumbers", ("PhoneNumberSid", (string)registered["sid"]!))
                .ExpectAsync(HttpStatusCode.Created);
        }

        foreach (var (_, value) in alpha)
        {
            await Client.PostFormAsync($"/messaging/v1/Services/{service}/AlphaSenders", ("AlphaSender", value)).ExpectAsync(HttpStatusCode.Created);
        }

        return service;
    }

    private async Task<string> AddWithoutProxyAsync(string conversation, string address)
    {
        var participant = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("MessagingBinding.Address", address))
            .ExpectAsync(HttpStatusCode.Created);
        return (string)participant["messaging_binding"]!["proxy_address"]!;
    }

    private async Task<string> NewConversationAsync(params (string Name, string Value)[] fields) =>
        (string)(await Client.PostFormAsync("/v1/Conversations", [("FriendlyName", "delivery"), .. fields]).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<(string Conversation, string Customer, string Proxy)> ConversationWithCustomerAsync()
    {
        var conversation = await NewConversationAsync();
        var customer = Numbers.NextUs();
        var proxy = Numbers.NextUs();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", proxy)).ExpectAsync(HttpStatusCode.Created);
        return (conversation, customer, proxy);
    }

    private async Task<string> PostAsync(string conversation, string body) =>
        (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", body)).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private Task<List<StandInMessage>> SentToAsync(string to, int count, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(() => Twilio.Messages.Where(m => m.To == to).ToList(), sent => sent.Count >= count, timeout ?? Patience, $"{count} message(s) to {to}");

    private Task<JsonObject> DeliveryAsync(string conversation, string message) =>
        Client.GetAsync($"/engine/v1/Deliveries/{conversation}/{message}").ExpectAsync(HttpStatusCode.OK);

    private Task<JsonObject> ReceiptAsync(string conversation, string message, Func<JsonObject, bool> condition) =>
        Eventually.ValueAsync(
            async () =>
            {
                var list = await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts").ExpectAsync(HttpStatusCode.OK);
                return list["delivery_receipts"]!.AsArray().Select(r => r!.AsObject()).FirstOrDefault();
            },
            receipt => receipt is not null && condition(receipt),
            Patience,
            $"a receipt of {message}").ContinueWith(t => t.Result!, TaskScheduler.Default);
}

/// <summary>Deliveries that need a host of their own: restarts, and the sandbox without Twilio credentials.</summary>
public sealed class OutboundDeliveryHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Undelivered_outbox_entries_are_delivered_once_after_a_restart()
    {
        var directory = Directory.CreateTempSubdirectory("engine-outbox-").FullName;
        var customer = Numbers.NextUs();
        string conversation, message;
        await using (var down = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken))
        {
            for (var i = 0; i < 1000; i++)
            {
                down.Enqueue(StandInAnswer.ServiceUnavailable());
            }

            await using var first = await EngineHost.StartAsync(directory, DeliveryFixture.Settings(down));
            conversation = (string)(await first.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "restart")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
            await first.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
                ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", Numbers.NextUs())).ExpectAsync(HttpStatusCode.Created);
            message = (string)(await first.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "survives the restart"))
                .ExpectAsync(HttpStatusCode.Created))["sid"]!;

            // Every attempt of the first round is refused (503): the entry stays pending.
            await down.WaitForRequestsAsync(3, Patience);
            var delivery = await first.Client.GetAsync($"/engine/v1/Deliveries/{conversation}/{message}").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("pending", (string?)delivery["recipients"]![0]!["state"]);
            Assert.Empty(down.Messages);
        }

        await using var up = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        await using var second = await EngineHost.StartAsync(directory, DeliveryFixture.Settings(up));
        var sent = await up.WaitForMessagesAsync(1, Patience);
        Assert.Equal(customer, sent.To);
        Assert.Equal("survives the restart", sent.Body);
        try
        {
            await Eventually.ValueAsync(
                async () => (string?)(await second.Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts").ExpectAsync(HttpStatusCode.OK))["delivery_receipts"]!.AsArray().FirstOrDefault()?["status"],
                status => status == "delivered",
                Patience,
                "the receipt to be delivered");
        }
        catch (TimeoutException error)
        {
            var delivery = await second.Client.GetAsync($"/engine/v1/Deliveries/{conversation}/{message}").ExpectAsync(HttpStatusCode.OK);
            Assert.Fail($"{error.Message}; callbacks: [{string.Join("; ", up.CallbackResults.Select(c => $"{c.MessageStatus} {c.AnsweredStatus} {c.Error}"))}]; delivery: {delivery.ToJsonString()}");
        }

        // Several more retry periods: nothing is sent twice.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(up.Messages);
    }

    [Fact]
    public async Task A_delivery_twilio_never_accepts_within_the_validity_period_fails_with_30001()
    {
        await using var down = await TwilioStandIn.StartAsync(EngineHost.AccountSid, EngineHost.AuthToken);
        for (var i = 0; i < 1000; i++)
        {
            down.Enqueue(StandInAnswer.ServiceUnavailable());
        }

        var settings = DeliveryFixture.Settings(down);
        settings["Delivery:ValidityPeriodSeconds"] = "3";
        await using var host = await EngineHost.StartAsync(settings: settings);
        var conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "validity")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", Numbers.NextUs()), ("MessagingBinding.ProxyAddress", Numbers.NextUs())).ExpectAsync(HttpStatusCode.Created);
        var message = (string)(await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "too late"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var receipt = await Eventually.ValueAsync(
            async () => (await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts").ExpectAsync(HttpStatusCode.OK))["delivery_receipts"]!.AsArray().FirstOrDefault(),
            r => (string?)r?["status"] == "failed",
            Patience,
            "the receipt to fail");
        Assert.Equal(30001, (int)receipt!["error_code"]!);
        var attempts = down.Requests.Count;
        Assert.True(attempts >= 3, $"only {attempts} attempts before giving up");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(attempts, down.Requests.Count);
        Assert.Empty(down.Messages);
    }

    [Fact]
    public async Task Without_twilio_credentials_the_sandbox_records_messages_and_reports_them_delivered()
    {
        await using var host = await EngineHost.StartAsync();
        var customer = Numbers.NextUs();
        var proxy = Numbers.NextUs();
        var conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "sandbox")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", proxy)).ExpectAsync(HttpStatusCode.Created);
        var message = (string)(await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "tried without an account"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var receipt = await Eventually.ValueAsync(
            async () => (await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts").ExpectAsync(HttpStatusCode.OK))["delivery_receipts"]!.AsArray().FirstOrDefault(),
            r => (string?)r?["status"] == "delivered",
            Patience,
            "the sandbox receipt");
        var sandbox = await host.Client.GetAsync("/engine/v1/Sandbox/Messages").ExpectAsync(HttpStatusCode.OK);
        var recorded = Assert.Single(sandbox["messages"]!.AsArray());
        Assert.Equal(customer, (string?)recorded!["to"]);
        Assert.Equal(proxy, (string?)recorded["from"]);
        Assert.Equal("tried without an account", (string?)recorded["body"]);
        Assert.Equal((string?)receipt!["channel_message_sid"], (string?)recorded["sid"]);
        Assert.Equal("messages", (string?)sandbox["meta"]!["key"]);
    }
}
