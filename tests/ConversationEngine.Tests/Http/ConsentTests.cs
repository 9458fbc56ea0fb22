using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Consent per contact, channel and Messaging Service (engine extensions): opt-ins recorded by the
/// operator or by keywords, a service's own keywords and replies per language, and a service that
/// requires opt-in before business-initiated messages. In the sandbox (no Twilio account), so the
/// engine answers Twilio's default keywords itself.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class ConsentTests(EngineFixture fixture)
{
    internal const string JapaneseOptOutReply = "配信を停止しました。再開するには「再開」と返信してください。";
    internal const string JapaneseOptInReply = "配信を再開しました。";
    internal const string SpanishOptOutReply = "Te has dado de baja. Responde COMENZAR para volver a suscribirte.";
    internal const string SpanishOptInReply = "Te has suscrito de nuevo.";
    internal const string SpanishHelpReply = "Ayuda: responde ALTO para darte de baja.";

    private EngineHost Host => fixture.Host;

    private HttpClient Client => fixture.Host.Client;

    /// <summary>Japanese and Spanish rules as a service would configure them.</summary>
    internal static (string Name, string Value)[] JapaneseAndSpanish =>
    [
        ("Keywords", $$"""{"language":"ja","action":"opt_out","keywords":["停止","配信停止","テイシ"],"reply":"{{JapaneseOptOutReply}}"}"""),
        ("Keywords", $$"""{"language":"ja","action":"opt_in","keywords":["再開"],"reply":"{{JapaneseOptInReply}}"}"""),
        ("Keywords", $$"""[{"language":"es","action":"opt_out","keywords":["ALTO"],"reply":"{{SpanishOptOutReply}}"},{"language":"es","action":"opt_in","keywords":["COMENZAR"],"reply":"{{SpanishOptInReply}}"},{"language":"es","action":"help","keywords":["AYUDA"],"reply":"{{SpanishHelpReply}}"}]"""),
    ];

    [Fact]
    public async Task Custom_japanese_and_spanish_keywords_change_consent_and_answer_in_their_language()
    {
        var service = await Client.NewServiceAsync();
        var policy = await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", JapaneseAndSpanish).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, policy["keywords"]!.AsArray().Count);
        Assert.Equal(["停止", "配信停止", "テイシ"], policy["keywords"]![0]!["keywords"]!.AsArray().Select(k => (string)k!));
        Assert.True((bool)policy["engine_replies"]!);
        Assert.False((bool)policy["require_opt_in"]!);
        var ours = Numbers.NextUs();
        var japanese = Numbers.NextUs();
        var spanish = Numbers.NextUs();

        var stop = Sid();
        Assert.Equal([JapaneseOptOutReply], await InboundAsync(japanese, ours, "停止", service, stop));
        var consent = await ConsentAsync(service, japanese);
        Assert.Equal("opted_out", (string?)consent["state"]);
        Assert.Equal("keyword", (string?)consent["source"]);
        Assert.Equal("停止", (string?)consent["events"]![0]!["keyword"]);
        Assert.Equal(stop, (string?)consent["events"]![0]!["message_sid"]);
        Assert.Contains("停止", (string?)consent["evidence"], StringComparison.Ordinal);
        var inbound = await Client.GetAsync($"/engine/v1/InboundMessages/{stop}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ja", (string?)inbound["keyword_language"]);
        Assert.Equal(JapaneseOptOutReply, (string?)inbound["reply"]);

        Assert.Equal([JapaneseOptInReply], await InboundAsync(japanese, ours, "再開", service));
        Assert.Equal("opted_in", (string?)(await ConsentAsync(service, japanese))["state"]);
        // Surrounded by ideographic spaces, still the whole message.
        Assert.Equal([JapaneseOptOutReply], await InboundAsync(japanese, ours, "\u3000配信停止\u3000", service));
        Assert.Equal("opted_out", (string?)(await ConsentAsync(service, japanese))["state"]);
        // Not the whole message: an ordinary one.
        Assert.Empty(await InboundAsync(japanese, ours, "再開してください", service));
        Assert.Equal("opted_out", (string?)(await ConsentAsync(service, japanese))["state"]);

        Assert.Equal([SpanishOptOutReply], await InboundAsync(spanish, ours, "alto", service));
        Assert.Equal("opted_out", (string?)(await ConsentAsync(service, spanish))["state"]);
        Assert.Equal([SpanishOptInReply], await InboundAsync(spanish, ours, "Comenzar", service));
        Assert.Equal([SpanishHelpReply], await InboundAsync(spanish, ours, "AYUDA", service));
        var spanishConsent = await ConsentAsync(service, spanish);
        Assert.Equal("opted_in", (string?)spanishConsent["state"]);
        // Newest first; help changes nothing and is not a consent event.
        Assert.Equal(["opted_in", "opted_out"], spanishConsent["events"]!.AsArray().Select(e => (string)e!["state"]!));

        // The same words to the number alone (no service) are no keywords: the rules are the service's.
        Assert.Empty(await InboundAsync(spanish, ours, "ALTO", null));
    }

    [Fact]
    public async Task Full_width_and_half_width_forms_match_after_NFKC()
    {
        var service = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", JapaneseAndSpanish).ExpectAsync(HttpStatusCode.OK);
        var ours = Numbers.NextUs();
        var contact = Numbers.NextUs();

        // Half-width katakana ﾃｲｼ is テイシ.
        Assert.Equal([JapaneseOptOutReply], await InboundAsync(contact, ours, "ﾃｲｼ", service));
        Assert.Equal("opted_out", (string?)(await ConsentAsync(service, contact))["state"]);
        // Full-width ＡＬＴＯ is ALTO; full-width ＳＴＡＲＴ is Twilio's START (answered by the engine in the sandbox).
        Assert.Equal([SpanishOptOutReply], await InboundAsync(contact, ours, "ａｌｔｏ", service));
        var start = await InboundAsync(contact, ours, "ＳＴＡＲＴ", service);
        Assert.StartsWith("You have successfully been re-subscribed", Assert.Single(start), StringComparison.Ordinal);
        Assert.Equal("opted_in", (string?)(await ConsentAsync(service, contact))["state"]);
        // A look-alike is no keyword: the dotless ı does not fold to I.
        Assert.Empty(await InboundAsync(contact, ours, "QUıT", service));
        Assert.Equal("opted_in", (string?)(await ConsentAsync(service, contact))["state"]);
    }

    [Fact]
    public async Task With_replies_off_a_custom_keyword_changes_consent_without_an_answer()
    {
        var service = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", [.. JapaneseAndSpanish, ("EngineReplies", "false")]).ExpectAsync(HttpStatusCode.OK);
        var ours = Numbers.NextUs();
        var contact = Numbers.NextUs();

        Assert.Empty(await InboundAsync(contact, ours, "停止", service));
        Assert.Equal("opted_out", (string?)(await ConsentAsync(service, contact))["state"]);
        Assert.Empty(await InboundAsync(contact, ours, "AYUDA", service));
        // Twilio's defaults in the sandbox: nobody else answers them, the engine still does.
        Assert.Single(await InboundAsync(contact, ours, "START", service));
        Assert.Equal("opted_in", (string?)(await ConsentAsync(service, contact))["state"]);

        // Replies back on, the rules kept.
        var policy = await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", ("EngineReplies", "true")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, policy["keywords"]!.AsArray().Count);
        Assert.Equal([JapaneseOptOutReply], await InboundAsync(contact, ours, "停止", service));
    }

    [Fact]
    public async Task Sends_after_a_custom_opt_out_fail_with_21610_until_a_custom_or_default_opt_in()
    {
        var service = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", JapaneseAndSpanish).ExpectAsync(HttpStatusCode.OK);
        var (conversation, customer, proxy, _) = await ConversationAsync(service);

        await InboundAsync(customer, proxy, "停止", service);
        Assert.Equal(21610, (int)(await FailedReceiptAsync(conversation, await PostAsync(conversation, "sale!")))["error_code"]!);
        await InboundAsync(customer, proxy, "再開", service);
        await DeliveredAsync(conversation, await PostAsync(conversation, "welcome back"));
        await InboundAsync(customer, proxy, "配信停止", service);
        Assert.Equal(21610, (int)(await FailedReceiptAsync(conversation, await PostAsync(conversation, "sale again")))["error_code"]!);
        await InboundAsync(customer, proxy, "START", service);
        await DeliveredAsync(conversation, await PostAsync(conversation, "welcome back again"));
    }

    [Fact]
    public async Task Required_opt_in_refuses_business_initiated_messages_with_20403_and_sms_consent_is_not_whatsapps()
    {
        var service = await Client.NewServiceAsync();
        var policy = await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", ("RequireOptIn", "true")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)policy["require_opt_in"]!);
        var (conversation, customer, _, sms) = await ConversationAsync(service);
        var whatsapp = (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", "whatsapp:" + customer), ("MessagingBinding.ProxyAddress", "whatsapp:" + Numbers.NextUs())).ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var first = await PostAsync(conversation, "a promotion");
        var refused = await FailedReceiptAsync(conversation, first, sms);
        Assert.Equal(20403, (int)refused["error_code"]!);
        Assert.Equal(20403, (int)(await FailedReceiptAsync(conversation, first, whatsapp))["error_code"]!);
        var delivery = await Client.GetAsync($"/engine/v1/Deliveries/{conversation}/{first}").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("No opt-in", (string?)delivery["recipients"]![0]!["error_message"], StringComparison.Ordinal);
        Assert.DoesNotContain(await SandboxAsync(), m => (string?)m["to"] == customer);

        var recorded = await Client.PostFormAsync($"/engine/v1/ContactChannels/{service}/{Uri.EscapeDataString(customer)}/Consent",
            ("State", "opted_in"), ("Source", "web_form"), ("Evidence", "Checked 'Text me order updates' at https://shop.example/checkout")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("opted_in", (string?)recorded["state"]);

        var second = await PostAsync(conversation, "your order shipped");
        await DeliveredAsync(conversation, second, sms);
        // The opt-in was given on SMS: WhatsApp still has none.
        Assert.Equal(20403, (int)(await FailedReceiptAsync(conversation, second, whatsapp))["error_code"]!);
        Assert.Contains(await SandboxAsync(), m => (string?)m["to"] == customer && (string?)m["body"] == "your order shipped");

        // An opt-out wins over the opt-in: 21610.
        await Client.PostFormAsync($"/engine/v1/ContactChannels/{service}/{Uri.EscapeDataString(customer)}/Consent",
            ("State", "opted_out"), ("Source", "verbal"), ("Evidence", "Asked the agent on the phone to stop texting")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(21610, (int)(await FailedReceiptAsync(conversation, await PostAsync(conversation, "one more"), sms))["error_code"]!);
    }

    [Fact]
    public async Task Required_opt_in_lets_replies_through_where_the_contact_wrote_and_nowhere_else()
    {
        var service = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", ("RequireOptIn", "true")).ExpectAsync(HttpStatusCode.OK);
        var (written, customer, proxy, participant) = await ConversationAsync(service);
        var (silent, silentParticipant) = await AddToNewConversationAsync(service, customer, Numbers.NextUs());

        var inbound = Sid();
        await InboundAsync(customer, proxy, "Where is my order?", service, inbound);
        Assert.Equal("routed", (string?)(await Client.GetAsync($"/engine/v1/InboundMessages/{inbound}").ExpectAsync(HttpStatusCode.OK))["outcome"]);

        await DeliveredAsync(written, await PostAsync(written, "It ships today"), participant);
        Assert.Equal(20403, (int)(await FailedReceiptAsync(silent, await PostAsync(silent, "Meanwhile, a promotion"), silentParticipant))["error_code"]!);
        // Writing in made no opt-in: the contact's consent is still none.
        Assert.Equal("none", (string?)(await ConsentAsync(service, customer))["state"]);
    }

    [Fact]
    public async Task Required_opt_in_lets_replies_through_in_a_conversation_the_contacts_message_created()
    {
        var service = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", ("RequireOptIn", "true")).ExpectAsync(HttpStatusCode.OK);
        var ours = Numbers.NextUs();
        var customer = Numbers.NextUs();
        await Client.PostFormAsync("/v1/Configuration/Addresses",
            ("Type", "sms"), ("Address", ours), ("AutoCreation.Enabled", "true"), ("AutoCreation.Type", "default")).ExpectAsync(HttpStatusCode.Created);

        var first = Sid();
        await InboundAsync(customer, ours, "hello?", service, first);
        var outcome = await Client.GetAsync($"/engine/v1/InboundMessages/{first}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("auto_created", (string?)outcome["outcome"]);
        var conversation = (string)outcome["conversation_sid"]!;
        var created = await Client.GetAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(service, (string?)created["messaging_service_sid"]);

        await DeliveredAsync(conversation, await PostAsync(conversation, "Hi, how can we help?"));
    }

    [Fact]
    public async Task Participant_json_shows_consent_for_messaging_participants_and_null_for_chat()
    {
        var service = await Client.NewServiceAsync();
        var (conversation, customer, proxy, sms) = await ConversationAsync(service);
        var chat = (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "agent." + Guid.NewGuid().ToString("N")))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var fetched = await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/{sms}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("none", (string?)fetched["consent"]!["state"]);
        Assert.Null(fetched["consent"]!["source"]);
        var agent = await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/{chat}").ExpectAsync(HttpStatusCode.OK);
        Assert.True(agent.ContainsKey("consent"));
        Assert.Null(agent["consent"]);

        await InboundAsync(customer, proxy, "STOP", service);
        fetched = await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/{sms}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("opted_out", (string?)fetched["consent"]!["state"]);
        Assert.Equal("keyword", (string?)fetched["consent"]!["source"]);
        Assert.NotNull((string?)fetched["consent"]!["date_updated"]);

        await Client.PostFormAsync($"/engine/v1/ContactChannels/{service}/{Uri.EscapeDataString(customer)}/Consent",
            ("State", "opted_in"), ("Source", "web_form"), ("Evidence", "Preference centre: SMS order updates on")).ExpectAsync(HttpStatusCode.OK);
        var list = await Client.GetAsync($"/v1/Conversations/{conversation}/Participants").ExpectAsync(HttpStatusCode.OK);
        var listed = list["participants"]!.AsArray().Select(p => p!.AsObject()).ToDictionary(p => (string)p["sid"]!);
        Assert.Equal("opted_in", (string?)listed[sms]["consent"]!["state"]);
        Assert.Equal("web_form", (string?)listed[sms]["consent"]!["source"]);
        Assert.Null(listed[chat]["consent"]);

        var resource = await Client.GetAsync($"/engine/v1/Conversations/{conversation}/Participants/{sms}/Consent").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("opted_in", (string?)resource["consent"]!["state"]);
        Assert.False((bool)resource["opted_out"]!);
    }

    [Fact]
    public async Task Operator_records_opt_in_and_revokes_it_with_source_evidence_and_history()
    {
        var service = await Client.NewServiceAsync();
        var contact = Numbers.NextUs();
        var path = $"/engine/v1/ContactChannels/{service}/{Uri.EscapeDataString(contact)}/Consent";

        var none = await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("none", (string?)none["state"]);
        Assert.Empty(none["events"]!.AsArray());
        Assert.Equal("sms", (string?)none["channel"]);

        var given = await Client.PostFormAsync(path, ("State", "opted_in"), ("Source", "web_form"), ("Evidence", "Signed up at https://shop.example/signup, box 'SMS offers' ticked"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("opted_in", (string?)given["state"]);
        Assert.Equal("web_form", (string?)given["source"]);
        Assert.Equal("Signed up at https://shop.example/signup, box 'SMS offers' ticked", (string?)given["evidence"]);
        Assert.Equal(Host.BaseUrl + path, (string?)given["url"]);

        await Client.PostFormAsync(path, ("State", "opted_out"), ("Source", "verbal"), ("Evidence", "Call 2026-12-01, asked to stop")).ExpectAsync(HttpStatusCode.OK);
        // No Source: the API's.
        await Client.PostFormAsync(path, ("State", "opted_in"), ("Evidence", "Re-subscribed in the app")).ExpectAsync(HttpStatusCode.OK);
        var history = await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("opted_in", (string?)history["state"]);
        Assert.Equal("api", (string?)history["source"]);
        Assert.Equal(["api", "verbal", "web_form"], history["events"]!.AsArray().Select(e => (string)e!["source"]!));
        Assert.Equal("Call 2026-12-01, asked to stop", (string?)history["events"]![1]!["evidence"]);

        // The contact channel shows it too; WhatsApp on the same number has nothing.
        var channel = await Client.GetAsync($"/engine/v1/ContactChannels/{service}/{Uri.EscapeDataString(contact)}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("opted_in", (string?)channel["consent"]!["state"]);
        var whatsapp = await Client.GetAsync($"/engine/v1/ContactChannels/{service}/{Uri.EscapeDataString("whatsapp:" + contact)}/Consent").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("none", (string?)whatsapp["state"]);

        // Without a service: the number is the scope, on the contact's channel.
        var ours = Numbers.NextUs();
        var byNumber = await Client.PostFormAsync($"/engine/v1/ContactChannels/{Uri.EscapeDataString("whatsapp:" + ours)}/{Uri.EscapeDataString("whatsapp:" + contact)}/Consent",
            ("State", "opted_in"), ("Source", "import"), ("Evidence", "CRM export 2026-11, consent column")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("whatsapp", (string?)byNumber["channel"]);
        Assert.Equal("whatsapp:" + ours, (string?)byNumber["scope"]);
    }

    [Fact]
    public async Task History_keeps_the_last_50_changes_newest_first()
    {
        var ours = Numbers.NextUs();
        var contact = Numbers.NextUs();
        var path = $"/engine/v1/ContactChannels/{Uri.EscapeDataString(ours)}/{Uri.EscapeDataString(contact)}/Consent";
        for (var i = 1; i <= 55; i++)
        {
            await Client.PostFormAsync(path, ("State", i % 2 == 1 ? "opted_in" : "opted_out"), ("Source", $"import-{i}"), ("Evidence", $"row {i}")).ExpectAsync(HttpStatusCode.OK);
        }

        var consent = await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        var events = consent["events"]!.AsArray();
        Assert.Equal(50, events.Count);
        Assert.Equal("import-55", (string?)events[0]!["source"]);
        Assert.Equal("import-6", (string?)events[49]!["source"]);
        Assert.Equal("opted_in", (string?)consent["state"]);
        Assert.Equal("row 55", (string?)consent["evidence"]);
    }

    [Fact]
    public async Task Malformed_consent_records_are_refused_with_400_unknown_services_with_404_and_agents_with_403()
    {
        var service = await Client.NewServiceAsync();
        var contact = Uri.EscapeDataString(Numbers.NextUs());
        var path = $"/engine/v1/ContactChannels/{service}/{contact}/Consent";

        await Client.PostFormAsync(path, ("Source", "api")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("State", "maybe"), ("Evidence", "x")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("State", "opted_in")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("State", "opted_in"), ("Source", new string('s', 65)), ("Evidence", "x")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("State", "opted_in"), ("Source", "   "), ("Evidence", "x")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("State", "opted_in"), ("Evidence", new string('e', 1001))).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("State", "opted_in"), ("Evidence", "bell\u0007")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync($"/engine/v1/ContactChannels/{service}/not-a-number/Consent", ("State", "opted_out")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.GetAsync($"/engine/v1/ContactChannels/{service}/not-a-number/Consent").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        // A number scope on another channel than the contact's.
        await Client.PostFormAsync($"/engine/v1/ContactChannels/{Uri.EscapeDataString("whatsapp:" + Numbers.NextUs())}/{contact}/Consent", ("State", "opted_out"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync($"/engine/v1/ContactChannels/MG{new string('0', 32)}/{contact}/Consent", ("State", "opted_out")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.Equal("none", (string?)(await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK))["state"]);

        var defaults = (string)(await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
        using var agent = Host.CreateUserClient(AccessTokens.Mint("agent.consent-admin", defaults));
        await agent.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await agent.PostFormAsync(path, ("State", "opted_in"), ("Evidence", "an agent may not")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await agent.GetAsync($"/engine/v1/MessagingServices/{service}/Consent").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await agent.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", ("RequireOptIn", "false")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("42")]
    [InlineData("""{"language":"ja","action":"stop","keywords":["停止"]}""")]
    [InlineData("""{"language":"ja","action":"opt_out","keywords":"停止"}""")]
    [InlineData("""{"language":"ja","action":"opt_out","keywords":[]}""")]
    [InlineData("""{"language":"ja","action":"opt_out","keywords":[7]}""")]
    [InlineData("""{"action":"opt_out","keywords":["停止"]}""")]
    [InlineData("""{"language":"日本語","action":"opt_out","keywords":["停止"]}""")]
    [InlineData("""{"language":"es","action":"opt_out","keywords":["STOP"]}""")]
    [InlineData("""{"language":"es","action":"opt_out","keywords":["ｓｔｏｐ"]}""")]
    [InlineData("""{"language":"es","action":"opt_out","keywords":["   "]}""")]
    [InlineData("""{"language":"es","action":"opt_out","keywords":["ALTO\nYA"]}""")]
    [InlineData("""[{"language":"es","action":"opt_out","keywords":["ALTO"]},{"language":"es-MX","action":"opt_in","keywords":["alto"]}]""")]
    [InlineData("""[{"language":"es","action":"opt_out","keywords":["ALTO"]},{"language":"es","action":"opt_out","keywords":["BASTA"]}]""")]
    [InlineData("""{"language":"es","action":"opt_out","keywords":["ALTO"],"reply":5}""")]
    public async Task Malformed_keyword_rules_are_refused_with_400_and_change_nothing(string rules)
    {
        var service = await Client.NewServiceAsync();
        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", JapaneseAndSpanish).ExpectAsync(HttpStatusCode.OK);

        await Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent", ("Keywords", rules), ("RequireOptIn", "true"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        var policy = await Client.GetAsync($"/engine/v1/MessagingServices/{service}/Consent").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, policy["keywords"]!.AsArray().Count);
        Assert.False((bool)policy["require_opt_in"]!);
    }

    [Fact]
    public async Task Policy_limits_and_unknown_services_are_refused()
    {
        var service = await Client.NewServiceAsync();
        var path = $"/engine/v1/MessagingServices/{service}/Consent";
        var tooMany = string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"W{i}\""));
        await Client.PostFormAsync(path, ("Keywords", $$"""{"language":"en","action":"opt_out","keywords":[{{tooMany}}]}""")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("Keywords", $$"""{"language":"en","action":"opt_out","keywords":["{{new string('w', 51)}}"]}""")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("Keywords", $$"""{"language":"en","action":"opt_out","keywords":["W"],"reply":"{{new string('r', 1601)}}"}""")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("RequireOptIn", "yes")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        await Client.PostFormAsync(path, JapaneseAndSpanish).ExpectAsync(HttpStatusCode.OK);
        var cleared = await Client.PostFormAsync(path, ("Keywords", "[]")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(cleared["keywords"]!.AsArray());

        await Client.GetAsync($"/engine/v1/MessagingServices/MG{new string('0', 32)}/Consent").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/engine/v1/MessagingServices/MG{new string('0', 32)}/Consent", ("RequireOptIn", "true")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync("/engine/v1/MessagingServices/not-a-sid/Consent").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    private static string Sid() => "SM" + Guid.NewGuid().ToString("N");

    /// <summary>The TwiML replies the engine answered the inbound message with.</summary>
    private async Task<List<string>> InboundAsync(string from, string to, string body, string? service, string? messageSid = null)
    {
        var fields = SignedWebhooks.Inbound(messageSid ?? Sid(), from, to, body);
        if (service is not null)
        {
            fields["MessagingServiceSid"] = service;
        }

        return await Replies(Host, fields);
    }

    internal static async Task<List<string>> Replies(EngineHost host, Dictionary<string, string> fields)
    {
        using var response = await host.PostSignedAsync(SignedWebhooks.MessagesPath, fields);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", twiml.Root!.Name.LocalName);
        return twiml.Root.Elements("Message").Select(m => m.Value).ToList();
    }

    private Task<JsonObject> ConsentAsync(string scope, string address) =>
        Client.GetAsync($"/engine/v1/ContactChannels/{scope}/{Uri.EscapeDataString(address)}/Consent").ExpectAsync(HttpStatusCode.OK);

    private async Task<(string Conversation, string Customer, string Proxy, string Participant)> ConversationAsync(string service)
    {
        var customer = Numbers.NextUs();
        var proxy = Numbers.NextUs();
        var (conversation, participant) = await AddToNewConversationAsync(service, customer, proxy);
        return (conversation, customer, proxy, participant);
    }

    private async Task<(string Conversation, string Participant)> AddToNewConversationAsync(string service, string customer, string proxy)
    {
        var conversation = (string)(await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "consent"), ("MessagingServiceSid", service))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var participant = (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", proxy)).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        return (conversation, participant);
    }

    private async Task<string> PostAsync(string conversation, string body) =>
        (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", body)).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<List<JsonObject>> SandboxAsync() =>
        (await Client.GetAsync("/engine/v1/Sandbox/Messages?PageSize=1000").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();

    private Task<JsonObject> FailedReceiptAsync(string conversation, string message, string? participant = null) =>
        ReceiptAsync(conversation, message, participant, "failed");

    private Task<JsonObject> DeliveredAsync(string conversation, string message, string? participant = null) =>
        ReceiptAsync(conversation, message, participant, "delivered");

    private async Task<JsonObject> ReceiptAsync(string conversation, string message, string? participant, string status)
    {
        var receipt = await Eventually.ValueAsync(
            async () =>
            {
                var list = await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts").ExpectAsync(HttpStatusCode.OK);
                return list["delivery_receipts"]!.AsArray().Select(r => r!.AsObject())
                    .FirstOrDefault(r => participant is null || (string?)r["participant_sid"] == participant);
            },
            // Wait for where it ends (the sandbox reports sent, then delivered), then check it is the one expected.
            r => r is not null && (string?)r["status"] is "failed" or "undelivered" or "delivered",
            TimeSpan.FromSeconds(20),
            $"a {status} receipt of {message}");
        Assert.Equal(status, (string?)receipt!["status"]);
        return receipt;
    }
}
