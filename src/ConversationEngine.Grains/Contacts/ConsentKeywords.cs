using System.Collections.Frozen;
using System.Text;
using ConversationEngine.Twilio;

namespace ConversationEngine.Contacts;

/// <summary>What an inbound message's whole text matched: Twilio's default keywords or a service's own.</summary>
/// <param name="Action">The kind of keyword.</param>
/// <param name="Keyword">The keyword as matched (upper case for Twilio's, as configured for the service's).</param>
/// <param name="Rule">The service's rule it matched; null for Twilio's defaults.</param>
/// <param name="TwilioDefault">
/// The body as sent is one of Twilio's default keywords, which Twilio answers itself before the
/// webhook reaches the engine (a full-width <c>ＳＴＯＰ</c> the engine reads as STOP is not).
/// </param>
public sealed record KeywordMatch(KeywordAction Action, string Keyword, ConsentKeywordRule? Rule, bool TwilioDefault);

/// <summary>
/// Keyword matching on the whole trimmed message, case-insensitive, after Unicode NFKC
/// normalisation (full-width <c>ＳＴＯＰ</c> is <c>STOP</c>, half-width <c>ﾃｲｼ</c> is <c>テイシ</c>).
/// Case folding never turns a non-ASCII letter into an ASCII one, so look-alikes such as the
/// dotless <c>ı</c> do not match an <c>I</c> (as Twilio's own list is matched, ASCII only).
/// </summary>
public static class ConsentKeywords
{
    /// <summary>Twilio's default keywords first, then the service's own, in the order configured.</summary>
    public static KeywordMatch? Match(string? body, IReadOnlyList<ConsentKeywordRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var raw = OptOutKeywords.Classify(body);
        if (raw != KeywordKind.None)
        {
            return new KeywordMatch(ToAction(raw), body!.Trim().ToUpperInvariant(), null, TwilioDefault: true);
        }

        var normalized = Normalize(body);
        if (normalized.Length == 0)
        {
            return null;
        }

        var wide = OptOutKeywords.Classify(normalized);
        if (wide != KeywordKind.None)
        {
            return new KeywordMatch(ToAction(wide), normalized.ToUpperInvariant(), null, TwilioDefault: false);
        }

        var folded = Fold(normalized);
        foreach (var rule in rules)
        {
            if (rule.Keywords.FirstOrDefault(k => Fold(k) == folded) is { } keyword)
            {
                return new KeywordMatch(rule.Action, keyword, rule, TwilioDefault: false);
            }
        }

        return null;
    }

    /// <summary>NFKC (see <see cref="Normalized"/>), then trimmed of white space (an ideographic space included).</summary>
    public static string Normalize(string? text) =>
        string.IsNullOrEmpty(text) ? "" : Normalized(text).Trim();

    /// <summary>The form two keywords are compared in: normalised, then case-folded without crossing into ASCII.</summary>
    public static string Fold(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var folded = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (char.IsAscii(c))
            {
                folded.Append(char.ToUpperInvariant(c));
                continue;
            }

            var upper = char.ToUpperInvariant(c);
            folded.Append(char.IsAscii(upper) ? c : upper);
        }

        return folded.ToString();
    }

    /// <summary>Whether the keyword, normalised, is one of Twilio's defaults (which always keep their meaning).</summary>
    public static bool IsTwilioDefault(string normalized) => OptOutKeywords.Classify(normalized) != KeywordKind.None;

    /// <summary>
    /// NFKC as keywords need it. The engine runs with invariant globalization (no ICU), where .NET
    /// normalises ASCII only, so it carries the tables itself (<see cref="KeywordNormalizationTables"/>):
    /// the full-width and half-width forms and the ideographic space, then canonical composition of
    /// accents (Latin) and voicing marks (kana) with the letter before them.
    /// </summary>
    private static string Normalized(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var original in text)
        {
            var c = Width.TryGetValue(original, out var narrow) ? narrow : original;
            if (result.Length > 0 && Compositions.TryGetValue((result[^1], c), out var composed))
            {
                result[^1] = composed;
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    private static readonly FrozenDictionary<char, char> Width = KeywordNormalizationTables.WidthFrom
        .Zip(KeywordNormalizationTables.WidthTo)
        .ToFrozenDictionary(p => p.First, p => p.Second);

    private static readonly FrozenDictionary<(char Base, char Mark), char> Compositions = KeywordNormalizationTables.ComposeBase
        .Zip(KeywordNormalizationTables.ComposeMark, KeywordNormalizationTables.Composed)
        .ToFrozenDictionary(t => (t.First, t.Second), t => t.Third);

    private static KeywordAction ToAction(KeywordKind kind) => kind switch
    {
        KeywordKind.OptOut => KeywordAction.OptOut,
        KeywordKind.OptIn => KeywordAction.OptIn,
        KeywordKind.Help => KeywordAction.Help,
        _ => KeywordAction.None,
    };

    /// <summary>The culture-independent spelling of a keyword kind on the wire: <c>opt_out</c>, <c>opt_in</c>, <c>help</c>.</summary>
    public static string Name(KeywordAction action) => action switch
    {
        KeywordAction.OptOut => "opt_out",
        KeywordAction.OptIn => "opt_in",
        KeywordAction.Help => "help",
        _ => "none",
    };

    public static KeywordAction? Parse(string? name) =>
        new[] { KeywordAction.OptOut, KeywordAction.OptIn, KeywordAction.Help }
            .Select(a => (KeywordAction?)a)
            .FirstOrDefault(a => string.Equals(Name(a!.Value), name, StringComparison.OrdinalIgnoreCase));
}
