using System.ComponentModel;
using System.Globalization;
using ConversationEngine.Rules;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// Duration settings in either notation operators meet: .NET's <c>00:01:00</c> or ISO-8601's
/// <c>PT1M</c> (the notation of Twilio's own timer settings).
/// </summary>
public static class Durations
{
    private static int registered;

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        return Iso8601Duration.TryParse(trimmed, out value)
            || TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The start-up message for a value that is neither notation.</summary>
    public static string Invalid(string key, string? text) =>
        $"{key}: '{text}' is not a duration (use 00:01:00 or PT1M)";

    /// <summary>
    /// Makes the configuration binder accept ISO-8601 for every <see cref="TimeSpan"/> it binds,
    /// options of other components included: the binder converts through <see cref="TypeDescriptor"/>.
    /// </summary>
    public static void EnableIso8601Binding()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
        {
            TypeDescriptor.AddAttributes(typeof(TimeSpan), new TypeConverterAttribute(typeof(DurationConverter)));
        }
    }

    /// <summary>
    /// The keys under <paramref name="section"/> that would bind to a duration property of
    /// <paramref name="type"/> (nested option objects included) but hold neither notation.
    /// </summary>
    internal static IEnumerable<string> Misfits(Microsoft.Extensions.Configuration.IConfiguration section, Type type, string prefix)
    {
        foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            var child = section.GetSection(property.Name);
            var key = prefix + property.Name;
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (target == typeof(TimeSpan))
            {
                // The binder leaves a nullable duration unset for an empty value.
                var unset = string.IsNullOrEmpty(child.Value) && property.PropertyType != target;
                if (child.Value is { } text && !unset && !TryParse(text, out _))
                {
                    yield return Invalid(key, text);
                }
            }
            else if (target.IsClass && target != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(target) && child.GetChildren().Any())
            {
                foreach (var misfit in Misfits(child, target, key + ":"))
                {
                    yield return misfit;
                }
            }
        }
    }
}

/// <summary><see cref="TimeSpan"/> from either notation; written back in .NET's.</summary>
public sealed class DurationConverter : TimeSpanConverter
{
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? Durations.TryParse(text, out var duration) ? duration : throw new FormatException($"'{text}' is not a duration (use 00:01:00 or PT1M)")
            : base.ConvertFrom(context, culture, value);
}
