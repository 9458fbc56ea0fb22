using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace ConversationEngine.Rules;

/// <summary>The alphabet an SMS body travels in.</summary>
public enum SmsCharset
{
    /// <summary>GSM 03.38 default alphabet and its extension table, one septet a character (two for extension characters).</summary>
    Gsm7,

    /// <summary>UCS-2 as sent by Twilio: one 16-bit UTF-16 code unit each, so characters outside the BMP cost two.</summary>
    Ucs2,
}

/// <summary>How a body is encoded and split into SMS segments.</summary>
/// <param name="Text">The text that is sent: the body, after Smart Encoding when it was asked for.</param>
/// <param name="Charset">GSM-7 when every character is in the GSM-7 tables, otherwise UCS-2 for the whole message.</param>
/// <param name="Segments">Number of segments Twilio bills (<c>num_segments</c>); at least 1, even for an empty body.</param>
/// <param name="Units">Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2.</param>
/// <param name="SegmentTexts">The text of each segment, in order; they concatenate to <paramref name="Text"/>.</param>
public sealed record SmsEncodingResult(string Text, SmsCharset Charset, int Segments, int Units, IReadOnlyList<string> SegmentTexts);

/// <summary>
/// SMS encoding and segmentation as Twilio counts it, following Twilio's own segment calculator
/// (TwilioDevEd/message-segment-calculator) and the Smart Encoding character list
/// (twilio.com/docs/messaging/services/smart-encoding-char-list).
/// </summary>
public static class SmsEncoding
{
    // A segment carries 140 octets; a concatenated one gives 6 of them to the user data header.
    private const int Gsm7SingleSeptets = 160;
    private const int Gsm7ConcatenatedSeptets = 153;
    private const int Ucs2SingleUnits = 70;
    private const int Ucs2ConcatenatedUnits = 67;

    // GSM 03.38 default alphabet in code order 0x00–0x7F. 0x1B is the escape into the extension table,
    // not a character of its own, so a literal U+001B in a body is not GSM-7 (as in Twilio's calculator).
    private const string BasicTable =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
        " !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§" +
        "¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // Sent as 0x1B followed by a code, so each costs two septets.
    private const string ExtensionTable = "\f^{}\\[~]|€";

    private static readonly SearchValues<char> Gsm7Characters = SearchValues.Create(BasicTable + ExtensionTable);
    private static readonly SearchValues<char> ExtensionCharacters = SearchValues.Create(ExtensionTable);

    private static readonly FrozenDictionary<char, string> SmartReplacements = BuildSmartReplacements();
    private static readonly SearchValues<char> SmartReplaced = SearchValues.Create(SmartReplacements.Keys.AsSpan());

    /// <summary>Encodes <paramref name="body"/> and splits it into segments the way Twilio bills it.</summary>
    /// <param name="body">Message body; its length is not limited here (1600 characters is checked elsewhere).</param>
    /// <param name="smartEncoding">Replace Unicode look-alikes by GSM-7 characters first (Twilio's Smart Encoding).</param>
    public static SmsEncodingResult Encode(string body, bool smartEncoding)
    {
        ArgumentNullException.ThrowIfNull(body);

        var text = smartEncoding ? ApplySmartEncoding(body) : body;
        return IsGsm7(text)
            ? Split(text, SmsCharset.Gsm7, Gsm7Pieces(text), Gsm7SingleSeptets, Gsm7ConcatenatedSeptets)
            : Split(text, SmsCharset.Ucs2, Ucs2Pieces(text), Ucs2SingleUnits, Ucs2ConcatenatedUnits);
    }

    /// <summary>True when every character is in the GSM-7 basic or extension table (an empty text is).</summary>
    public static bool IsGsm7(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return !text.AsSpan().ContainsAnyExcept(Gsm7Characters);
    }

    /// <summary>
    /// Replaces the characters on Twilio's Smart Encoding list by their GSM-7 look-alikes (some by
    /// several characters, some by nothing). Everything else, GSM-7 or not, is left as it is.
    /// </summary>
    public static string ApplySmartEncoding(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var first = text.AsSpan().IndexOfAny(SmartReplaced);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            if (SmartReplacements.TryGetValue(text[i], out var replacement))
            {
                builder.Append(replacement);
            }
            else
            {
                builder.Append(text[i]);
            }
        }

        return builder.ToString();
    }

    private static SmsEncodingResult Split(string text, SmsCharset charset, List<Piece> pieces, int single, int concatenated)
    {
        var units = 0;
        foreach (var piece in pieces)
        {
            units += piece.Cost;
        }

        // Twilio's calculator always has one segment, so an empty body is one (empty) segment, as billed.
        if (units <= single)
        {
            return new SmsEncodingResult(text, charset, 1, units, [text]);
        }

        // A piece (escape pair, surrogate pair, grapheme) never straddles two segments: it moves whole.
        var segments = new List<string>();
        var start = 0;
        var used = 0;
        foreach (var piece in pieces)
        {
            if (used + piece.Cost > concatenated)
            {
                segments.Add(text[start..piece.Start]);
                start = piece.Start;
                used = 0;
            }

            used += piece.Cost;
        }

        segments.Add(text[start..]);
        return new SmsEncodingResult(text, charset, segments.Count, units, segments);
    }

    private static List<Piece> Gsm7Pieces(string text)
    {
        var pieces = new List<Piece>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            pieces.Add(new Piece(i, ExtensionCharacters.Contains(text[i]) ? 2 : 1));
        }

        return pieces;
    }

    // Pieces are grapheme clusters, as in Twilio's calculator, so a flag or a ZWJ emoji sequence is not
    // torn apart. CR LF is two pieces there too. A cluster too long for one segment (stacked combining
    // marks) falls back to whole code points, so a surrogate pair is still never split.
    private static List<Piece> Ucs2Pieces(string text)
    {
        var pieces = new List<Piece>(text.Length);
        var position = 0;
        while (position < text.Length)
        {
            var length = StringInfo.GetNextTextElementLength(text.AsSpan(position));
            if (length > Ucs2ConcatenatedUnits || (length == 2 && text[position] == '\r' && text[position + 1] == '\n'))
            {
                AddCodePoints(text, position, length, pieces);
            }
            else
            {
                pieces.Add(new Piece(position, length));
            }

            position += length;
        }

        return pieces;
    }

    private static void AddCodePoints(string text, int start, int length, List<Piece> pieces)
    {
        var end = start + length;
        var position = start;
        while (position < end)
        {
            var width = char.IsHighSurrogate(text[position]) && position + 1 < end && char.IsLowSurrogate(text[position + 1]) ? 2 : 1;
            pieces.Add(new Piece(position, width));
            position += width;
        }
    }

    // Twilio's Smart Encoding list as published in its docs and mirrored by the calculator's
    // SmartEncodingMap, written here as "replacement ← characters". Where the calculator differs from
    // the docs' intent, the docs' intent wins: Unicode spaces become one space (the calculator's table
    // has two for some of them), U+2017 DOUBLE LOW LINE becomes "_", and the single angle quotation
    // marks become the bracket they look like. Dictionary.Add refuses a character listed twice.
    private static FrozenDictionary<char, string> BuildSmartReplacements()
    {
        var map = new Dictionary<char, string>();

        void Map(string replacement, string characters)
        {
            foreach (var character in characters)
            {
                map.Add(character, replacement);
            }
        }

        // Quotation marks, primes and accents.
        Map("\"", "\u00AB\u00BB\u201C\u201D\u201E\u201F\u02BA\u02EE\u275D\u275E\u301D\u301E\uFF02");
        Map("'", "\u2018\u2019\u201B\u02B9\u02BB\u02BC\u02BD\u02C8\u02CA\u02CB\u00B4\u0060\u275B\u275C\u0313\u0314\uFE10\uFE11\uFF07");
        Map(",", "\u201A\u0326\u3001\uFE50\uFE51\uFF0C\uFF64");
        Map("<", "\u2039\uFE64\uFF1C");
        Map(">", "\u203A\uFE65\uFF1E");

        // Dashes, hyphens and bullets.
        Map("-", "\u2010\u2013\u2014\u2015\u2022\u2043\u23BC\u23BD\uFE63\uFF0D");

        // Slashes, fractions and division.
        Map("/", "\u00F7\u0337\u0338\u2044\u2215\u29F8\uFF0F");
        Map("\\", "\u20E5\u29F5\u29F9\uFE68\uFF3C");
        Map("1/4", "\u00BC");
        Map("1/2", "\u00BD");
        Map("3/4", "\u00BE");

        // Lines, brackets and other punctuation.
        Map("_", "\u0332\u2017\uFF3F");
        Map("|", "\u20D2\u20D3\u2223\u239C\u239F\u23B8\u23B9\u23D0\uFF5C");
        Map("(", "\u2768\u276A\u27EE\u2985\uFE59\uFF08");
        Map(")", "\u2769\u276B\u27EF\u2986\uFE5A\uFF09");
        Map("{", "\u2774\uFE5B\uFF5B");
        Map("}", "\u2775\uFE5C\uFF5D");
        Map("[", "\uFF3B");
        Map("]", "\uFF3D");
        Map("^", "\u02C6\u0302\u1DCD\uFF3E");
        Map("~", "\u02DC\u02F7\u0303\u0330\u0334\u223C\uFF5E");
        Map("@", "\uFE6B\uFF20");
        Map("$", "\uFE69\uFF04");
        Map("!", "\u01C3\uFE15\uFE57\uFF01");
        Map("!!", "\u203C");
        Map("#", "\uFE5F\uFF03");
        Map("%", "\uFE6A\uFF05");
        Map("&", "\uFE60\uFF06");
        Map("*", "\u204E\u2217\u229B\u2722\u2723\u2724\u2725\u2731\u2732\u2733\u273A\u273B\u273C\u273D\u2743\u2749\u274A\u274B\u29C6\uFE61\uFF0A");
        Map("+", "\u02D6\uFE62\uFF0B");
        Map(".", "\u3002\uFE52\uFF0E\uFF61");
        Map("...", "\u2026");
        Map(":", "\u02D0\u02F8\u2982\uA789\uFE13\uFF1A");
        Map(";", "\u204F\uFE14\uFE54\uFF1B");
        Map("=", "\u0347\uA78A\uFE66\uFF1D");
        Map("?", "\uFE16\uFE56\uFF1F");

        // Fullwidth digits and capitals (the list has no fullwidth small letters), and small capitals.
        for (var i = 0; i < 10; i++)
        {
            map.Add((char)('\uFF10' + i), new string((char)('0' + i), 1));
        }

        for (var i = 0; i < 26; i++)
        {
            map.Add((char)('\uFF21' + i), new string((char)('A' + i), 1));
        }

        Map("A", "\u1D00");
        Map("B", "\u0299");
        Map("C", "\u1D04");
        Map("D", "\u1D05");
        Map("E", "\u1D07");
        Map("F", "\uA730");
        Map("G", "\u0262");
        Map("H", "\u029C");
        Map("I", "\u026A");
        Map("J", "\u1D0A");
        Map("K", "\u1D0B");
        Map("L", "\u029F");
        Map("M", "\u1D0D");
        Map("N", "\u0274");
        Map("O", "\u1D0F");
        Map("P", "\u1D18");
        Map("R", "\u0280");
        Map("S", "\uA731");
        Map("T", "\u1D1B");
        Map("U", "\u1D1C");
        Map("V", "\u1D20");
        Map("W", "\u1D21");
        Map("Y", "\u028F");
        Map("Z", "\u1D22");

        // Spaces and separators, including C1 controls that render as blanks.
        Map(" ", "\u00A0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000\u0080\u008D\u0090\u009B\u009F");

        // The calculator expands a tab to seven spaces; Twilio publishes no other rule for it.
        Map("       ", "\u0009");

        // Invisible characters and C0 controls are dropped.
        Map(string.Empty, "\u0000\u0003\u0004\u0010\u0011\u0012\u0013\u0014\u0017\u0019\u200B\u200C\u2060\uFEFF");

        return map.ToFrozenDictionary();
    }

    private readonly record struct Piece(int Start, int Cost);
}
