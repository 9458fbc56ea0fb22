namespace ConversationEngine.Media;

/// <summary>
/// One item of the Media Content Service (ME…): what was uploaded (or fetched from Twilio for an
/// inbound message), where it belongs once attached, and, for inbound media, where it came from.
/// Its content lives in the media store under the same SID.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.MediaRecord")]
public sealed record MediaRecord
{
    [Id(0)] public required string Sid { get; init; }

    /// <summary>The conversation service (IS…) it was uploaded to.</summary>
    [Id(1)] public required string ChatServiceSid { get; init; }
    [Id(2)] public required string ContentType { get; init; }
    [Id(3)] public string? Filename { get; init; }

    /// <summary>Bytes stored; 0 for an inbound item whose fetch failed.</summary>
    [Id(4)] public required long Size { get; init; }

    /// <summary>The uploading user's identity, <c>system</c> for account credentials, or the sender's address for inbound media.</summary>
    [Id(5)] public required string Author { get; init; }
    [Id(6)] public required DateTimeOffset DateCreated { get; init; }
    [Id(7)] public required DateTimeOffset DateUpdated { get; init; }

    /// <summary>The conversation (CH…) of the message it is attached to; null until attached.</summary>
    [Id(8)] public string? ConversationSid { get; init; }

    /// <summary>The message (IM…) it is attached to; null until attached.</summary>
    [Id(9)] public string? MessageSid { get; init; }

    /// <summary>For inbound media: the URL Twilio gave (kept for audit; opening it needs the Twilio account's credentials).</summary>
    [Id(10)] public string? SourceUrl { get; init; }

    /// <summary>For inbound media that could not be fetched: Twilio's error code for it (11200: retrieval failed; 50512: too large).</summary>
    [Id(11)] public int? ErrorCode { get; init; }

    /// <summary>What went wrong fetching it, for operators.</summary>
    [Id(12)] public string? ErrorMessage { get; init; }

    /// <summary>Whether the store holds its content (false only for an inbound item whose fetch failed).</summary>
    public bool HasContent => ErrorCode is null;
}

/// <summary>
/// A media item's record, keyed by its ME… SID. Content is written to the media store before the
/// record is created, and removed with it.
/// </summary>
[Alias("ConversationEngine.IMediaGrain")]
public interface IMediaGrain : IGrainWithStringKey
{
    /// <summary>Records an item whose content is in the store. Repeating the same record is harmless; a different one for the same SID is refused.</summary>
    Task<MediaRecord> CreateAsync(MediaRecord record);

    Task<MediaRecord?> GetAsync();

    /// <summary>
    /// Attaches the item to a message: the item must exist in <paramref name="chatServiceSid"/>
    /// (else 50510) and belong to no other message (else 50508). Attaching it to the same message
    /// again (a retried request) answers the record.
    /// </summary>
    Task<MediaRecord> AttachAsync(string chatServiceSid, string conversationSid, string messageSid);

    /// <summary>Undoes <see cref="AttachAsync"/> for a message that was not added after all.</summary>
    Task DetachAsync(string messageSid);

    /// <summary>
    /// Deletes the item and its content. With <paramref name="messageSid"/> null (a client's
    /// DELETE), an attached item is refused (50508: delete its message instead); with the message
    /// it belongs to, it goes with that message. False when there was nothing to delete.
    /// </summary>
    Task<bool> DeleteAsync(string? messageSid = null);
}
