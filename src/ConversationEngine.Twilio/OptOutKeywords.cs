using System.Text;

namespace ConversationEngine.Twilio;

/// <summary>
/// Twilio's default opt-out, opt-in and help keywords. Twilio acts on them only when they are the
/// whole message ("STOP PLEASE" is an ordinary message), in any letter case.
/// </summary>
public static class OptOutKeywords
{
    private static readonly string[] OptOut = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"];
    private static readonly string[] OptIn = ["START", "YES", "UNSTOP"];
    private static readonly string[] Help = ["HELP", "INFO"];

    /// <summary>Classifies a message body by Twilio's default keywords.</summary>
    /// <param name="body">The inbound message text; null counts as empty.</param>
    /// <returns>The keyword's kind, or <see cref="KeywordKind.None"/>.</returns>
    public static KeywordKind Classify(string? body)
    {
        var word = body.AsSpan().Trim();
        return Matches(word, OptOut) ? KeywordKind.OptOut
            : Matches(word, OptIn) ? KeywordKind.OptIn
            : Matches(word, Help) ? KeywordKind.Help
            : KeywordKind.None;
    }

    // ASCII-only case folding: no culture can turn "quit" into "QUİT", and look-alikes such as the
    // dotless ı never count as a keyword.
    private static bool Matches(ReadOnlySpan<char> word, string[] keywords)
    {
        foreach (var keyword in keywords)
        {
            if (Ascii.EqualsIgnoreCase(word, keyword))
            {
                return true;
            }
        }

        return false;
    }
}
