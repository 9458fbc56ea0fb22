using System.Text.Json.Serialization;
using ConversationEngine.Api.Http;
using ConversationEngine.Conversations;
using ConversationEngine.Media;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ConversationEngine.Api.Resources;

/// <summary>Twilio's Media Content Service resource (<c>mcs.us1.twilio.com/v1/Services/{ChatServiceSid}/Media/{Sid}</c>), with the engine's two additions for inbound media.</summary>
public sealed record MediaContentResource(
    string Sid,
    string AccountSid,
    string ServiceSid,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUploadUpdated,
    DateTimeOffset DateUpdated,
    string? ChannelSid,
    string? MessageSid,
    long Size,
    string ContentType,
    string? Filename,
    string Author,
    string Category,
    bool IsMultipartUpstream,
    string Url,
    IReadOnlyDictionary<string, string?> Links,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SourceUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ErrorCode);

/// <summary>
/// The Media Content Service on the engine's own host, at Twilio's MCS paths: upload (the raw
/// body with its Content-Type, or one file of a multipart/form-data body), fetch, content, delete;
/// and the signed content URLs (<c>/media/{Sid}/{Expires}/{Signature}</c>) that open one item
/// with no credentials, for Twilio's fetch of outbound MediaUrls and for agents' browsers.
/// Content streams from the request to the store and from the store to the response.
/// </summary>
public static class MediaEndpoints
{
    /// <summary>Room for a multipart body's boundaries and part headers beyond the file itself.</summary>
    private const long MultipartOverhead = 64 * 1024;

    private static readonly HashSet<string> InlineFamilies = new(StringComparer.Ordinal) { "image", "audio", "video" };

    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/Services/{ChatServiceSid}/Media").WithTags("Media");
        group.MapPost("/", UploadAsync).WithName("CreateMedia").DisableAntiforgery()
            .Accepts<Stream>("*/*", "multipart/form-data")
            .Produces<MediaContentResource>(StatusCodes.Status201Created)
            .WithDescription("Uploads a file: the raw body with its own Content-Type (a Content-Disposition header may name it), or one file part of a multipart/form-data body. At most Media:MaxUploadBytes (413, 20413).");
        group.MapGet("/{Sid}", FetchAsync).WithName("FetchMedia").Produces<MediaContentResource>()
            .WithDescription("The item; links.content_direct_temporary opens its content without credentials until it expires (Media:SignedUrlLifetime).");
        group.MapGet("/{Sid}/Content", ContentAsync).WithName("FetchMediaContent").Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .WithDescription("The content as uploaded, with its content type.");
        group.MapDelete("/{Sid}", DeleteAsync).WithName("DeleteMedia").Produces(StatusCodes.Status204NoContent)
            .WithDescription("Deletes an item that belongs to no message (50508 otherwise: deleting the message deletes its media).");
        routes.MapGet(MediaUrlSigner.PathPrefix + "{Sid}/{Expires}/{Signature}", SignedContentAsync).WithName("FetchSignedMediaContent").WithTags("Media").AllowAnonymous()
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .WithDescription("A signed, expiring URL's content, for anyone holding it (Twilio fetching an outbound MediaUrl, an agent's browser); 404 once expired or if altered.");
        return routes;
    }

    public static async Task<IResult> UploadAsync(
        string chatServiceSid, HttpContext context, IGrainFactory grains, ConversationLookup lookup, IMediaStore content, IOptions<MediaOptions> options,
        MediaUrlSigner signer, ResourceLinks links, TimeProvider time)
    {
        var request = context.Request;
        var caller = UserCaller.Of(context);
        await ServiceAsync(chatServiceSid, caller, lookup);
        var limit = options.Value.MaxUploadBytes;
        if (request.ContentLength is { } declared && declared > limit + MultipartOverhead)
        {
            throw Errors.TooLarge(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit + MultipartOverhead;
        }

        var sid = Sids.New(Sids.Media);
        var (contentType, filename, size) = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            ? await StoreFileAsync(sid, request, type, content, limit, context.RequestAborted)
            : await StoreBodyAsync(sid, request, content, limit, context.RequestAborted);
        try
        {
            var now = time.GetUtcNow();
            var record = await grains.GetGrain<IMediaGrain>(sid).CreateAsync(new MediaRecord
            {
                Sid = sid,
                ChatServiceSid = chatServiceSid,
                ContentType = contentType,
                Filename = filename,
                Size = size,
                Author = caller?.Identity ?? "system",
                DateCreated = now,
                DateUpdated = now,
            });
            return TypedResults.Json(Resource(record, links, signer), TwilioJson.Options, statusCode: StatusCodes.Status201Created);
        }
        catch
        {
            // Not recorded: the content would be reachable by nothing.
            await content.DeleteAsync(sid, CancellationToken.None);
            throw;
        }
    }

    public static async Task<IResult> FetchAsync(string chatServiceSid, string sid, HttpContext context, IGrainFactory grains, ConversationLookup lookup, MediaUrlSigner signer, ResourceLinks links) =>
        TypedResults.Json(Resource(await ReadableAsync(chatServiceSid, sid, context, grains, lookup), links, signer), TwilioJson.Options);

    public static async Task ContentAsync(string chatServiceSid, string sid, HttpContext context, IGrainFactory grains, ConversationLookup lookup, IMediaStore content)
    {
        var record = await ReadableAsync(chatServiceSid, sid, context, grains, lookup);
        await WriteContentAsync(context, record, content);
    }

    public static async Task<IResult> DeleteAsync(string chatServiceSid, string sid, HttpContext context, IGrainFactory grains, ConversationLookup lookup)
    {
        var caller = UserCaller.Of(context);
        await ServiceAsync(chatServiceSid, caller, lookup);
        var media = grains.GetGrain<IMediaGrain>(sid);
        var record = Sids.IsValid(sid, Sids.Media) ? await media.GetAsync() : null;
        if (record is null || record.ChatServiceSid != chatServiceSid || (caller is not null && record.Author != caller.Identity))
        {
            throw Errors.Unknown("The resource");
        }

        await media.DeleteAsync();
        return TypedResults.NoContent();
    }

    /// <summary>The signed URL's item, to anyone holding an unexpired URL; 404 for anything else, expired or forged alike.</summary>
    public static async Task SignedContentAsync(string sid, string expires, string signature, HttpContext context, IGrainFactory grains, IMediaStore content, MediaUrlSigner signer)
    {
        if (!signer.Verify(sid, expires, signature) || await grains.GetGrain<IMediaGrain>(sid).GetAsync() is not { } record)
        {
            throw Errors.Unknown("The resource");
        }

        await WriteContentAsync(context, record, content);
    }

    private static MediaContentResource Resource(MediaRecord record, ResourceLinks links, MediaUrlSigner signer)
    {
        var path = $"/v1/Services/{record.ChatServiceSid}/Media/{record.Sid}";
        return new MediaContentResource(
            record.Sid, links.AccountSid, record.ChatServiceSid, record.DateCreated, record.DateCreated, record.DateUpdated,
            record.ConversationSid, record.MessageSid, record.Size, record.ContentType, record.Filename, record.Author, "media", false, path,
            new Dictionary<string, string?>
            {
                ["content"] = path + "/Content",
                ["content_direct_temporary"] = record.HasContent ? signer.Sign(record.Sid).ToString() : null,
            },
            record.SourceUrl, record.ErrorCode);
    }

    /// <summary>The raw body is the file; its Content-Type is the media's, and a Content-Disposition header may name it.</summary>
    private static async Task<(string ContentType, string? Filename, long Size)> StoreBodyAsync(string sid, HttpRequest request, IMediaStore content, long limit, CancellationToken cancellation)
    {
        var contentType = ContentTypeOf(request.ContentType);
        var filename = ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var disposition) ? FileNameOf(disposition) : null;
        return (contentType, filename, await WriteAsync(sid, request.Body, content, limit, cancellation));
    }

    /// <summary>A multipart/form-data body: its first file part is the media (the part's Content-Type and file name); other fields are passed over.</summary>
    private static async Task<(string ContentType, string? Filename, long Size)> StoreFileAsync(
        string sid, HttpRequest request, MediaTypeHeaderValue type, IMediaStore content, long limit, CancellationToken cancellation)
    {
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw Errors.Invalid(Errors.InvalidParameter, "The multipart/form-data body has no boundary");
        }

        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = limit + 1 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellation) is { } section)
            {
                if (section.GetContentDispositionHeader() is { } disposition && disposition.IsFileDisposition())
                {
                    var contentType = ContentTypeOf(section.ContentType);
                    return (contentType, FileNameOf(disposition), await WriteAsync(sid, section.Body, content, limit, cancellation));
                }
            }
        }
        catch (InvalidDataException problem) when (problem.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        {
            throw Errors.TooLarge(limit);
        }
        catch (IOException problem) when (problem is not EndOfStreamException && !cancellation.IsCancellationRequested)
        {
            throw Errors.Invalid(Errors.InvalidParameter, "The multipart/form-data body could not be read: " + problem.Message);
        }

        throw Errors.Missing("Media (a file part of the multipart/form-data body)");
    }

    private static async Task<long> WriteAsync(string sid, Stream body, IMediaStore content, long limit, CancellationToken cancellation)
    {
        long size;
        try
        {
            size = await content.WriteAsync(sid, body, limit, cancellation);
        }
        catch (MediaTooLargeException)
        {
            throw Errors.TooLarge(limit);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException problem) when (problem.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw Errors.TooLarge(limit);
        }

        if (size == 0)
        {
            await content.DeleteAsync(sid, CancellationToken.None);
            throw Errors.Invalid(Errors.InvalidParameter, "The media is empty");
        }

        return size;
    }

    private static string ContentTypeOf(string? header) =>
        MediaRules.Normalize(header) is { } type && !type.StartsWith("multipart/", StringComparison.Ordinal) && type != "application/x-www-form-urlencoded"
            ? type
            : throw Errors.Invalid(Errors.InvalidMediaContentType, $"'{header}' is not a media content type: send the file with its own Content-Type (e.g. image/jpeg)");

    private static string? FileNameOf(ContentDispositionHeaderValue disposition) =>
        MediaRules.Filename(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);

    /// <summary>The service must exist and, for a user, be its token's.</summary>
    private static async Task ServiceAsync(string chatServiceSid, UserCaller? caller, ConversationLookup lookup)
    {
        await ChatServiceExistence.RequireAsync(chatServiceSid, lookup);
        if (caller is not null && caller.ChatServiceSid != chatServiceSid)
        {
            throw Errors.AccountOnly($"acting outside the token's Conversation Service {caller.ChatServiceSid}");
        }
    }

    /// <summary>
    /// The record, for the account; for a user, only what it uploaded or what belongs to a
    /// conversation it takes part in. Anything else is 404, so SIDs cannot be probed.
    /// </summary>
    private static async Task<MediaRecord> ReadableAsync(string chatServiceSid, string sid, HttpContext context, IGrainFactory grains, ConversationLookup lookup)
    {
        var caller = UserCaller.Of(context);
        await ServiceAsync(chatServiceSid, caller, lookup);
        var record = Sids.IsValid(sid, Sids.Media) ? await grains.GetGrain<IMediaGrain>(sid).GetAsync() : null;
        if (record is null || record.ChatServiceSid != chatServiceSid)
        {
            throw Errors.Unknown("The resource");
        }

        if (caller is not null && record.Author != caller.Identity
            && (record.ConversationSid is not { } conversation || await grains.GetGrain<IConversationGrain>(conversation).GetParticipantAsync(caller.Identity) is null))
        {
            throw Errors.Unknown("The resource");
        }

        return record;
    }

    /// <summary>
    /// The content as stored. Types a browser could run (HTML, SVG, scripts) are never shown in
    /// place: anything but images, audio and video is an attachment, sniffing is off and the
    /// response is sandboxed, so an upload cannot act as the engine's own pages.
    /// </summary>
    private static async Task WriteContentAsync(HttpContext context, MediaRecord record, IMediaStore store)
    {
        if (!record.HasContent)
        {
            throw Errors.Unknown("The media's content (it could not be fetched from Twilio)");
        }

        await using var content = await store.OpenReadAsync(record.Sid, context.RequestAborted) ?? throw Errors.Unknown("The resource");
        var response = context.Response;
        var family = record.ContentType.Split('/')[0];
        var inline = InlineFamilies.Contains(family) && record.ContentType != "image/svg+xml";
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        if (record.Filename is { } name)
        {
            disposition.SetHttpFileName(name);
        }

        response.ContentType = record.ContentType;
        response.ContentLength = content.Length;
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        response.Headers.CacheControl = "private, max-age=300";
        await content.Stream.CopyToAsync(response.Body, 81920, context.RequestAborted);
    }
}
