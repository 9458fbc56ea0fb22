using System.Net.Http.Headers;

namespace ConversationEngine.Media;

/// <summary>
/// What each channel takes, as Twilio documents it: MMS up to ten items and 5 MB in all, with
/// JPEG, PNG and GIF up to that and other types up to 500 KB each; WhatsApp one item per
/// message, images (JPEG, PNG) up to 5 MB, audio, video and documents up to 16 MB; Messenger
/// images, audio, video and files up to 25 MB each. Chat participants take any type up to the
/// upload limit, ten items per message. A message is checked against every channel of its
/// conversation's recipients, so what is accepted can be delivered to each of them.
/// </summary>
public static class MediaRules
{
    /// <summary>Twilio's cap on media per message (MediaUrl, and MediaSid here).</summary>
    public const int MaxItems = 10;

    private const long Megabyte = 1024 * 1024;

    private static readonly HashSet<string> MmsImages = new(StringComparer.OrdinalIgnoreCase) { "image/jpeg", "image/jpg", "image/png", "image/gif" };

    /// <summary>Twilio's accepted MIME types for MMS beyond the fully supported images.</summary>
    private static readonly HashSet<string> MmsOther = new(StringComparer.OrdinalIgnoreCase)
    {
        "audio/basic", "audio/l24", "audio/mp4", "audio/mpeg", "audio/ogg", "audio/vorbis", "audio/vnd.rn-realaudio", "audio/vnd.wave",
        "audio/3gpp", "audio/3gpp2", "audio/ac3", "audio/vnd.wav", "audio/webm", "audio/amr-nb", "audio/amr",
        "video/mpeg", "video/mp4", "video/quicktime", "video/webm", "video/3gpp", "video/3gpp2", "video/3gpp-tt",
        "video/h261", "video/h263", "video/h263-1998", "video/h263-2000", "video/h264",
        "image/bmp", "image/tiff", "image/webp",
        "text/vcard", "text/x-vcard", "text/csv", "text/rtf", "text/richtext", "text/calendar", "text/directory",
        "application/pdf", "application/vcard", "application/vnd.apple.pkpass",
    };

    private static readonly Dictionary<string, long> WhatsAppTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = 5 * Megabyte, ["image/jpg"] = 5 * Megabyte, ["image/png"] = 5 * Megabyte,
        ["audio/ogg"] = 16 * Megabyte, ["audio/amr"] = 16 * Megabyte, ["audio/3gpp"] = 16 * Megabyte, ["audio/aac"] = 16 * Megabyte, ["audio/mpeg"] = 16 * Megabyte, ["audio/mp4"] = 16 * Megabyte,
        ["video/mp4"] = 16 * Megabyte, ["video/3gpp"] = 16 * Megabyte,
        ["application/pdf"] = 16 * Megabyte, ["application/msword"] = 16 * Megabyte, ["application/vnd.ms-excel"] = 16 * Megabyte, ["application/vnd.ms-powerpoint"] = 16 * Megabyte,
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = 16 * Megabyte,
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = 16 * Megabyte,
        ["application/vnd.openxmlformats-officedocument.presentationml.presentation"] = 16 * Megabyte,
        ["text/plain"] = 16 * Megabyte, ["text/vcard"] = 16 * Megabyte,
    };

    /// <summary>Twilio's limit for MMS media in one message, all items together.</summary>
    public const long MmsTotalBytes = 5 * Megabyte;

    /// <summary>Twilio's limit for one MMS item that is not JPEG, PNG or GIF.</summary>
    public const long MmsOtherBytes = 500 * 1024;

    public const long MessengerBytes = 25 * Megabyte;

    /// <summary>
    /// The content type as stored: <c>type/subtype</c> in lower case, parameters dropped; null
    /// when <paramref name="contentType"/> is not a media type.
    /// </summary>
    public static string? Normalize(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } type)
        {
            return null;
        }

        var slash = type.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 || slash == type.Length - 1 || type.Contains('*', StringComparison.Ordinal) ? null : type.ToLowerInvariant();
    }

    /// <summary>The longest file name kept (what common file systems take).</summary>
    public const int MaxFilenameLength = 255;

    /// <summary>
    /// A file name a client or Twilio gave, as stored: its last path component (either separator),
    /// printable, trimmed, cut to <see cref="MaxFilenameLength"/>; null when nothing usable is
    /// left. Uploads and inbound media alike, so a name never carries a path or a control character
    /// into a Content-Disposition header or a browser's download.
    /// </summary>
    public static string? Filename(string? given)
    {
        if (string.IsNullOrWhiteSpace(given))
        {
            return null;
        }

        var name = new string(Path.GetFileName(given.Replace('\\', '/')).Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length > MaxFilenameLength)
        {
            name = name[..MaxFilenameLength].TrimEnd();
        }

        return name is { Length: > 0 } and not ("." or "..") ? name : null;
    }

    /// <summary>
    /// Refuses <paramref name="media"/> for a message that goes out on <paramref name="channels"/>
    /// (binding types: sms, whatsapp, messenger; chat needs no entry): 21623 too many items,
    /// 50511 a type a channel does not take, 50512 too large for a channel.
    /// </summary>
    public static void Check(IReadOnlyList<MediaRecord> media, IEnumerable<string> channels)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (media.Count > MaxItems)
        {
            throw Errors.Invalid(Errors.TooManyMedia, $"A message takes at most {MaxItems} media items");
        }

        foreach (var channel in channels.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            switch (channel.ToLowerInvariant())
            {
                case "sms":
                    CheckMms(media);
                    break;
                case "whatsapp":
                    CheckWhatsApp(media);
                    break;
                case "messenger":
                    CheckMessenger(media);
                    break;
            }
        }
    }

    private static void CheckMms(IReadOnlyList<MediaRecord> media)
    {
        foreach (var item in media)
        {
            var image = MmsImages.Contains(item.ContentType);
            if (!image && !MmsOther.Contains(item.ContentType))
            {
                throw WrongType(item, "MMS");
            }

            if (!image && item.Size > MmsOtherBytes)
            {
                throw TooLarge($"Media {item.Sid} ({item.ContentType}, {item.Size} bytes) is larger than the {MmsOtherBytes} bytes MMS takes for that type");
            }
        }

        var total = media.Sum(m => m.Size);
        if (total > MmsTotalBytes)
        {
            throw TooLarge($"The message's media ({total} bytes) are larger than the {MmsTotalBytes} bytes MMS takes in one message");
        }
    }

    private static void CheckWhatsApp(IReadOnlyList<MediaRecord> media)
    {
        if (media.Count > 1)
        {
            throw Errors.Invalid(Errors.TooManyMedia, "WhatsApp takes one media item per message; send each in a message of its own");
        }

        foreach (var item in media)
        {
            if (!WhatsAppTypes.TryGetValue(item.ContentType, out var limit))
            {
                throw WrongType(item, "WhatsApp");
            }

            if (item.Size > limit)
            {
                throw TooLarge($"Media {item.Sid} ({item.ContentType}, {item.Size} bytes) is larger than the {limit} bytes WhatsApp takes for that type");
            }
        }
    }

    private static void CheckMessenger(IReadOnlyList<MediaRecord> media)
    {
        foreach (var item in media)
        {
            var family = item.ContentType.Split('/')[0];
            if (family is not ("image" or "audio" or "video") && item.ContentType != "application/pdf")
            {
                throw WrongType(item, "Messenger");
            }

            if (item.Size > MessengerBytes)
            {
                throw TooLarge($"Media {item.Sid} ({item.Size} bytes) is larger than the {MessengerBytes} bytes Messenger takes");
            }
        }
    }

    private static EngineException WrongType(MediaRecord item, string channel) =>
        Errors.Invalid(Errors.InvalidMediaContentType, $"Media {item.Sid} is {item.ContentType}, which {channel} does not take");

    private static EngineException TooLarge(string message) => Errors.Invalid(Errors.MediaTooLarge, message);
}
