using System.Globalization;
using System.Text;

namespace ConversationEngine.Rules;

/// <summary>
/// ISO-8601 durations in their general form <c>PnYnMnWnDTnHnMnS</c> (e.g. <c>P1DT2H30M</c>,
/// <c>PT90S</c>, <c>PT0.5S</c>). Calendar units have no fixed length, so a year counts as 365 days
/// and a month as 30 days; a decimal fraction is allowed on the last component only.
/// </summary>
public static class Iso8601Duration
{
    private static readonly (char Designator, bool Time, double Seconds)[] Units =
    [
        ('Y', false, 365 * 86400d),
        ('M', false, 30 * 86400d),
        ('W', false, 7 * 86400d),
        ('D', false, 86400d),
        ('H', true, 3600d),
        ('M', true, 60d),
        ('S', true, 1d),
    ];

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (text is not { Length: >= 3 } || text[0] != 'P')
        {
            return false;
        }

        var seconds = 0d;
        var unit = 0;
        var inTime = false;
        var components = 0;
        var sawFraction = false;
        var position = 1;
        while (position < text.Length)
        {
            if (text[position] == 'T')
            {
                if (inTime || position == text.Length - 1)
                {
                    return false;
                }

                inTime = true;
                position++;
                continue;
            }

            var start = position;
            while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] is '.' or ','))
            {
                position++;
            }

            if (position == start || position == text.Length || sawFraction)
            {
                return false;
            }

            var number = text[start..position].Replace(',', '.');
            if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || !char.IsAsciiDigit(number[0]) || !char.IsAsciiDigit(number[^1]))
            {
                return false;
            }

            sawFraction = number.Contains('.', StringComparison.Ordinal);
            var designator = text[position++];
            while (unit < Units.Length && (Units[unit].Designator != designator || Units[unit].Time != inTime))
            {
                unit++;
            }

            if (unit == Units.Length)
            {
                return false;
            }

            seconds += amount * Units[unit++].Seconds;
            components++;
        }

        if (components == 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>Writes a duration back in days, hours, minutes and seconds (<c>P1DT2H</c>, <c>PT10M</c>).</summary>
    public static string Format(TimeSpan value)
    {
        var text = new StringBuilder("P");
        if (value.Days > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Days}D");
        }

        var time = value - TimeSpan.FromDays(value.Days);
        if (time > TimeSpan.Zero || value == TimeSpan.Zero)
        {
            text.Append('T');
            if (time.Hours > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{time.Hours}H");
            }

            if (time.Minutes > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{time.Minutes}M");
            }

            var seconds = time - new TimeSpan(time.Hours, time.Minutes, 0);
            if (seconds > TimeSpan.Zero || value == TimeSpan.Zero)
            {
                text.Append(seconds.TotalSeconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('S');
            }
        }

        return text.ToString();
    }
}
