using System.Globalization;

namespace ConversationEngine.Twilio;

/// <summary>
/// Webhook form fields by exact (case-sensitive) name. A name repeated with different values is
/// only an error if someone reads it: Twilio may add parameters we never look at.
/// </summary>
internal sealed class FormFields
{
    private const int SidPrefixLength = 2;
    private const int SidHexLength = 32;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _conflicting = new(StringComparer.Ordinal);

    public FormFields(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var (name, value) in parameters)
        {
            if (!_values.TryAdd(name, value) && !string.Equals(_values[name], value, StringComparison.Ordinal))
            {
                _conflicting.Add(name);
            }
        }
    }

    public IEnumerable<string> Names => _values.Keys;

    /// <summary>The value, or null when absent or empty (Twilio sends empty geo fields).</summary>
    public string? Optional(string name)
    {
        if (_conflicting.Contains(name))
        {
            throw new FormatException($"Parameter '{name}' appears more than once with different values.");
        }

        return _values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
    }

    public string Required(string name) =>
        Optional(name) ?? throw new FormatException($"Parameter '{name}' is required.");

    /// <summary>A Twilio SID: two upper-case letters and 32 hex digits, e.g. <c>SM0123…</c>.</summary>
    public string Sid(string name)
    {
        var value = Required(name);
        if (!IsSid(value))
        {
            throw new FormatException($"Parameter '{name}' must be a SID (two letters and 32 hex digits), not '{value}'.");
        }

        return value;
    }

    /// <summary>A non-negative decimal integer, null when absent or empty.</summary>
    public int? OptionalInt(string name, int max = int.MaxValue)
    {
        var value = Optional(name);
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > max)
        {
            var range = max == int.MaxValue ? "a non-negative integer" : $"an integer from 0 to {max}";
            throw new FormatException($"Parameter '{name}' must be {range}, not '{value}'.");
        }

        return number;
    }

    private static bool IsSid(string value)
    {
        if (value.Length != SidPrefixLength + SidHexLength)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var ok = i < SidPrefixLength ? char.IsAsciiLetterUpper(value[i]) : char.IsAsciiHexDigit(value[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
