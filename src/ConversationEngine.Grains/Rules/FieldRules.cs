using System.Text;
using System.Text.Json;

namespace ConversationEngine.Rules;

/// <summary>Field limits from Twilio's Conversations limits page, and the JSON rule for Attributes.</summary>
public static class FieldRules
{
    public const int ConversationAttributesMaxBytes = 16 * 1024;
    public const int ParticipantAttributesMaxBytes = 4 * 1024;
    public const int MessageAttributesMaxBytes = 4 * 1024;
    public const int NameMaxLength = 256;
    public const int AddressMaxLength = 256;
    public const int SubjectMaxLength = 256;

    /// <summary>Body limit when any participant is reached over SMS/WhatsApp/Messenger.</summary>
    public const int ChannelBodyMaxLength = 1600;

    /// <summary>Body limit in chat-only conversations (32 KB).</summary>
    public const int ChatBodyMaxBytes = 32 * 1024;

    public const string EmptyAttributes = "{}";

    /// <summary>Whether free text (which may span lines) holds a control character other than a line break or a tab.</summary>
    public static bool HasControlCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t');
    }

    /// <summary>Returns the attributes to store: the text as given when it is structurally valid JSON.</summary>
    public static string Attributes(string? value, int maxBytes, string? current = null)
    {
        if (value is null)
        {
            return current ?? EmptyAttributes;
        }

        if (Encoding.UTF8.GetByteCount(value) > maxBytes)
        {
            throw Errors.Invalid(Errors.InvalidAttributes, $"Attributes must be at most {maxBytes} bytes");
        }

        try
        {
            using var _ = JsonDocument.Parse(value);
        }
        catch (JsonException)
        {
            throw Errors.Invalid(Errors.InvalidAttributes, "Attributes must be a valid JSON string");
        }

        return value;
    }

    /// <summary>ContentVariables: a JSON object of template variables (Twilio's 50527 otherwise).</summary>
    public static string? ContentVariables(string? value)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Errors.Invalid(Errors.InvalidContentVariables, "ContentVariables must be a JSON object");
            }
        }
        catch (JsonException)
        {
            throw Errors.Invalid(Errors.InvalidContentVariables, "ContentVariables must be a valid JSON object");
        }

        return value;
    }

    /// <summary>
    /// A text field within Twilio's length limit and without NUL characters (the engine refuses
    /// them with 400: PostgreSQL cannot store them, and no Twilio name needs one).
    /// </summary>
    public static string? Bounded(string? value, string parameter, int maxLength = NameMaxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            throw Errors.Invalid(parameter, $"must be at most {maxLength} characters");
        }

        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw Errors.Invalid(parameter, "must not contain NUL characters");
        }

        return value;
    }

    public static string? UniqueName(string? value)
    {
        Bounded(value, "UniqueName");
        if (value is null)
        {
            return null;
        }

        if (value.Length == 0)
        {
            throw Errors.Invalid("UniqueName", "must not be empty");
        }

        if (Sids.IsValid(value, Sids.Conversation))
        {
            throw Errors.Invalid(Errors.UniqueNameLooksLikeSid, "UniqueName must not have the form of a Conversation SID");
        }

        return value;
    }

    public static void Body(string? body, bool reachesChannels)
    {
        if (body is null)
        {
            return;
        }

        if (reachesChannels && body.Length > ChannelBodyMaxLength)
        {
            throw Errors.Invalid(Errors.BodyTooLong, $"Message body is too long: at most {ChannelBodyMaxLength} characters reach SMS, WhatsApp or Messenger participants");
        }

        if (Encoding.UTF8.GetByteCount(body) > ChatBodyMaxBytes)
        {
            throw Errors.Invalid(Errors.BodyTooLong, $"Message body is too long: at most {ChatBodyMaxBytes} bytes");
        }
    }

    public static string? Sid(string? value, string prefix, string parameter)
    {
        if (value is not null && !Sids.IsValid(value, prefix))
        {
            throw Errors.Invalid(parameter, $"expected a {prefix} SID ({prefix} followed by 32 hex digits)");
        }

        return value;
    }
}
