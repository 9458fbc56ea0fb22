namespace ConversationEngine.Media;

[GenerateSerializer]
[Alias("ConversationEngine.MediaGrainState")]
public sealed class MediaGrainState
{
    [Id(0)] public MediaRecord? Record { get; set; }
}

/// <summary>
/// One media item's record. Its activation serialises attaching: two messages racing for the
/// same item get it once. Deleting removes the content before the record, so a failure midway
/// leaves a record that can be deleted again, never content nothing points at.
/// </summary>
public sealed class MediaGrain(
    [PersistentState("media", "store")] IPersistentState<MediaGrainState> store,
    IMediaStore content,
    TimeProvider time) : Grain, IMediaGrain
{
    private string Sid => this.GetPrimaryKeyString();

    public async Task<MediaRecord> CreateAsync(MediaRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Sid != Sid)
        {
            throw new ArgumentException($"The record is for {record.Sid}, not {Sid}.", nameof(record));
        }

        if (store.State.Record is { } existing)
        {
            // A retried create (same upload) answers what is stored; anything else is a clash.
            return existing.ChatServiceSid == record.ChatServiceSid && existing.Size == record.Size && existing.ContentType == record.ContentType
                ? existing
                : throw Errors.Conflict(Errors.InvalidMediaSid, $"Media {Sid} exists already");
        }

        store.State.Record = record;
        await store.WriteStateAsync();
        return record;
    }

    public Task<MediaRecord?> GetAsync() => Task.FromResult(store.State.Record);

    public async Task<MediaRecord> AttachAsync(string chatServiceSid, string conversationSid, string messageSid)
    {
        if (store.State.Record is not { } record || record.ChatServiceSid != chatServiceSid)
        {
            throw Errors.Invalid(Errors.InvalidMediaSid, $"Media {Sid} was not uploaded to the conversation's service {chatServiceSid}");
        }

        if (record.MessageSid == messageSid && record.ConversationSid == conversationSid)
        {
            return record;
        }

        if (record.MessageSid is not null)
        {
            throw Errors.Invalid(Errors.MediaAlreadyAttached, $"Media {Sid} is attached to message {record.MessageSid} already");
        }

        record = record with { ConversationSid = conversationSid, MessageSid = messageSid, DateUpdated = time.GetUtcNow() };
        store.State.Record = record;
        await store.WriteStateAsync();
        return record;
    }

    public async Task DetachAsync(string messageSid)
    {
        if (store.State.Record is { } record && record.MessageSid == messageSid)
        {
            store.State.Record = record with { ConversationSid = null, MessageSid = null, DateUpdated = time.GetUtcNow() };
            await store.WriteStateAsync();
        }
    }

    public async Task<bool> DeleteAsync(string? messageSid = null)
    {
        if (store.State.Record is not { } record)
        {
            return false;
        }

        if (record.MessageSid is not null && record.MessageSid != messageSid)
        {
            throw Errors.Invalid(Errors.MediaAlreadyAttached, $"Media {Sid} belongs to message {record.MessageSid}; deleting the message deletes its media");
        }

        await content.DeleteAsync(Sid);
        await store.ClearStateAsync();
        store.State = new MediaGrainState();
        DeactivateOnIdle();
        return true;
    }
}
