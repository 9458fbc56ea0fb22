using ConversationEngine.Accounts;
using ConversationEngine.Indexes;
using ConversationEngine.Rules;

namespace ConversationEngine.Conversations;

public sealed class ConversationGrain(
    [PersistentState("conversation", "store")] IPersistentState<ConversationGrainState> store,
    IGrainFactory grains,
    TimeProvider time) : Grain, IConversationGrain
{
    private const string SystemAuthor = "system";

    private ConversationGrainState State => store.State;

    private string Sid => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Header is not null)
        {
            await RecoverNextMessageIndexAsync();
        }
    }

    public async Task<ConversationSnapshot> CreateAsync(CreateConversation command)
    {
        if (State.Header is not null)
        {
            throw Errors.Conflict(Errors.InvalidParameter, $"Conversation {Sid} already exists");
        }

        var now = Now();
        var state = command.State ?? ConversationStates.Active;
        CheckState(state);
        var header = new ConversationSnapshot
        {
            Sid = Sid,
            ChatServiceSid = command.ChatServiceSid,
            MessagingServiceSid = FieldRules.Sid(command.MessagingServiceSid, Sids.MessagingService, "MessagingServiceSid"),
            FriendlyName = FieldRules.Bounded(command.FriendlyName, "FriendlyName"),
            UniqueName = FieldRules.UniqueName(command.UniqueName),
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.ConversationAttributesMaxBytes),
            State = state,
            DateCreated = command.DateCreated ?? now,
            DateUpdated = command.DateUpdated ?? command.DateCreated ?? now,
        };

        header = WithTimers(header, command.InactiveTimer, command.ClosedTimer);
        if (header.UniqueName is not null)
        {
            await ClaimUniqueNameAsync(header.ChatServiceSid, header.UniqueName);
        }

        try
        {
            State.DirectoryPosition = await Service(header.ChatServiceSid).RegisterConversationAsync(Sid);
            (State.Header, State.InactiveTimer, State.ClosedTimer) = (header, command.InactiveTimer, command.ClosedTimer);
            await store.WriteStateAsync();
        }
        catch
        {
            State.Header = null;
            if (header.UniqueName is not null)
            {
                await UniqueNameIndex(header.ChatServiceSid, header.UniqueName).ReleaseAsync(Sid);
            }

            throw;
        }

        return State.Header;
    }

    public Task<ConversationSnapshot?> GetAsync() => Task.FromResult(State.Header);

    public async Task<ConversationSnapshot> UpdateAsync(UpdateConversation command)
    {
        var header = Existing();
        if (header.State == ConversationStates.Closed)
        {
            throw Errors.BadRequest(Errors.ClosedConversationUpdate, "Can't update conversation as it's in final closed state");
        }

        if (command.State is not null)
        {
            CheckState(command.State);
        }

        var uniqueName = command.UniqueName is null ? header.UniqueName : FieldRules.UniqueName(command.UniqueName);
        var updated = header with
        {
            FriendlyName = FieldRules.Bounded(command.FriendlyName, "FriendlyName") ?? header.FriendlyName,
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.ConversationAttributesMaxBytes, header.Attributes),
            MessagingServiceSid = FieldRules.Sid(command.MessagingServiceSid, Sids.MessagingService, "MessagingServiceSid") ?? header.MessagingServiceSid,
            UniqueName = uniqueName,
            State = command.State ?? header.State,
            DateCreated = command.DateCreated ?? header.DateCreated,
            DateUpdated = command.DateUpdated ?? Now(),
        };

        var inactiveTimer = command.InactiveTimer ?? State.InactiveTimer;
        var closedTimer = command.ClosedTimer ?? State.ClosedTimer;
        updated = WithTimers(updated, inactiveTimer, closedTimer);
        var renamed = uniqueName != header.UniqueName;
        if (renamed && uniqueName is not null)
        {
            await ClaimUniqueNameAsync(header.ChatServiceSid, uniqueName);
        }

        var previousTimers = (State.InactiveTimer, State.ClosedTimer);
        (State.Header, State.InactiveTimer, State.ClosedTimer) = (updated, inactiveTimer, closedTimer);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            State.Header = header;
            (State.InactiveTimer, State.ClosedTimer) = previousTimers;
            if (renamed && uniqueName is not null)
            {
                await UniqueNameIndex(header.ChatServiceSid, uniqueName).ReleaseAsync(Sid);
            }

            throw;
        }

        if (renamed && header.UniqueName is not null)
        {
            await UniqueNameIndex(header.ChatServiceSid, header.UniqueName).ReleaseAsync(Sid);
        }

        if (updated.State == ConversationStates.Closed)
        {
            await ReleaseBindingsAsync(State.Participants);
        }

        return State.Header;
    }

    public async Task DeleteAsync()
    {
        var header = Existing();

        // Release what other grains hold for us first: a crash midway leaves a conversation that can
        // be deleted again, never an index entry pointing at nothing forever.
        await ReleaseBindingsAsync(State.Participants);
        if (header.UniqueName is not null)
        {
            await UniqueNameIndex(header.ChatServiceSid, header.UniqueName).ReleaseAsync(Sid);
        }

        if (State.DirectoryPosition >= 0)
        {
            await Service(header.ChatServiceSid).UnregisterConversationAsync(State.DirectoryPosition);
        }

        for (long page = 0; page <= LastPageNumber(); page++)
        {
            await MessagePage(page).ClearAsync();
        }

        await store.ClearStateAsync();
        store.State = new ConversationGrainState();
        DeactivateOnIdle();
    }

    public async Task<ParticipantSnapshot> AddParticipantAsync(AddParticipant command)
    {
        var header = Existing();
        var binding = ParticipantRules.Admit(command, State.Participants);
        var now = Now();
        var participant = new ParticipantSnapshot
        {
            Sid = Sids.New(Sids.Participant),
            ConversationSid = Sid,
            ChatServiceSid = header.ChatServiceSid,
            Identity = command.Identity,
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.ParticipantAttributesMaxBytes),
            MessagingBinding = binding,
            RoleSid = FieldRules.Sid(command.RoleSid, Sids.Role, "RoleSid"),
            DateCreated = command.DateCreated ?? now,
            DateUpdated = command.DateUpdated ?? command.DateCreated ?? now,
        };

        var claimed = header.State != ConversationStates.Closed ? binding?.PairKey : null;
        if (claimed is not null)
        {
            await ClaimBindingAsync(claimed);
        }

        State.Participants.Add(participant);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            State.Participants.Remove(participant);
            if (claimed is not null)
            {
                await BindingIndex(claimed).ReleaseAsync(Sid);
            }

            throw;
        }

        return participant;
    }

    public Task<ParticipantSnapshot> GetParticipantAsync(string sidOrIdentity)
    {
        Existing();
        return Task.FromResult(
            State.Participants.Find(p => p.Sid == sidOrIdentity)
            ?? State.Participants.Find(p => p.Identity == sidOrIdentity)
            ?? throw ParticipantNotFound(sidOrIdentity));
    }

    public async Task<ParticipantSnapshot> UpdateParticipantAsync(string participantSid, UpdateParticipant command)
    {
        var header = Existing();
        var position = ParticipantPosition(participantSid);
        var current = State.Participants[position];
        ParticipantRules.CheckIdentity(command.Identity, current.Sid, State.Participants);
        var binding = ParticipantRules.Rebind(current, command, State.Participants);
        if (command.LastReadMessageIndex is < 0)
        {
            throw Errors.Invalid("LastReadMessageIndex", "must not be negative");
        }

        var updated = current with
        {
            Identity = command.Identity ?? current.Identity,
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.ParticipantAttributesMaxBytes, current.Attributes),
            RoleSid = FieldRules.Sid(command.RoleSid, Sids.Role, "RoleSid") ?? current.RoleSid,
            MessagingBinding = binding,
            LastReadMessageIndex = command.LastReadMessageIndex ?? current.LastReadMessageIndex,
            LastReadTimestamp = command.LastReadTimestamp ?? current.LastReadTimestamp,
            DateCreated = command.DateCreated ?? current.DateCreated,
            DateUpdated = command.DateUpdated ?? Now(),
        };

        var oldPair = current.MessagingBinding?.PairKey;
        var newPair = binding?.PairKey;
        var holdsPairs = header.State != ConversationStates.Closed;
        var claimed = holdsPairs && newPair is not null && newPair != oldPair ? newPair : null;
        if (claimed is not null)
        {
            await ClaimBindingAsync(claimed);
        }

        State.Participants[position] = updated;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            State.Participants[position] = current;
            if (claimed is not null)
            {
                await BindingIndex(claimed).ReleaseAsync(Sid);
            }

            throw;
        }

        if (holdsPairs && oldPair is not null && oldPair != newPair)
        {
            await BindingIndex(oldPair).ReleaseAsync(Sid);
        }

        return updated;
    }

    public async Task RemoveParticipantAsync(string participantSid)
    {
        Existing();
        var position = ParticipantPosition(participantSid);
        var participant = State.Participants[position];
        State.Participants.RemoveAt(position);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            State.Participants.Insert(position, participant);
            throw;
        }

        await ReleaseBindingsAsync([participant]);
    }

    public Task<Page<ParticipantSnapshot>> ListParticipantsAsync(long start, int pageSize)
    {
        Existing();
        var items = State.Participants.Skip((int)Math.Min(start, int.MaxValue)).Take(pageSize).ToList();
        var next = start + items.Count;
        return Task.FromResult(new Page<ParticipantSnapshot>
        {
            Items = items,
            Next = next < State.Participants.Count ? next : null,
            Previous = start > 0 ? Math.Max(0, start - pageSize) : null,
        });
    }

    public async Task<MessageSnapshot> AddMessageAsync(AddMessage command)
    {
        var header = Existing();
        var author = FieldRules.Bounded(command.Author, "Author") ?? SystemAuthor;
        if (author.Length == 0)
        {
            author = SystemAuthor;
        }

        var contentSid = FieldRules.Sid(command.ContentSid, Sids.Content, "ContentSid");
        FieldRules.ContentVariables(command.ContentVariables);
        FieldRules.Bounded(command.Subject, "Subject", FieldRules.SubjectMaxLength);
        var media = Media(command.MediaSids);

        // With a content template the body and media come from the template (Twilio ignores both).
        var body = contentSid is null ? command.Body : null;
        if (contentSid is null && body is null && media is null)
        {
            throw Errors.Missing("Body, MediaSid or ContentSid");
        }

        FieldRules.Body(body, ReachesChannels());
        var now = Now();
        var index = State.NextMessageIndex;
        var message = new MessageSnapshot
        {
            Sid = Sids.NewMessage(index),
            ConversationSid = Sid,
            ChatServiceSid = header.ChatServiceSid,
            Index = index,
            Author = author,
            Body = body,
            Media = contentSid is null ? media : null,
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.MessageAttributesMaxBytes),
            ParticipantSid = AuthorParticipant(author)?.Sid,
            ContentSid = contentSid,
            DateCreated = command.DateCreated ?? now,
            DateUpdated = command.DateUpdated ?? command.DateCreated ?? now,
        };

        try
        {
            await MessagePage(PageNumber(index)).AppendAsync(message);
        }
        catch
        {
            // The append may have been stored even though its answer was lost: never hand the
            // same index out twice.
            await RecoverNextMessageIndexAsync();
            throw;
        }

        State.NextMessageIndex = index + 1;
        return message;
    }

    public async Task<MessageSnapshot> GetMessageAsync(string messageSid)
    {
        Existing();
        return await FindMessageAsync(messageSid);
    }

    public async Task<MessageSnapshot> UpdateMessageAsync(string messageSid, UpdateMessage command)
    {
        Existing();
        var current = await FindMessageAsync(messageSid);
        FieldRules.Bounded(command.Subject, "Subject", FieldRules.SubjectMaxLength);
        var author = FieldRules.Bounded(command.Author, "Author");
        FieldRules.Body(command.Body, ReachesChannels());
        var updated = current with
        {
            Author = author ?? current.Author,
            ParticipantSid = author is null ? current.ParticipantSid : AuthorParticipant(author)?.Sid,
            Body = command.Body ?? current.Body,
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.MessageAttributesMaxBytes, current.Attributes),
            DateCreated = command.DateCreated ?? current.DateCreated,
            DateUpdated = command.DateUpdated ?? Now(),
        };

        await MessagePage(PageNumber(current.Index)).ReplaceAsync(updated);
        return updated;
    }

    public async Task RemoveMessageAsync(string messageSid)
    {
        Existing();
        var message = await FindMessageAsync(messageSid);
        await MessagePage(PageNumber(message.Index)).RemoveAsync(message.Index);
    }

    public async Task<Page<MessageSnapshot>> ListMessagesAsync(long? start, bool descending, int pageSize)
    {
        Existing();
        var last = State.NextMessageIndex - 1;
        var from = start ?? (descending ? last : 0);
        var items = await ScanMessagesAsync(from, descending, pageSize + 1);
        var hasMore = items.Count > pageSize;
        long? previous = null;
        var before = descending ? from + 1 : from - 1;
        if (before >= 0 && before <= last)
        {
            var preceding = await ScanMessagesAsync(before, !descending, pageSize);
            previous = preceding.Count > 0 ? preceding[^1].Index : null;
        }

        return new Page<MessageSnapshot>
        {
            Items = hasMore ? items.Take(pageSize).ToList() : items,
            Next = hasMore ? items[pageSize].Index : null,
            Previous = previous,
        };
    }

    private async Task<List<MessageSnapshot>> ScanMessagesAsync(long from, bool descending, int max)
    {
        var found = new List<MessageSnapshot>(Math.Min(max, 1024));
        var last = State.NextMessageIndex - 1;
        var position = Math.Clamp(from, 0, Math.Max(last, 0));
        if (last < 0 || from > last || from < 0)
        {
            return found;
        }

        while (found.Count < max && position >= 0 && position <= last)
        {
            var page = PageNumber(position);
            var pageFirst = page * IMessagePageGrain.Size;
            var pageLast = pageFirst + IMessagePageGrain.Size - 1;
            var (rangeFirst, rangeLast) = descending ? (pageFirst, position) : (position, Math.Min(pageLast, last));
            found.AddRange(await MessagePage(page).RangeAsync(rangeFirst, rangeLast, descending, max - found.Count));
            position = descending ? pageFirst - 1 : pageLast + 1;
        }

        return found;
    }

    private async Task<MessageSnapshot> FindMessageAsync(string messageSid)
    {
        if (Sids.TryGetMessageIndex(messageSid, out var index) && index < State.NextMessageIndex)
        {
            var message = await MessagePage(PageNumber(index)).GetAsync(index);
            if (message is not null && message.Sid == messageSid)
            {
                return message;
            }
        }

        throw Errors.ResourceNotFound($"/Conversations/{Sid}/Messages/{messageSid}");
    }

    /// <summary>
    /// An append is acknowledged once its page holds it, before this grain writes anything; so after
    /// a crash the pages, not this grain's state, say where the log ends.
    /// </summary>
    private async Task RecoverNextMessageIndexAsync()
    {
        while (true)
        {
            var page = PageNumber(State.NextMessageIndex);
            var highest = await MessagePage(page).HighestIndexAsync();
            if (highest < State.NextMessageIndex)
            {
                return;
            }

            State.NextMessageIndex = highest + 1;
        }
    }

    private static List<MediaItem>? Media(IReadOnlyList<string>? mediaSids)
    {
        if (mediaSids is null || mediaSids.Count == 0)
        {
            return null;
        }

        return mediaSids
            .Select(sid => new MediaItem { Sid = FieldRules.Sid(sid, Sids.Media, "MediaSid")! })
            .ToList();
    }

    private ParticipantSnapshot? AuthorParticipant(string author) =>
        State.Participants.Find(p => p.Identity == author)
        ?? State.Participants.Find(p => p.MessagingBinding?.Address == author || p.MessagingBinding?.ProjectedAddress == author);

    private bool ReachesChannels() => State.Participants.Exists(p => p.MessagingBinding?.Address is not null);

    private async Task ClaimUniqueNameAsync(string chatServiceSid, string uniqueName)
    {
        var holder = await UniqueNameIndex(chatServiceSid, uniqueName).ClaimAsync(Sid);
        if (holder is not null)
        {
            throw Errors.Conflict(Errors.UniqueNameTaken, $"A conversation with UniqueName '{uniqueName}' already exists: {holder}");
        }
    }

    private async Task ClaimBindingAsync(string pairKey)
    {
        var holder = await BindingIndex(pairKey).ClaimAsync(Sid);
        if (holder is not null)
        {
            throw Errors.Conflict(Errors.BindingInUse, $"A binding for this participant and proxy address already exists in Conversation {holder}");
        }
    }

    private async Task ReleaseBindingsAsync(IEnumerable<ParticipantSnapshot> participants)
    {
        foreach (var pair in participants.Select(p => p.MessagingBinding?.PairKey).OfType<string>())
        {
            await BindingIndex(pair).ReleaseAsync(Sid);
        }
    }

    /// <summary>Both timers run from the same instant, the last update (as in Twilio's examples).</summary>
    private static ConversationSnapshot WithTimers(ConversationSnapshot header, TimeSpan? inactiveTimer, TimeSpan? closedTimer)
    {
        var reference = header.DateUpdated;
        return header with
        {
            DateInactive = inactiveTimer is { } inactive && header.State == ConversationStates.Active ? Due(reference, inactive, "Timers.Inactive") : null,
            DateClosed = closedTimer is { } closed && header.State != ConversationStates.Closed ? Due(reference, closed, "Timers.Closed") : null,
        };
    }

    private static DateTimeOffset Due(DateTimeOffset reference, TimeSpan timer, string parameter) =>
        timer <= DateTimeOffset.MaxValue - reference
            ? reference + timer
            : throw Errors.Invalid(parameter, "the timer would end beyond the year 9999");

    private static void CheckState(string state)
    {
        if (state is not (ConversationStates.Active or ConversationStates.Inactive or ConversationStates.Closed))
        {
            throw Errors.Invalid("State", $"'{state}' is not one of active, inactive, closed");
        }
    }

    private ConversationSnapshot Existing() =>
        State.Header ?? throw Errors.ResourceNotFound($"/Conversations/{Sid}");

    private int ParticipantPosition(string participantSid)
    {
        var position = State.Participants.FindIndex(p => p.Sid == participantSid);
        return position >= 0 ? position : throw ParticipantNotFound(participantSid);
    }

    private EngineException ParticipantNotFound(string participant) =>
        Errors.ResourceNotFound($"/Conversations/{Sid}/Participants/{participant}");

    private long LastPageNumber() => PageNumber(Math.Max(State.NextMessageIndex - 1, 0));

    private static long PageNumber(long index) => index / IMessagePageGrain.Size;

    private DateTimeOffset Now() => TruncateToSeconds(time.GetUtcNow());

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private IMessagePageGrain MessagePage(long page) => grains.GetGrain<IMessagePageGrain>(IndexKeys.MessagePage(Sid, page));

    private IBindingIndexGrain BindingIndex(string pairKey) => grains.GetGrain<IBindingIndexGrain>(pairKey);

    private IUniqueNameIndexGrain UniqueNameIndex(string chatServiceSid, string uniqueName) =>
        grains.GetGrain<IUniqueNameIndexGrain>(IndexKeys.UniqueName(chatServiceSid, uniqueName));

    private IChatServiceGrain Service(string chatServiceSid) => grains.GetGrain<IChatServiceGrain>(chatServiceSid);
}
