using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using ConversationEngine.Media;
using ConversationEngine.Twilio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace ConversationEngine.Inbound;

/// <summary>
/// Brings the media of an inbound MMS or WhatsApp message from Twilio into the media store, so
/// the message's items open with the engine's own credentials (or signed URLs) instead of the
/// Twilio account's. An item that cannot be fetched is described, not thrown: the message lands
/// regardless, that item carrying its error.
/// </summary>
/// <remarks>
/// <para>
/// Fetched inline, while Twilio waits for the webhook's answer, so the message lands with its
/// media complete (its sizes and file names are in the message as Twilio shows them) and the
/// routing answer (TwiML, forwarding) stays as it is. The items are fetched at once, each with
/// <see cref="MediaOptions.InboundFetchAttempts"/> attempts of at most
/// <see cref="MediaOptions.InboundFetchTimeout"/>, and all of it is cut off at
/// <see cref="MediaOptions.InboundFetchDeadline"/> (12 s by default, inside Twilio's 15 s), so the
/// answer's delay is bounded whatever Twilio's media host does.
/// </para>
/// <para>
/// The SIDs are derived from the message and the item's position: a redelivery of the webhook
/// after a crash writes the same items again (replacing, not adding to, what is stored) and the
/// conversation recognises the message it already has.
/// </para>
/// </remarks>
public sealed partial class InboundMediaFetcher(IHttpClientFactory httpClients, IMediaStore store, IOptions<MediaOptions> options, ILogger<InboundMediaFetcher> logger)
{
    /// <summary>The named <see cref="HttpClient"/> media are fetched with (resilience and <see cref="TwilioMediaHandler"/> behind it).</summary>
    public const string HttpClientName = "twilio-media";

    private const string OctetStream = "application/octet-stream";
    private static readonly byte[] SidPurpose = Encoding.UTF8.GetBytes("ConversationEngine inbound media v1");

    /// <summary>The ME… SID of item <paramref name="index"/> of inbound message <paramref name="messageSid"/>: the same on every delivery of the webhook.</summary>
    public static string SidFor(string messageSid, int index)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageSid);
        var hash = HMACSHA256.HashData(SidPurpose, Encoding.UTF8.GetBytes(messageSid + "/" + index.ToString(CultureInfo.InvariantCulture)));
        return Sids.Media + Convert.ToHexStringLower(hash, 0, 16);
    }

    /// <summary>Fetches every item into the store; the answer has one entry per item, in order, failed ones included.</summary>
    /// <param name="cancellationToken">Only the host stopping: the webhook's caller hanging up does not stop a message that is under way.</param>
    public async Task<IReadOnlyList<InboundMediaItem>> FetchAsync(string messageSid, IReadOnlyList<InboundMedia> media, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (media.Count == 0)
        {
            return [];
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.InboundFetchDeadline);
        return await Task.WhenAll(media.Select((item, index) => FetchAsync(SidFor(messageSid, index), item, deadline.Token, cancellationToken)));
    }

    private async Task<InboundMediaItem> FetchAsync(string sid, InboundMedia media, CancellationToken deadline, CancellationToken stopping)
    {
        var item = new InboundMediaItem { Sid = sid, Url = media.Url.ToString(), ContentType = MediaRules.Normalize(media.ContentType) ?? OctetStream };
        var limit = options.Value.MaxUploadBytes;
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, media.Url);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline);
            if (!response.IsSuccessStatusCode)
            {
                return Failed(item, Errors.RetrievalFailed, $"Twilio answered {(int)response.StatusCode} {response.ReasonPhrase} for the media");
            }

            // Refused before a byte is read when the answer says its size; the store's limit catches the rest.
            if (response.Content.Headers.ContentLength is { } length && length > limit)
            {
                return Failed(item, Errors.MediaTooLarge, $"The media ({length} bytes) is larger than the {limit} bytes Media:MaxUploadBytes allows");
            }

            // The answer's type is the content's own; the webhook's stands in when it says nothing useful.
            var contentType = MediaRules.Normalize(response.Content.Headers.ContentType?.ToString()) is { } answered && answered != OctetStream ? answered : item.ContentType;
            await using var body = await response.Content.ReadAsStreamAsync(deadline);
            var size = await store.WriteAsync(sid, body, limit, deadline);
            return item with { ContentType = contentType, Size = size, Filename = FilenameOf(response.Content.Headers.ContentDisposition, media.Url, sid, contentType) };
        }
        catch (MediaTooLargeException)
        {
            return Failed(item, Errors.MediaTooLarge, $"The media is larger than the {limit} bytes Media:MaxUploadBytes allows");
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return Failed(item, Errors.RetrievalFailed, $"The media could not be fetched within {options.Value.InboundFetchDeadline.TotalSeconds:0.#} s");
        }
        catch (Exception error) when (error is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return Failed(item, Errors.RetrievalFailed, $"The media could not be fetched: {error.Message}");
        }
    }

    private InboundMediaItem Failed(InboundMediaItem item, int code, string message)
    {
        LogFailed(logger, item.Sid!, item.Url, code, message);
        return item with { Size = 0, ErrorCode = code, ErrorMessage = message };
    }

    /// <summary>
    /// The name the answer gives (<c>Content-Disposition</c>), reduced to a bare file name; else
    /// the URL's last segment (Twilio's own ME… SID for its media) or, lacking one, the item's SID,
    /// with the extension of its type: <c>MEabc….jpg</c>.
    /// </summary>
    internal static string FilenameOf(ContentDispositionHeaderValue? disposition, Uri url, string sid, string contentType)
    {
        if (MediaRules.Filename((disposition?.FileNameStar ?? disposition?.FileName)?.Trim().Trim('"')) is { } name)
        {
            return name;
        }

        var segment = Uri.UnescapeDataString(url.AbsolutePath.TrimEnd('/').Split('/')[^1]);
        var stem = segment is { Length: > 0 and <= 128 } && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? segment : sid;
        return Extension(contentType) is { } extension ? stem + "." + extension : stem;
    }

    /// <summary>The usual extension for <paramref name="contentType"/>; else the subtype itself when it reads like one; else none.</summary>
    internal static string? Extension(string contentType)
    {
        var subtype = contentType.Split('/') is [_, var s] ? s : "";
        return contentType switch
        {
            "image/jpeg" or "image/jpg" or "image/pjpeg" => "jpg",
            "image/svg+xml" => "svg",
            "image/tiff" => "tif",
            "audio/mpeg" => "mp3",
            "audio/mp4" => "m4a",
            "audio/3gpp" or "video/3gpp" => "3gp",
            "audio/basic" => "au",
            "audio/vnd.wave" or "audio/vnd.wav" or "audio/wav" or "audio/x-wav" => "wav",
            "video/mpeg" => "mpg",
            "video/quicktime" => "mov",
            "text/plain" => "txt",
            "text/vcard" or "text/x-vcard" or "text/directory" or "application/vcard" => "vcf",
            "text/calendar" => "ics",
            "application/msword" => "doc",
            "application/vnd.ms-excel" => "xls",
            "application/vnd.ms-powerpoint" => "ppt",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
            "application/vnd.apple.pkpass" => "pkpass",
            OctetStream => null,
            _ => subtype is { Length: > 0 and <= 5 } && subtype.All(char.IsAsciiLetterOrDigit) ? subtype : null,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound media {MediaSid} ({SourceUrl}) not fetched: {ErrorCode} {Reason}")]
    private static partial void LogFailed(ILogger logger, string mediaSid, string sourceUrl, int errorCode, string reason);
}
