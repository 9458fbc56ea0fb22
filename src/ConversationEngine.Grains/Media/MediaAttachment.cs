using ConversationEngine.Conversations;

namespace ConversationEngine.Media;

/// <summary>
/// A message's media on their way in and out: attached (and checked against the channels the
/// message goes out on) before the message is recorded, deleted with it.
/// </summary>
internal static class MediaAttachment
{
    /// <summary>
    /// Attaches every stored item of <paramref name="message"/> to it and fills in what the
    /// records know (size, type, file name). A message from a channel (inbound) is not checked
    /// against the channels: what a customer sent is never refused. On refusal nothing stays attached.
    /// </summary>
    public static async Task<MessageSnapshot> AttachAsync(IGrainFactory grains, MessageSnapshot message, IReadOnlyList<ParticipantSnapshot> participants)
    {
        // Items that carry a URL came in before the media store existed: nothing to attach.
        var stored = message.Media?.Where(m => m.IsStored).ToList() ?? [];
        if (stored.Count == 0)
        {
            return message;
        }

        if (stored.Select(m => m.Sid).Distinct(StringComparer.Ordinal).Count() != stored.Count)
        {
            throw Errors.Invalid(Errors.InvalidMediaSid, "The same MediaSid is given more than once");
        }

        var attached = new List<MediaRecord>();
        try
        {
            foreach (var item in stored)
            {
                var media = grains.GetGrain<IMediaGrain>(item.Sid);
                if (message.SourceSid is not null && item.SourceUrl is not null)
                {
                    await RecordInboundAsync(media, message, item);
                }

                attached.Add(await media.AttachAsync(message.ChatServiceSid, message.ConversationSid, message.Sid));
            }

            if (message.SourceSid is null)
            {
                MediaRules.Check(attached, participants
                    .Where(p => p.MessagingBinding is { Address: not null } && p.Sid != message.ParticipantSid)
                    .Select(p => p.MessagingBinding!.Type));
            }
        }
        catch (EngineException)
        {
            await DetachAsync(grains, message, attached);
            throw;
        }

        var records = attached.ToDictionary(r => r.Sid, StringComparer.Ordinal);
        return message with
        {
            Media = message.Media!.Select(m => records.TryGetValue(m.Sid, out var r)
                ? new MediaItem { Sid = r.Sid, Size = r.Size, ContentType = r.ContentType, Filename = r.Filename, ErrorCode = r.ErrorCode }
                : m).ToList(),
        };
    }

    /// <summary>
    /// The record of an inbound item fetched from Twilio (its content, if any, is in the store
    /// already): created here because only now is the conversation's service known. Its SID is
    /// the inbound message's own, so an existing record is this message's from an earlier
    /// delivery and is kept; one left attached to a message that never reached the log (the
    /// delivery failed between the two) is freed for this one, which the conversation did not
    /// recognise as added.
    /// </summary>
    private static async Task RecordInboundAsync(IMediaGrain media, MessageSnapshot message, MediaItem item)
    {
        if (await media.GetAsync() is { } existing)
        {
            if (existing.MessageSid is { } earlier && earlier != message.Sid && existing.ChatServiceSid == message.ChatServiceSid)
            {
                await media.DetachAsync(earlier);
            }

            return;
        }

        await media.CreateAsync(new MediaRecord
        {
            Sid = item.Sid,
            ChatServiceSid = message.ChatServiceSid,
            ContentType = item.ContentType ?? "application/octet-stream",
            Filename = item.Filename,
            Size = item.Size,
            Author = message.Author,
            DateCreated = message.DateCreated,
            DateUpdated = message.DateCreated,
            SourceUrl = item.SourceUrl,
            ErrorCode = item.ErrorCode,
            ErrorMessage = item.ErrorMessage,
        });
    }

    /// <summary>Deletes the stored media of <paramref name="messages"/> (records and content).</summary>
    public static async Task DeleteAsync(IGrainFactory grains, IEnumerable<MessageSnapshot> messages)
    {
        foreach (var message in messages)
        {
            foreach (var item in message.Media?.Where(m => m.IsStored) ?? [])
            {
                await grains.GetGrain<IMediaGrain>(item.Sid).DeleteAsync(message.Sid);
            }
        }
    }

    private static async Task DetachAsync(IGrainFactory grains, MessageSnapshot message, IEnumerable<MediaRecord> attached)
    {
        foreach (var record in attached)
        {
            await grains.GetGrain<IMediaGrain>(record.Sid).DetachAsync(message.Sid);
        }
    }
}
