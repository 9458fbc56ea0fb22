using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace ConversationEngine;

/// <summary>
/// Client-chosen text (unique names, binding and contact addresses) inside grain keys. Text the
/// storage can hold as it is stays as it is, so keys of data stored before keep working; any
/// other text is replaced by a readable prefix and the SHA-256 of its exact UTF-16 code units, so every
/// character works.
/// </summary>
/// <remarks>
/// Kept as is: text with no brace (Orleans' ADO.NET storage formats the key as a composite format
/// string, so <c>{</c> and <c>}</c> fail), no NUL (PostgreSQL text cannot hold it), no lone
/// surrogate (UTF-8 would merge it with others), no <see cref="Separator"/> where the key joins
/// two texts, and a whole key of at most <see cref="MaxRawLength"/> characters (the
/// <c>GrainIdExtensionString varchar(512)</c> column). A hashed key never equals a raw one: its
/// marker sits where a raw key always has its separator.
/// </remarks>
public static class GrainKeys
{
    /// <summary>Joins the two texts of a pair key (binding pairs, contact channels).</summary>
    public const char Separator = '|';

    /// <summary>The longest key kept as is.</summary>
    public const int MaxRawLength = 512;

    private const int ReadableLength = 24;

    /// <summary><c>prefix/text</c> (prefix an engine SID), or <c>prefix#readable~sha256</c>.</summary>
    public static string Prefixed(string prefix, string text) =>
        IsRaw(text, allowSeparator: true) && prefix.Length + 1 + text.Length <= MaxRawLength
            ? prefix + "/" + text
            : prefix + "#" + Hashed(text);

    /// <summary><c>first|second</c>, or <c>#readable~sha256</c> (no separator) of both texts.</summary>
    public static string Pair(string first, string second) =>
        IsRaw(first, allowSeparator: false) && IsRaw(second, allowSeparator: false) && first.Length + 1 + second.Length <= MaxRawLength
            ? first + Separator + second
            : "#" + Hashed(first.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + first + second);

    /// <summary>Whether the text may stand in a key as it is.</summary>
    public static bool IsRaw(string text, bool allowSeparator)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '{' or '}' or '\0' || (c == Separator && !allowSeparator))
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Hashed(string text)
    {
        var readable = new StringBuilder(ReadableLength);
        foreach (var c in text)
        {
            if (readable.Length == ReadableLength)
            {
                break;
            }

            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '_' or '.' or ':' or '@' ? c : '_');
        }

        // The exact UTF-16 code units rather than UTF-8: a lone surrogate stays distinct.
        var hash = SHA256.HashData(MemoryMarshal.AsBytes(text.AsSpan()));
        return readable + "~" + Convert.ToHexStringLower(hash);
    }
}
