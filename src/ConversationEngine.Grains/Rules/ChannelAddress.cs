using PhoneNumbers;

namespace ConversationEngine.Rules;

/// <summary>Channel types as spelled in <c>messaging_binding.type</c>.</summary>
public static class ChannelTypes
{
    public const string Sms = "sms";
    public const string WhatsApp = "whatsapp";
    public const string Messenger = "messenger";
}

/// <summary>
/// A parsed participant address: <c>+E.164</c> (SMS), <c>whatsapp:+E.164</c>, or <c>messenger:ID</c>.
/// Numbers are read and written back in E.164 by libphonenumber.
/// </summary>
public sealed record ChannelAddress(string Type, string Value)
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public override string ToString() => Value;

    /// <summary>The number or ID of a channel address without its channel prefix (<c>whatsapp:+1…</c> → <c>+1…</c>).</summary>
    public static string Bare(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var colon = address.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? address : address[(colon + 1)..];
    }

    /// <summary>Parses an address, throwing the given Twilio error when it is not one.</summary>
    public static ChannelAddress Parse(string raw, string parameter, int errorCode, bool allowShortCode = false)
    {
        var text = raw.Trim();
        if (text.Length == 0 || text.Length > FieldRules.AddressMaxLength)
        {
            throw Errors.Invalid(errorCode, $"{parameter} must be a channel address of 1 to {FieldRules.AddressMaxLength} characters");
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return new ChannelAddress(ChannelTypes.Sms, Number(text, parameter, errorCode, allowShortCode));
        }

        var prefix = text[..colon].ToLowerInvariant();
        var rest = text[(colon + 1)..].Trim();
        switch (prefix)
        {
            case ChannelTypes.WhatsApp:
                return new ChannelAddress(ChannelTypes.WhatsApp, "whatsapp:" + Number(rest, parameter, errorCode, allowShortCode: false));
            case ChannelTypes.Messenger:
                if (rest.Length == 0 || !rest.All(char.IsAsciiLetterOrDigit))
                {
                    throw Errors.Invalid(errorCode, $"{parameter} '{raw}' is not a valid Messenger address (messenger:<id>)");
                }

                return new ChannelAddress(ChannelTypes.Messenger, "messenger:" + rest);
            case ChannelTypes.Sms:
                return new ChannelAddress(ChannelTypes.Sms, Number(rest, parameter, errorCode, allowShortCode));
            default:
                throw Errors.Invalid(errorCode, $"{parameter} '{raw}' has an unsupported channel '{prefix}'");
        }
    }

    private static string Number(string text, string parameter, int errorCode, bool allowShortCode)
    {
        if (allowShortCode && text.Length is >= 3 and <= 8 && text.All(char.IsAsciiDigit))
        {
            return text;
        }

        if (!text.StartsWith('+'))
        {
            throw Errors.Invalid(errorCode, $"{parameter} '{text}' is not a phone number in E.164 format (+ and country code)");
        }

        PhoneNumber number;
        try
        {
            number = Phones.Parse(text, null);
        }
        catch (NumberParseException)
        {
            throw Errors.Invalid(errorCode, $"{parameter} '{text}' is not a valid phone number");
        }

        // Possible, not valid: Twilio's own examples use unassigned +1 555 numbers, and a number range
        // allocated after this library's release must still be usable.
        if (!Phones.IsPossibleNumber(number))
        {
            throw Errors.Invalid(errorCode, $"{parameter} '{text}' is not a valid phone number");
        }

        return Phones.Format(number, PhoneNumberFormat.E164);
    }
}
