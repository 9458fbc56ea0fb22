using System.Text;
using System.Xml;

namespace ConversationEngine.Twilio;

/// <summary>The TwiML answers the engine gives to Twilio's messaging webhooks.</summary>
public static class TwiML
{
    /// <summary>
    /// The media type to answer with. Twilio accepts <c>text/xml</c>, <c>application/xml</c> and
    /// <c>text/html</c> for TwiML; its own messaging examples send <c>text/xml</c>.
    /// </summary>
    public const string ContentType = "text/xml";

    // Spelled out rather than written by XmlWriter, which would say "utf-8" or (over a
    // StringWriter) "utf-16"; Twilio's documents use exactly this declaration.
    private const string Declaration = """<?xml version="1.0" encoding="UTF-8"?>""";

    private static readonly XmlWriterSettings Settings = new()
    {
        OmitXmlDeclaration = true,
        ConformanceLevel = ConformanceLevel.Fragment,
        // Entitize keeps a CR in the body: a literal one would be folded into LF by Twilio's XML parser.
        NewLineHandling = NewLineHandling.Entitize,
        Indent = false,
    };

    /// <summary>An empty response: Twilio does nothing further (no reply is sent).</summary>
    /// <returns><c>&lt;?xml version="1.0" encoding="UTF-8"?&gt;&lt;Response/&gt;</c>.</returns>
    public static string Empty() => Declaration + "<Response/>";

    /// <summary>A response that replies to the sender with one message.</summary>
    /// <param name="body">The reply text, escaped as XML text.</param>
    /// <returns>The TwiML document.</returns>
    /// <exception cref="ArgumentException">The body holds characters XML 1.0 cannot carry (e.g. U+0000).</exception>
    public static string Message(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            // The writer lets lone surrogates through, and they would reach Twilio as U+FFFD.
            XmlConvert.VerifyXmlChars(body);
        }
        catch (XmlException e)
        {
            throw new ArgumentException("The message body contains a character XML cannot carry.", nameof(body), e);
        }

        var output = new StringBuilder(Declaration);
        using (var writer = XmlWriter.Create(output, Settings))
        {
            writer.WriteStartElement("Response");
            writer.WriteElementString("Message", body);
            writer.WriteEndElement();
        }

        return output.ToString();
    }
}
