using System.Globalization;

namespace ConversationEngine.Twilio;

/// <summary>
/// The incoming-message webhook Twilio sends to a number's or Messaging Service's URL. Optional
/// fields are null when absent or empty; <see cref="Body"/> is empty for media-only messages.
/// </summary>
public sealed record InboundMessage
{
    /// <summary>Twilio allows at most ten media items per message.</summary>
    public const int MaxMedia = 10;

    private const string MediaUrlPrefix = "MediaUrl";
    private const string MediaContentTypePrefix = "MediaContentType";

    /// <summary>The message's SID (<c>SM…</c> or <c>MM…</c>).</summary>
    public required string MessageSid { get; init; }

    /// <summary>The receiving account (<c>AC…</c>).</summary>
    public string? AccountSid { get; init; }

    /// <summary>The Messaging Service the receiving number belongs to (<c>MG…</c>), if any.</summary>
    public string? MessagingServiceSid { get; init; }

    /// <summary>The sender: an E.164 number or a channel address such as <c>whatsapp:+…</c>.</summary>
    public required string From { get; init; }

    /// <summary>The receiving number or channel address.</summary>
    public required string To { get; init; }

    /// <summary>The text, up to 1600 characters; empty when the message carries only media.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>How many media items the message carries (0–10); always equals <c>Media.Count</c>.</summary>
    public int NumMedia { get; init; }

    /// <summary>SMS segments the message arrived in (1 for non-SMS channels).</summary>
    public int? NumSegments { get; init; }

    /// <summary>The media items, in <c>MediaUrl{N}</c> order.</summary>
    public IReadOnlyList<InboundMedia> Media { get; init; } = [];

    /// <summary>WhatsApp: the sender's profile name.</summary>
    public string? ProfileName { get; init; }

    /// <summary>WhatsApp: the sender's WhatsApp ID.</summary>
    public string? WaId { get; init; }

    /// <summary>Geographic lookup of the sender, when Twilio has it.</summary>
    public string? FromCountry { get; init; }

    /// <inheritdoc cref="FromCountry"/>
    public string? FromState { get; init; }

    /// <inheritdoc cref="FromCountry"/>
    public string? FromCity { get; init; }

    /// <inheritdoc cref="FromCountry"/>
    public string? FromZip { get; init; }

    /// <summary>Geographic lookup of the recipient, when Twilio has it.</summary>
    public string? ToCountry { get; init; }

    /// <inheritdoc cref="ToCountry"/>
    public string? ToState { get; init; }

    /// <inheritdoc cref="ToCountry"/>
    public string? ToCity { get; init; }

    /// <inheritdoc cref="ToCountry"/>
    public string? ToZip { get; init; }

    /// <summary>Interactive reply: the payload of the button the user tapped.</summary>
    public string? ButtonPayload { get; init; }

    /// <summary>Interactive reply: the text of the button the user tapped.</summary>
    public string? ButtonText { get; init; }

    /// <summary>Shared location: latitude, as Twilio sent it.</summary>
    public string? Latitude { get; init; }

    /// <summary>Shared location: longitude, as Twilio sent it.</summary>
    public string? Longitude { get; init; }

    /// <summary>The SID of the message this one replies to (sent within the last seven days).</summary>
    public string? OriginalRepliedMessageSid { get; init; }

    /// <summary>
    /// Reads the webhook's form (or query) fields. Unknown fields are ignored, since Twilio adds new
    /// ones without notice.
    /// </summary>
    /// <param name="parameters">Every field of the request, by exact name.</param>
    /// <returns>The parsed message.</returns>
    /// <exception cref="FormatException">
    /// From, To or MessageSid is missing; MessageSid is not a SID; NumMedia is not 0–10; or the
    /// media fields do not match NumMedia. The message names the parameter.
    /// </exception>
    public static InboundMessage Parse(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var fields = new FormFields(parameters);

        var messageSid = fields.Sid("MessageSid");
        var from = fields.Required("From");
        var to = fields.Required("To");
        var numMedia = fields.OptionalInt("NumMedia", MaxMedia) ?? 0;

        return new InboundMessage
        {
            MessageSid = messageSid,
            AccountSid = fields.Optional("AccountSid"),
            MessagingServiceSid = fields.Optional("MessagingServiceSid"),
            From = from,
            To = to,
            Body = fields.Optional("Body") ?? string.Empty,
            NumMedia = numMedia,
            NumSegments = fields.OptionalInt("NumSegments"),
            Media = ReadMedia(fields, numMedia),
            ProfileName = fields.Optional("ProfileName"),
            WaId = fields.Optional("WaId"),
            FromCountry = fields.Optional("FromCountry"),
            FromState = fields.Optional("FromState"),
            FromCity = fields.Optional("FromCity"),
            FromZip = fields.Optional("FromZip"),
            ToCountry = fields.Optional("ToCountry"),
            ToState = fields.Optional("ToState"),
            ToCity = fields.Optional("ToCity"),
            ToZip = fields.Optional("ToZip"),
            ButtonPayload = fields.Optional("ButtonPayload"),
            ButtonText = fields.Optional("ButtonText"),
            Latitude = fields.Optional("Latitude"),
            Longitude = fields.Optional("Longitude"),
            OriginalRepliedMessageSid = fields.Optional("OriginalRepliedMessageSid"),
        };
    }

    private static InboundMedia[] ReadMedia(FormFields fields, int numMedia)
    {
        // A media field beyond NumMedia means the form does not describe one message consistently.
        foreach (var name in fields.Names)
        {
            if (MediaIndex(name) is { } index && index >= numMedia)
            {
                throw new FormatException($"Parameter '{name}' is present but NumMedia is {numMedia}.");
            }
        }

        var media = new InboundMedia[numMedia];
        for (var i = 0; i < numMedia; i++)
        {
            var urlName = MediaUrlPrefix + i.ToString(CultureInfo.InvariantCulture);
            var url = fields.Required(urlName);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new FormatException($"Parameter '{urlName}' must be an absolute http or https URL, not '{url}'.");
            }

            var contentType = fields.Required(MediaContentTypePrefix + i.ToString(CultureInfo.InvariantCulture));
            media[i] = new InboundMedia(uri, contentType);
        }

        return media;
    }

    private static int? MediaIndex(string name)
    {
        var prefix = name.StartsWith(MediaContentTypePrefix, StringComparison.Ordinal) ? MediaContentTypePrefix
            : name.StartsWith(MediaUrlPrefix, StringComparison.Ordinal) ? MediaUrlPrefix
            : null;
        if (prefix is null)
        {
            return null;
        }

        return int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;
    }
}
