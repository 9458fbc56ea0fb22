using System.Xml.Linq;
using ConversationEngine.Twilio;

namespace ConversationEngine.Tests.Twilio;

public sealed class TwiMLTests
{
    private const string Declaration = """<?xml version="1.0" encoding="UTF-8"?>""";

    [Fact]
    public void Empty_response_is_the_documented_document()
    {
        Assert.Equal("""<?xml version="1.0" encoding="UTF-8"?><Response/>""", TwiML.Empty());
    }

    [Fact]
    public void Message_response_wraps_the_body_in_message_inside_response()
    {
        Assert.Equal(Declaration + "<Response><Message>Thanks, got it.</Message></Response>", TwiML.Message("Thanks, got it."));
    }

    [Fact]
    public void Markup_characters_in_the_body_are_escaped()
    {
        var twiml = TwiML.Message("<Redirect>https://evil.example.com</Redirect> & 1 < 2");

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
    [InlineData("windows\r\nnewline and lone\rreturn")]
    [InlineData("tab\tinside")]
    [InlineData("emoji 👋 and ünïcödé")]
    [InlineData("&amp; already escaped")]
    [InlineData("")]
    public void Body_round_trips_through_an_xml_parser_unchanged(string body)
    {
        var document = XDocument.Parse(TwiML.Message(body), LoadOptions.PreserveWhitespace);

        Assert.Equal("Response", document.Root!.Name.LocalName);
        Assert.Equal(body, Assert.Single(document.Root.Elements("Message")).Value);
    }

    [Fact]
    public void Documents_start_with_the_utf8_declaration()
    {
        Assert.StartsWith(Declaration, TwiML.Message("x"), StringComparison.Ordinal);
        Assert.StartsWith(Declaration, TwiML.Empty(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nul \0 char")]
    [InlineData("bell \a char")]
    public void Body_with_characters_xml_cannot_carry_is_refused(string body)
    {
        Assert.Throws<ArgumentException>(() => TwiML.Message(body));
    }

    [Fact]
    public void Body_with_a_lone_surrogate_is_refused()
    {
        // Built in code: attribute arguments are stored as UTF-8, which would replace the surrogate.
        var body = "broken emoji " + '\ud83d';

        Assert.Throws<ArgumentException>(() => TwiML.Message(body));
    }

    [Fact]
    public void Content_type_is_the_one_twilio_uses_in_its_examples()
    {
        Assert.Equal("text/xml", TwiML.ContentType);
    }
}
