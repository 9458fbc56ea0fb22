using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Twilio signs each webhook with the auth token of the account that owns the number. Without a
/// Twilio account (the sandbox) that is the engine's own account and token.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class SandboxWebhookAccountTests(EngineFixture fixture)
{
    private const string ForeignAccount = "ACeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

    [Fact]
    public async Task Inbound_message_and_status_callback_signed_with_the_engine_token_for_the_engine_account_are_accepted()
    {
        using var inbound = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath,
            SignedWebhooks.Inbound(Sids.New("SM"), Numbers.NextUs(), Numbers.NextUs(), "hello"));
        using var status = await fixture.Host.PostSignedAsync("/webhooks/twilio/status", SignedWebhooks.Status(Sids.New("SM"), "delivered", accountSid: EngineHost.AccountSid));

        Assert.Equal(HttpStatusCode.OK, inbound.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task Webhooks_naming_an_account_the_engine_does_not_know_are_refused_with_403_even_when_signed_with_its_token()
    {
        var inbound = SignedWebhooks.Inbound(Sids.New("SM"), Numbers.NextUs(), Numbers.NextUs(), "misrouted");
        inbound["AccountSid"] = ForeignAccount;

        await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, inbound).ExpectErrorAsync(HttpStatusCode.Forbidden, 20003);
        await fixture.Host.PostSignedAsync("/webhooks/twilio/status", SignedWebhooks.Status(Sids.New("SM"), "delivered", accountSid: ForeignAccount))
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 20003);
        await fixture.Host.Client.GetAsync($"/engine/v1/InboundMessages/{inbound["MessageSid"]}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Webhook_naming_two_accounts_is_refused_with_403()
    {
        var fields = new List<KeyValuePair<string, string>>(SignedWebhooks.Inbound(Sids.New("SM"), Numbers.NextUs(), Numbers.NextUs(), "two accounts"))
        {
            new("AccountSid", ForeignAccount),
        };
        var path = SignedWebhooks.MessagesPath;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", SignedWebhooks.Sign(EngineHost.AuthToken, fixture.Host.BaseUrl + path, fields));

        await fixture.Host.CreateClient().SendAsync(request).ExpectErrorAsync(HttpStatusCode.Forbidden, 20003);
    }
}

/// <summary>
/// With a Twilio account configured whose SID and auth token differ from the engine's own, Twilio's
/// webhooks are checked with <c>Twilio:AuthToken</c>; the engine's token no longer passes.
/// </summary>
public sealed class TwilioWebhookAccountTests : IAsyncLifetime
{
    private const string TwilioAccount = "AC11111111111111111111111111111111";
    private const string TwilioToken = "the-twilio-accounts-own-token";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private TwilioStandIn twilio = null!;
    private EngineHost host = null!;

    public async Task InitializeAsync()
    {
        twilio = await TwilioStandIn.StartAsync(TwilioAccount, TwilioToken);
        host = await EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = TwilioAccount,
            ["Twilio:AuthToken"] = TwilioToken,
            ["Twilio:BaseUrl"] = twilio.BaseUrl,
            ["Twilio:BaseDelay"] = "00:00:00.050",
            ["Twilio:MaxDelay"] = "00:00:02",
            ["Twilio:Timeout"] = "00:00:03",
            ["Twilio:MaxAttempts"] = "3",
        });
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await twilio.DisposeAsync();
    }

    [Fact]
    public async Task Inbound_message_signed_with_the_twilio_token_is_accepted_and_routed_under_the_engine_account()
    {
        var (conversation, customer, proxy) = await ConversationWithCustomerAsync();
        var fields = SignedWebhooks.Inbound(Sids.New("SM"), customer, proxy, "signed by Twilio");
        fields["AccountSid"] = TwilioAccount;

        using var response = await host.PostSignedAsync(SignedWebhooks.MessagesPath, fields, TwilioToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = (await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray();
        Assert.Equal("signed by Twilio", (string?)Assert.Single(messages)!["body"]);
    }

    [Fact]
    public async Task Status_callbacks_twilio_signs_with_its_token_are_accepted_and_deliver_the_receipt()
    {
        var (conversation, customer, _) = await ConversationWithCustomerAsync();

        var message = (string)(await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "out through Twilio"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var receipt = await Eventually.ValueAsync(
            async () => (await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}/Receipts").ExpectAsync(HttpStatusCode.OK))["delivery_receipts"]!.AsArray().FirstOrDefault(),
            r => (string?)r?["status"] == "delivered",
            Patience,
            $"a delivered receipt of {message}");
        var sent = Assert.Single(twilio.Messages, m => m.To == customer);
        Assert.Equal(sent.Sid, (string?)receipt!["channel_message_sid"]);
        var callbacks = await twilio.WaitForCallbacksAsync(2, Patience);
        Assert.All(callbacks, c => Assert.Equal(200, c.AnsweredStatus));
    }

    [Fact]
    public async Task Webhooks_signed_with_the_engine_token_are_refused_with_403_20003()
    {
        var (conversation, customer, proxy) = await ConversationWithCustomerAsync();
        var asTwilioAccount = SignedWebhooks.Inbound(Sids.New("SM"), customer, proxy, "forged with the engine token");
        asTwilioAccount["AccountSid"] = TwilioAccount;
        var asEngineAccount = SignedWebhooks.Inbound(Sids.New("SM"), customer, proxy, "forged with the engine token");

        await host.PostSignedAsync(SignedWebhooks.MessagesPath, asTwilioAccount, EngineHost.AuthToken).ExpectErrorAsync(HttpStatusCode.Forbidden, 20003);
        await host.PostSignedAsync(SignedWebhooks.MessagesPath, asEngineAccount, EngineHost.AuthToken).ExpectErrorAsync(HttpStatusCode.Forbidden, 20003);
        await host.PostSignedAsync("/webhooks/twilio/status", SignedWebhooks.Status(Sids.New("SM"), "delivered", accountSid: TwilioAccount), EngineHost.AuthToken)
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 20003);
        await host.PostSignedAsync("/webhooks/twilio/status", SignedWebhooks.Status(Sids.New("SM"), "delivered", accountSid: EngineHost.AccountSid), EngineHost.AuthToken)
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 20003);

        Assert.Empty((await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray());
    }

    [Fact]
    public async Task Status_callback_signed_with_the_twilio_token_for_the_engine_account_is_refused()
    {
        // Twilio's token only vouches for Twilio's account.
        await host.PostSignedAsync("/webhooks/twilio/status", SignedWebhooks.Status(Sids.New("SM"), "delivered", accountSid: EngineHost.AccountSid), TwilioToken)
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 20003);
        using var accepted = await host.PostSignedAsync("/webhooks/twilio/status", SignedWebhooks.Status(Sids.New("SM"), "delivered", accountSid: TwilioAccount), TwilioToken);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private async Task<(string Conversation, string Customer, string Proxy)> ConversationWithCustomerAsync()
    {
        var conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var customer = Numbers.NextUs();
        var proxy = Numbers.NextUs();
        await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", proxy)).ExpectAsync(HttpStatusCode.Created);
        return (conversation, customer, proxy);
    }
}
