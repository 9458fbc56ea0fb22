using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// A messaging participant's consent, readable by the agents of its conversation
/// (<c>/engine/v1/…/Participants/{Sid}/Consent</c>): opted out after STOP, subscribed again after START.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class ConsentApiTests(EngineFixture fixture)
{
    private const string OurNumber = "+15005550006";

    private EngineHost Host => fixture.Host;

    [Fact]
    public async Task Agent_reads_a_customers_opt_out_and_opt_in_and_a_chat_participant_has_none()
    {
        var service = (string)(await Host.Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
        var conversation = (string)(await Host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "consent")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var agent = (string)(await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "agent.consent")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var customer = Numbers.NextUs();
        var sms = (string)(await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", OurNumber)).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        using var user = Host.CreateUserClient(AccessTokens.Mint("agent.consent", service));
        var path = $"/engine/v1/Services/{service}/Conversations/{conversation}/Participants/{sms}/Consent";

        var before = await user.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool?)before["opted_out"]);
        Assert.Equal("sms", (string?)before["channel"]);
        Assert.Equal(customer, (string?)before["address"]);

        await InboundAsync(customer, "STOP");
        var stopped = await user.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool?)stopped["opted_out"]);
        Assert.Equal("STOP", (string?)stopped["last_keyword"]);

        await InboundAsync(customer, "START");
        Assert.False((bool?)(await user.GetAsync(path).ExpectAsync(HttpStatusCode.OK))["opted_out"]);

        var chat = await user.GetAsync($"/engine/v1/Services/{service}/Conversations/{conversation}/Participants/{agent}/Consent").ExpectAsync(HttpStatusCode.OK);
        Assert.Null((bool?)chat["opted_out"]);
        using var outsider = Host.CreateUserClient(AccessTokens.Mint("agent.outsider", service));
        await outsider.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Forbidden, 50531);
    }

    private async Task InboundAsync(string from, string body)
    {
        using var response = await Host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound("SM" + Guid.NewGuid().ToString("N"), from, OurNumber, body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
