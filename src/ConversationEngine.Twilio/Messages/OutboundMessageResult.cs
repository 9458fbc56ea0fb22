using System.Globalization;
using System.Text.Json;

namespace ConversationEngine.Twilio.Messages;

/// <summary>The Message resource Twilio created, as far as the engine needs it.</summary>
public sealed record OutboundMessageResult
{
    /// <summary>The message's SID (<c>SM…</c> or <c>MM…</c>); status callbacks carry it as <c>MessageSid</c>.</summary>
    public required string Sid { get; init; }

    /// <summary>The initial status: <c>queued</c>, or <c>accepted</c>/<c>scheduled</c> through a Messaging Service.</summary>
    public required string Status { get; init; }

    /// <summary>Twilio's error code, set only for <c>failed</c> or <c>undelivered</c> messages.</summary>
    public int? ErrorCode { get; init; }

    /// <summary>Twilio's description of <see cref="ErrorCode"/>.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Segments billed; <c>0</c> until a Messaging Service has picked a sender.</summary>
    public int? NumSegments { get; init; }

    /// <summary>Media attached.</summary>
    public int? NumMedia { get; init; }

    /// <summary>The recipient.</summary>
    public required string To { get; init; }

    /// <summary>The sender; null while a Messaging Service has not yet picked one.</summary>
    public string? From { get; init; }

    /// <summary>The Messaging Service (<c>MG…</c>) the message went through, if any.</summary>
    public string? MessagingServiceSid { get; init; }

    /// <summary>
    /// Reads Twilio's Message JSON. Twilio writes <c>num_segments</c> and <c>num_media</c> as strings
    /// and <c>error_code</c> as a number or null; either spelling of a number is accepted.
    /// </summary>
    /// <exception cref="FormatException">The JSON is not an object, or <c>sid</c>, <c>status</c> or <c>to</c> is missing.</exception>
    internal static OutboundMessageResult Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("Twilio's answer is not a JSON object.");
            }

            return new OutboundMessageResult
            {
                Sid = RequiredString(root, "sid"),
                Status = RequiredString(root, "status"),
                ErrorCode = Int(root, "error_code"),
                ErrorMessage = String(root, "error_message"),
                NumSegments = Int(root, "num_segments"),
                NumMedia = Int(root, "num_media"),
                To = RequiredString(root, "to"),
                From = String(root, "from"),
                MessagingServiceSid = String(root, "messaging_service_sid"),
            };
        }
        catch (JsonException e)
        {
            throw new FormatException("Twilio's answer is not JSON.", e);
        }
    }

    private static string RequiredString(JsonElement root, string name) =>
        String(root, name) ?? throw new FormatException($"Twilio's answer has no '{name}'.");

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static int? Int(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
    }
}
