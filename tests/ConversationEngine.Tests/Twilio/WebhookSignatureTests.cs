using System.Text.Json;
using ConversationEngine.Tests.Support;
using ConversationEngine.Twilio.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Twilio.Security;

namespace ConversationEngine.Tests.Twilio;

/// <summary>
/// The signature the engine puts on its outgoing webhooks (<see cref="WebhookSignature"/>) against
/// Twilio's documented example and Twilio's own validators: the C# library's
/// <see cref="RequestValidator"/> and twilio-node's <c>validateRequest</c>.
/// </summary>
public sealed class WebhookSignatureTests
{
    private const string Token = DocumentedSignature.Token;
    private const string DocumentedUrl = DocumentedSignature.Url;
    private const string DocumentedSignatureValue = DocumentedSignature.Signature;

    private static readonly KeyValuePair<string, string>[] DocumentedParameters = DocumentedSignature.Parameters;

    private static readonly KeyValuePair<string, string>[] RichForm =
    [
        new("Body", "Grüße 👋 & <b> ünïcödé = 100%"),
        new("MediaUrl", "https://example.com/b.png"),
        new("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        new("MediaUrl", "https://example.com/a.png"),
        new("_", "underscore sorts after capitals"),
        new("a", "lower case sorts last"),
        new("Empty", ""),
    ];

    [Fact]
    public void Documented_example_gives_twilios_signature()
    {
        Assert.Equal(DocumentedSignatureValue, WebhookSignature.ForPost(Token, DocumentedUrl, DocumentedParameters));
        Assert.Equal(DocumentedSignatureValue, WebhookSignature.ForPost(Token, DocumentedUrl, DocumentedParameters.Reverse()));
    }

    [Fact]
    public void Repeated_names_are_signed_once_per_distinct_value_in_ordinal_order()
    {
        KeyValuePair<string, string>[] form = [new("b", "2"), new("a", "z"), new("a", "y"), new("a", "z")];

        Assert.Equal("https://x.test/ayazb2", WebhookSignature.SignedText("https://x.test/", form));
        Assert.Equal("https://x.test/?q=1", WebhookSignature.SignedText("https://x.test/?q=1#ct=100", null));
    }

    [Theory]
    [InlineData("https://example.com/myapp.php?foo=1&bar=2")]
    [InlineData("http://127.0.0.1:5080/webhooks/inbound")]
    [InlineData("https://app.example.com:8443/hooks/sms?tenant=7&x=a%20b")]
    public void Twilios_csharp_validator_accepts_every_post_signature(string url)
    {
        var signature = WebhookSignature.ForPost(Token, url, RichForm);

        Assert.True(new RequestValidator(Token).Validate(url, ReceivedWebhook.Folded(RichForm), signature));
        Assert.False(new RequestValidator("another-token").Validate(url, ReceivedWebhook.Folded(RichForm), signature));
    }

    [Theory]
    [InlineData("https://app.example.com/hooks/sms")]
    [InlineData("http://127.0.0.1:5080/hooks/sms?tenant=7")]
    public void Twilios_csharp_validator_accepts_a_get_signature_over_the_query(string url)
    {
        var requested = WebhookClient.WithQuery(url, RichForm);
        var signature = WebhookSignature.ForGet(Token, requested);

        Assert.True(new RequestValidator(Token).Validate(requested, new Dictionary<string, string>(), signature));
        Assert.False(new RequestValidator(Token).Validate(requested.Replace("tenant", "tenanT", StringComparison.Ordinal) + "&x=1", new Dictionary<string, string>(), signature));
    }

    [Fact]
    public void An_empty_auth_token_is_refused()
    {
        Assert.Throws<ArgumentException>(() => WebhookSignature.ForPost("", DocumentedUrl, DocumentedParameters));
        Assert.Throws<ArgumentException>(() => WebhookSignature.ForGet("", DocumentedUrl));
    }

    [Fact]
    public async Task Twilio_node_validates_the_signatures_of_webhooks_the_engine_sent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var services = WebhookClientTests.Services();
        var client = services.GetRequiredService<WebhookClient>();
        var post = await client.SendAsync(new WebhookCall { Url = receiver.Url("/post?tenant=7"), Parameters = RichForm, AuthToken = Token }, CancellationToken.None);
        var get = await client.SendAsync(new WebhookCall { Url = receiver.Url("/get?tenant=7"), Method = "GET", Parameters = RichForm, AuthToken = Token }, CancellationToken.None);
        Assert.Equal(200, post.StatusCode);
        Assert.Equal(200, get.StatusCode);
        var posted = Assert.Single(receiver.Requests, r => r.Path == "/post");
        var got = Assert.Single(receiver.Requests, r => r.Path == "/get");

        var cases = new object[]
        {
            Case("post, repeated names and unicode", posted.Url, posted.Form, posted.Signature!, true),
            Case("get, parameters in the query", got.Url, [], got.Signature!, true),
            Case("post, a value changed", posted.Url, [.. posted.Form.Take(posted.Form.Count - 1), new("Empty", "x")], posted.Signature!, false),
            Case("the documented example", DocumentedUrl, DocumentedParameters, WebhookSignature.ForPost(Token, DocumentedUrl, DocumentedParameters), true),
        };
        var run = await TwilioNode.RunScriptAsync("validate-signatures.mjs", new Dictionary<string, string>
        {
            ["WEBHOOK_CASES"] = JsonSerializer.Serialize(new { authToken = Token, cases }),
        });

        Assert.True(run.ExitCode == 0, $"twilio-node validateRequest disagreed:\n{run.Output}");
        Assert.Contains("\"ok\":true", run.Output, StringComparison.Ordinal);
    }

    private static object Case(string name, string url, IEnumerable<KeyValuePair<string, string>> form, string signature, bool expect) => new
    {
        name,
        url,
        @params = form.Select(p => new[] { p.Key, p.Value }).ToArray(),
        signature,
        expect,
    };
}
