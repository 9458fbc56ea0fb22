using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>Behind a proxy Twilio signs the public URL, not the address the engine listens on.</summary>
public sealed class ReverseProxyWebhookTests
{
    [Fact]
    public async Task Signature_is_checked_against_the_public_base_url()
    {
        const string publicBase = "https://engine.example.com";
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Engine:PublicBaseUrl"] = publicBase });
        var fields = new Dictionary<string, string>
        {
            ["MessageSid"] = Sids.New("SM"),
            ["AccountSid"] = EngineHost.AccountSid,
            ["From"] = "+15551230001",
            ["To"] = "+15005550006",
            ["Body"] = "through the proxy",
            ["NumMedia"] = "0",
        };

        using var viaPublicUrl = await PostAsync(host, fields, SignedWebhooks.Sign(EngineHost.AuthToken, publicBase + "/webhooks/twilio/messages", fields));
        using var viaListenUrl = await PostAsync(host, fields, SignedWebhooks.Sign(EngineHost.AuthToken, host.BaseUrl + "/webhooks/twilio/messages", fields));

        Assert.Equal(HttpStatusCode.OK, viaPublicUrl.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viaListenUrl.StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(EngineHost host, Dictionary<string, string> fields, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/twilio/messages") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return host.CreateClient().SendAsync(request);
    }
}
