using System.Net;
using System.Xml.Linq;
using ConversationEngine.Api.Resources;
using ConversationEngine.Tests.Http;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Twilio;

/// <summary>The TwiML the engine answers incoming messages with, written by Twilio's <c>MessagingResponse</c>.</summary>
[Collection(SharedEngine.Name)]
public sealed class TwiMLTests(EngineFixture fixture)
{
    private const string HelpReply = "Reply STOP to unsubscribe. Msg&Data Rates May Apply.";

    [Fact]
    public async Task Engine_answers_a_message_without_a_reply_with_an_empty_response_as_text_xml()
    {
        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath,
            SignedWebhooks.Inbound(Sids.New("SM"), Numbers.NextUs(), "+15005550099", "nobody holds this pair"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", document.Root!.Name.LocalName);
        Assert.Empty(document.Root.Nodes());
    }

    [Fact]
    public async Task Engine_answers_help_with_one_message_as_text_xml()
    {
        using var response = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath,
            SignedWebhooks.Inbound(Sids.New("SM"), Numbers.NextUs(), "+15005550099", "HELP"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync(), LoadOptions.PreserveWhitespace);
        Assert.Equal("Response", document.Root!.Name.LocalName);
        var message = Assert.Single(document.Root.Elements());
        Assert.Equal("Message", message.Name.LocalName);
        Assert.Equal(HelpReply, message.Value);
    }

    [Fact]
    public void Empty_answer_is_a_response_with_nothing_in_it()
    {
        var document = XDocument.Parse(WebhookEndpoints.TwiMLAnswer(null));

        Assert.Equal("Response", document.Root!.Name.LocalName);
        Assert.Empty(document.Root.Nodes());
        Assert.Equal("1.0", document.Declaration?.Version);
        Assert.Equal("utf-8", document.Declaration?.Encoding, ignoreCase: true);
    }

    [Fact]
    public void Reply_is_one_message_inside_response()
    {
        var document = XDocument.Parse(WebhookEndpoints.TwiMLAnswer("Thanks, got it."));

        var message = Assert.Single(document.Root!.Elements());
        Assert.Equal("Message", message.Name.LocalName);
        Assert.Equal("Thanks, got it.", message.Value);
        Assert.Empty(message.Attributes());
    }

    [Fact]
    public void Markup_characters_in_the_reply_are_escaped()
    {
        var twiml = WebhookEndpoints.TwiMLAnswer("<Redirect>https://evil.example.com</Redirect> & 1 < 2");

        Assert.Contains("&lt;Redirect&gt;", twiml, StringComparison.Ordinal);
        Assert.Contains("&amp; 1 &lt; 2", twiml, StringComparison.Ordinal);
        var message = Assert.Single(XDocument.Parse(twiml).Root!.Elements());
        Assert.Equal("Message", message.Name.LocalName);
        Assert.Empty(message.Elements());
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("quotes \" and ' apostrophes")]
    [InlineData("]]> not a CDATA end")]
    [InlineData("  leading and trailing spaces  ")]
    [InlineData("line one\nline two")]
    [InlineData("tab\tinside")]
    [InlineData("emoji 👋 and ünïcödé")]
    [InlineData("&amp; already escaped")]
    [InlineData("")]
    public void Reply_round_trips_through_an_xml_parser_unchanged(string body)
    {
        var document = XDocument.Parse(WebhookEndpoints.TwiMLAnswer(body), LoadOptions.PreserveWhitespace);

        Assert.Equal("Response", document.Root!.Name.LocalName);
        Assert.Equal(body, Assert.Single(document.Root.Elements("Message")).Value);
    }

    [Theory]
    [InlineData("nul \0 char")]
    [InlineData("bell \a char")]
    public void Reply_with_characters_xml_cannot_carry_is_refused(string body)
    {
        // The endpoint catches this and answers without the reply (never a 5xx to Twilio).
        Assert.Throws<ArgumentException>(() => WebhookEndpoints.TwiMLAnswer(body));
    }

    [Fact]
    public void Reply_with_a_lone_surrogate_is_refused()
    {
        // Built in code: attribute arguments are stored as UTF-8, which would replace the surrogate.
        var body = "broken emoji " + '\ud83d';

        Assert.Throws<ArgumentException>(() => WebhookEndpoints.TwiMLAnswer(body));
    }

    [Fact]
    public void Content_type_is_the_one_twilio_uses_in_its_examples()
    {
        Assert.Equal("text/xml", WebhookEndpoints.TwiMLContentType);
    }
}
