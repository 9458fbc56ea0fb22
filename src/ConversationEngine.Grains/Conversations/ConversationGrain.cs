using ConversationEngine.Accounts;
using ConversationEngine.Contacts;
using ConversationEngine.Delivery;
using ConversationEngine.Indexes;
using ConversationEngine.Rules;
using ConversationEngine.Senders;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Conversations;

public sealed class ConversationGrain(
    [PersistentState("conversation", "store")] IPersistentState<ConversationGrainState> store,
    IGrainFactory grains,
    TimeProvider time,
    IOptions<LifecycleOptions> lifecycle) : Grain, IConversationGrain, IRemindable
{
    private const string SystemAuthor = "system";
    private const string TimerReminder = "timers";

    /// <summary>When the registered reminder next fires, as far as this activation knows.</summary>
    private DateTimeOffset? reminderDue;

    /// <summary>False once this activation knows there is no reminder (saves a reminder-table read).</summary>
    private bool reminderMayExist = true;

    private ConversationGrainState State => store.State;

    private string Sid => this.GetPrimaryKeyString();

    private ConversationTimers Timers => new(State.InactiveTimer, State.ClosedTimer, State.LastActivity);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Header is not null)
        {
            await RecoverMessageLogAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Header is not { } header)
        {
            await UnregisterTimerReminderAsync();
            return;
        }

        // The reminder has fired: whatever it was set for, it must be set again for what is due now.
        reminderDue = null;
        if (!await ElapseDueTimersAsync())
        {
            await ScheduleTimersAsync();
        }
    }

    public async Task<ConversationSnapshot> CreateAsync(CreateConversation command)
    {
        if (State.Header is not null)
        {
            throw Errors.Conflict(Errors.InvalidParameter, $"Conversation {Sid} already exists");
        }

        reminderMayExist = store.RecordExists;

        var now = Now();
        var state = command.State ?? ConversationStates.Active;
        CheckState(state);
        CheckTimerMinimums(command.InactiveTimer, command.ClosedTimer);
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

        var timers = new ConversationTimers(command.InactiveTimer, command.ClosedTimer, now);
        timers.NextDue(state);
        if (header.UniqueName is not null)
        {
            await ClaimUniqueNameAsync(header.ChatServiceSid, header.UniqueName);
        }

        try
        {
            State.DirectoryPosition = await Service(header.ChatServiceSid).RegisterConversationAsync(Sid);
            (State.Header, State.InactiveTimer, State.ClosedTimer, State.LastActivity) = (header, command.InactiveTimer, command.ClosedTimer, now);

            // The reminder first: if the write then fails, it fires for nothing and goes away.
            await ScheduleTimersAsync(beforeWrite: true);
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

        return Snapshot();
    }

    public Task<ConversationSnapshot?> GetAsync() => Task.FromResult(State.Header is null ? null : Snapshot());

    public Task<ConversationSnapshot?> PeekAsync() => GetAsync();

    public async Task<ConversationSnapshot> UpdateAsync(UpdateConversation command)
    {
        await ElapseDueTimersAsync();
        var header = Existing();
        if (header.State == ConversationStates.Closed)
        {
            throw Errors.Closed(Errors.ClosedConversationUpdate, "Can't update conversation as it's in final closed state");
        }

        if (command.State is not null)
        {
            CheckState(command.State);
            ConversationLifecycle.CheckTransition(header.State, command.State);
        }

        CheckTimerMinimums(command.InactiveTimer, command.ClosedTimer);

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

        var inactiveTimer = command.RemoveInactiveTimer ? null : command.InactiveTimer ?? State.InactiveTimer;
        var closedTimer = command.RemoveClosedTimer ? null : command.ClosedTimer ?? State.ClosedTimer;

        // Setting a timer or waking the conversation up restarts the timers; a rename does not.
        var restarts = command.InactiveTimer is not null || command.ClosedTimer is not null
            || (updated.State == ConversationStates.Active && header.State != ConversationStates.Active);
        var lastActivity = restarts ? Now() : State.LastActivity;
        new ConversationTimers(inactiveTimer, closedTimer, lastActivity).NextDue(updated.State);
        var renamed = uniqueName != header.UniqueName;
        if (renamed && uniqueName is not null)
        {
            await ClaimUniqueNameAsync(header.ChatServiceSid, uniqueName);
        }

        var previous = (State.InactiveTimer, State.ClosedTimer, State.LastActivity);
        (State.Header, State.InactiveTimer, State.ClosedTimer, State.LastActivity) = (updated, inactiveTimer, closedTimer, lastActivity);
        try
        {
            await ScheduleTimersAsync(beforeWrite: true);
            await store.WriteStateAsync();
        }
        catch
        {
            State.Header = header;
            (State.InactiveTimer, State.ClosedTimer, State.LastActivity) = previous;
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

        await ScheduleTimersAsync();
        return Snapshot();
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
            await ForgetDeliveriesAsync(await MessagePage(page).RangeAsync(page * IMessagePageGrain.Size, (page + 1) * IMessagePageGrain.Size - 1, false, IMessagePageGrain.Size));
            await MessagePage(page).ClearAsync();
        }

        await UnregisterTimerReminderAsync();
        await store.ClearStateAsync();
        store.State = new ConversationGrainState();
        DeactivateOnIdle();
    }

    public async Task<ParticipantSnapshot> AddParticipantAsync(AddParticipant command)
    {
        await ElapseDueTimersAsync();
        var header = Existing();
        ConversationLifecycle.CheckWritable(header.State, "add a participant");
        var (binding, claimed, keepSticky) = await AdmitAsync(command, header);
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

        var previous = (State.Header, State.LastActivity);
        State.Participants.Add(participant);
        MarkActivity(now);
        try
        {
            await ScheduleTimersAsync(beforeWrite: true);
            await store.WriteStateAsync();
        }
        catch
        {
            State.Participants.Remove(participant);
            (State.Header, State.LastActivity) = previous;
            if (claimed is not null)
            {
                await BindingIndex(claimed).ReleaseAsync(Sid);
            }

            throw;
        }

        if (keepSticky is not null)
        {
            // Only once the participant is stored: a refused add must not move the sticky sender.
            await keepSticky();
        }

        return participant;
    }

    /// <summary>
    /// Admits the participant and claims its address pair. An SMS or WhatsApp participant given
    /// an address but no proxy, in a conversation with a sender pool, gets the pool's best sender
    /// whose pair is free (sticky first, then geomatch and the rest of the selection rules).
    /// </summary>
    private async Task<(MessagingBinding? Binding, string? Claimed, Func<Task>? KeepSticky)> AdmitAsync(AddParticipant command, ConversationSnapshot header)
    {
        if (command is not { Address: not null, ProxyAddress: null, ProjectedAddress: null, Identity: null } || header.MessagingServiceSid is not { } service)
        {
            var admitted = ParticipantRules.Admit(command, State.Participants);
            if (admitted?.PairKey is { } pair)
            {
                await ClaimBindingAsync(pair);
            }

            return (admitted, admitted?.PairKey, null);
        }

        var address = ChannelAddress.Parse(command.Address, "MessagingBinding.Address", Errors.InvalidParameter);
        if (address.Type is not (ChannelTypes.Sms or ChannelTypes.WhatsApp))
        {
            throw Errors.Invalid(Errors.ProxyAddressRequired, "MessagingBinding.ProxyAddress is required for this channel");
        }

        var pool = await grains.GetGrain<IMessagingServiceGrain>(service).GetPoolAsync();
        var (ranked, sticky) = await PoolChoice.RankAsync(grains, pool, address.Type, address.Value, twoWay: true);
        EngineException? taken = null;
        foreach (var sender in ranked)
        {
            var binding = ParticipantRules.Admit(command with { ProxyAddress = sender.AddressFor(address.Type) }, State.Participants);
            try
            {
                await ClaimBindingAsync(binding!.PairKey!);
                return (binding, binding.PairKey, () => PoolChoice.KeepAsync(grains, pool, address.Value, sender, sticky));
            }
            catch (EngineException conflict) when (conflict.Code == Errors.BindingInUse)
            {
                taken = conflict;
            }
        }

        throw taken ?? Errors.Invalid(21703, $"No sender in Messaging Service {service} can reach {address.Value}");
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
        await ElapseDueTimersAsync();
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

        var previous = (State.Header, State.LastActivity);
        State.Participants[position] = updated;
        if (holdsPairs)
        {
            MarkActivity(Now());
        }

        try
        {
            await ScheduleTimersAsync(beforeWrite: true);
            await store.WriteStateAsync();
        }
        catch
        {
            State.Participants[position] = current;
            (State.Header, State.LastActivity) = previous;
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
        return Task.FromResult(Page.Slice(State.Participants, start, pageSize));
    }

    public async Task<MessageSnapshot> AddMessageAsync(AddMessage command)
    {
        await ElapseDueTimersAsync();
        var header = Existing();
        ConversationLifecycle.CheckWritable(header.State, "add a message");
        var author = FieldRules.Bounded(command.Author, "Author") ?? SystemAuthor;
        if (author.Length == 0)
        {
            author = SystemAuthor;
        }

        if (command.SourceSid is not null && await FindRecentAsync(command.SourceSid) is { } duplicate)
        {
            return duplicate;
        }

        var contentSid = FieldRules.Sid(command.ContentSid, Sids.Content, "ContentSid");
        FieldRules.ContentVariables(command.ContentVariables);
        FieldRules.Bounded(command.Subject, "Subject", FieldRules.SubjectMaxLength);
        var media = Media(command.MediaSids) ?? (command.MediaItems is { Count: > 0 } items ? items.ToList() : null);

        // With a content template the body and media come from the template (Twilio ignores both).
        var body = contentSid is null ? command.Body : null;
        if (contentSid is null && body is null && media is null)
        {
            throw Errors.Missing("Body, MediaSid or ContentSid");
        }

        // Inbound messages (with a source) are only held to the 32 KB chat limit: what a channel
        // delivered to us is never refused for being too long to send back out.
        FieldRules.Body(body, command.SourceSid is null && ReachesChannels());
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
            SourceSid = command.SourceSid,
            DateCreated = command.DateCreated ?? now,
            DateUpdated = command.DateUpdated ?? command.DateCreated ?? now,
        };

        // The outbox first: once the page holds the message, its deliveries are already on record.
        var order = DeliveryOrderFor(message, header, command.ContentVariables);
        message = message with { Deliveries = order?.Targets.Count ?? 0 };
        var outbox = order is null ? null : grains.GetGrain<IMessageDeliveryGrain>(DeliveryKeys.Outbox(Sid, message.Sid));
        if (outbox is not null)
        {
            await outbox.RecordAsync(order!);
        }

        try
        {
            await MessagePage(PageNumber(index)).AppendAsync(message);
        }
        catch
        {
            // The append may have been stored even though its answer was lost: never hand the
            // same index out twice.
            await RecoverMessageLogAsync();
            throw;
        }

        State.NextMessageIndex = index + 1;

        // The page holds the message, and activation recovers the activity time from it, so only
        // waking an inactive conversation needs a write here.
        var wakes = header.State == ConversationStates.Inactive;
        MarkActivity(now);
        if (wakes)
        {
            await ScheduleTimersAsync(beforeWrite: true);
            await store.WriteStateAsync();
        }

        if (outbox is not null)
        {
            // Only a nudge: the outbox's reminder sends anyway should this call be lost.
            await outbox.StartAsync();
        }

        return message;
    }

    /// <summary>Deleting a message stops what is still to be sent of it and removes its outbox.</summary>
    private async Task ForgetDeliveriesAsync(IEnumerable<MessageSnapshot> messages)
    {
        foreach (var message in messages.Where(m => m.Deliveries > 0))
        {
            await grains.GetGrain<IMessageDeliveryGrain>(DeliveryKeys.Outbox(Sid, message.Sid)).ForgetAsync();
        }
    }

    /// <summary>
    /// The message's deliveries: one for every participant with a channel address except its
    /// author (chat participants read the log itself). Null when there is nobody to send to.
    /// </summary>
    private DeliveryOrder? DeliveryOrderFor(MessageSnapshot message, ConversationSnapshot header, string? contentVariables)
    {
        var targets = State.Participants
            .Where(p => p.MessagingBinding is { Address: not null } && p.Sid != message.ParticipantSid)
            .Select(p => new DeliveryTarget
            {
                ParticipantSid = p.Sid,
                ReceiptSid = Sids.New(Sids.DeliveryReceipt),
                Channel = p.MessagingBinding!.Type,
                To = p.MessagingBinding.Address!,
                From = p.MessagingBinding.ProxyAddress,
            })
            .ToList();
        if (targets.Count == 0)
        {
            return null;
        }

        return new DeliveryOrder
        {
            ConversationSid = Sid,
            MessageSid = message.Sid,
            MessageIndex = message.Index,
            Body = message.Body,
            MediaUrls = message.Media?.Select(m => m.Url).OfType<string>().ToList() ?? [],
            ContentSid = message.ContentSid,
            ContentVariables = contentVariables,
            MessagingServiceSid = header.MessagingServiceSid,
            Targets = targets,
            DateCreated = time.GetUtcNow(),
        };
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
        await ForgetDeliveriesAsync([message]);
        await MessagePage(PageNumber(message.Index)).RemoveAsync(message.Index);
    }

    public async Task PutReceiptAsync(Delivery.DeliveryReceipt receipt)
    {
        Existing();
        var message = await FindMessageAsync(receipt.MessageSid);
        var receipts = message.Receipts.Where(r => r.Sid != receipt.Sid).Append(receipt).OrderBy(r => r.DateCreated).ThenBy(r => r.Sid, StringComparer.Ordinal).ToList();
        await MessagePage(PageNumber(message.Index)).ReplaceAsync(message with { Receipts = receipts });
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

    /// <summary>
    /// The message that came in as <paramref name="sourceSid"/>, looked for among the last two
    /// pages: a redelivery arrives within moments of the first, not thousands of messages later.
    /// </summary>
    private async Task<MessageSnapshot?> FindRecentAsync(string sourceSid)
    {
        var recent = await ScanMessagesAsync(State.NextMessageIndex - 1, descending: true, 2 * IMessagePageGrain.Size);
        return recent.Find(m => m.SourceSid == sourceSid);
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

        throw Errors.Unknown($"Message {messageSid}");
    }

    /// <summary>
    /// An append is acknowledged once its page holds it, before this grain writes anything; so after
    /// a crash the pages, not this grain's state, say where the log ends.
    /// </summary>
    private async Task RecoverMessageLogAsync()
    {
        while (true)
        {
            var page = PageNumber(State.NextMessageIndex);
            var highest = await MessagePage(page).HighestIndexAsync();
            if (highest < State.NextMessageIndex)
            {
                break;
            }

            State.NextMessageIndex = highest + 1;
        }

        if (State.NextMessageIndex > 0 && await MessagePage(PageNumber(State.NextMessageIndex - 1)).GetAsync(State.NextMessageIndex - 1) is { } last)
        {
            // A message dated in the future by its author must not hold the timers off.
            var appended = last.DateCreated < Now() ? last.DateCreated : Now();
            State.LastActivity = appended > State.LastActivity ? appended : State.LastActivity;
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
        var holder = await ClaimAsync(UniqueNameIndex(chatServiceSid, uniqueName), holder => holder is null);
        if (holder is not null)
        {
            throw Errors.Conflict(Errors.UniqueNameTaken, $"A conversation with UniqueName '{uniqueName}' already exists: {holder}");
        }
    }

    private async Task ClaimBindingAsync(string pairKey)
    {
        var holder = await ClaimAsync(BindingIndex(pairKey), holder => holder is null || holder.State == ConversationStates.Closed);
        if (holder is not null)
        {
            throw Errors.Conflict(Errors.BindingInUse, $"A binding for this participant and proxy address already exists in Conversation {holder}");
        }
    }

    /// <summary>
    /// Claims an index key; returns null on success or the holder's SID. A holder that no longer
    /// holds by right (gone, or closed by a timer whose reminder has not run yet) loses the key
    /// first: a late reminder or a crash midway through a delete must not keep a key taken. Its
    /// own release later finds another holder and does nothing.
    /// </summary>
    private async Task<string?> ClaimAsync(ISingleHolderIndexGrain index, Func<ConversationSnapshot?, bool> forfeits)
    {
        var holder = await index.ClaimAsync(Sid);
        if (holder is null || !forfeits(await grains.GetGrain<IConversationGrain>(holder).PeekAsync()))
        {
            return holder;
        }

        await index.ReleaseAsync(holder);
        return await index.ClaimAsync(Sid);
    }

    private async Task ReleaseBindingsAsync(IEnumerable<ParticipantSnapshot> participants)
    {
        foreach (var pair in participants.Select(p => p.MessagingBinding?.PairKey).OfType<string>())
        {
            await BindingIndex(pair).ReleaseAsync(Sid);
        }
    }

    /// <summary>
    /// The conversation as a client should see it now: a timer already due shows its effect even
    /// if its reminder has not run yet (it persists the change when it does).
    /// </summary>
    private ConversationSnapshot Snapshot()
    {
        var header = State.Header!;
        var state = ConversationLifecycle.Elapse(header.State, Timers, Now());
        return header with
        {
            State = state,
            DateInactive = Timers.InactiveDue(state),
            DateClosed = Timers.ClosedDue(state),
        };
    }

    /// <summary>
    /// Applies the timers due by now before anything else touches the conversation, so a late
    /// reminder (after downtime, say) never lets a write see a state that should have moved on.
    /// Returns whether the state changed (and the reminder was set again).
    /// </summary>
    private async Task<bool> ElapseDueTimersAsync()
    {
        if (State.Header is not { } header)
        {
            return false;
        }

        var next = ConversationLifecycle.Elapse(header.State, Timers, Now());
        if (next == header.State)
        {
            return false;
        }

        await ChangeStateAsync(header, next);
        await ScheduleTimersAsync();
        return true;
    }

    /// <summary>Activity restarts the timers and wakes an inactive conversation (in memory).</summary>
    private void MarkActivity(DateTimeOffset now)
    {
        State.LastActivity = now;
        var header = State.Header!;
        var state = ConversationLifecycle.AfterActivity(header.State);
        if (state != header.State)
        {
            State.Header = header with { State = state, DateUpdated = now };
        }
    }

    private async Task ChangeStateAsync(ConversationSnapshot header, string state)
    {
        State.Header = header with { State = state, DateUpdated = Now() };
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            State.Header = header;
            throw;
        }

        if (state == ConversationStates.Closed)
        {
            await ReleaseBindingsAsync(State.Participants);
        }
    }

    /// <summary>
    /// Keeps one reminder due no later than the next timer, or none. Activity only postpones
    /// timers, so a reminder that fires early just re-checks and is set again. Before a state
    /// write it only ever adds or advances the reminder (a failed write must not leave timers
    /// without one); removing it waits until the write has succeeded.
    /// </summary>
    private async Task ScheduleTimersAsync(bool beforeWrite = false)
    {
        var next = State.Header is { } header ? Timers.NextDue(header.State) : null;
        if (next is null)
        {
            if (!beforeWrite)
            {
                await UnregisterTimerReminderAsync();
            }

            return;
        }

        if (reminderDue is { } registered && registered <= next)
        {
            return;
        }

        var dueIn = next.Value - Now();
        reminderMayExist = true;
        await this.RegisterOrUpdateReminder(TimerReminder, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, lifecycle.Value.ReminderPeriod);
        reminderDue = next;
    }

    private async Task UnregisterTimerReminderAsync()
    {
        if (!reminderMayExist)
        {
            return;
        }

        if (await this.GetReminder(TimerReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        (reminderDue, reminderMayExist) = (null, false);
    }

    private void CheckTimerMinimums(TimeSpan? inactive, TimeSpan? closed) =>
        ConversationLifecycle.CheckMinimums(inactive, closed, lifecycle.Value.TestingOnlyMinimumTimer);

    private static void CheckState(string state)
    {
        if (state is not (ConversationStates.Active or ConversationStates.Inactive or ConversationStates.Closed))
        {
            throw Errors.Invalid("State", $"'{state}' is not one of active, inactive, closed");
        }
    }

    private ConversationSnapshot Existing() =>
        State.Header ?? throw Errors.Unknown($"Conversation {Sid}");

    private int ParticipantPosition(string participantSid)
    {
        var position = State.Participants.FindIndex(p => p.Sid == participantSid);
        return position >= 0 ? position : throw ParticipantNotFound(participantSid);
    }

    private static EngineException ParticipantNotFound(string participant) =>
        Errors.Unknown($"Participant {participant}");

    private long LastPageNumber() => PageNumber(Math.Max(State.NextMessageIndex - 1, 0));

    private static long PageNumber(long index) => index / IMessagePageGrain.Size;

    private DateTimeOffset Now() => time.UtcNowToSecond();

    private IMessagePageGrain MessagePage(long page) => grains.GetGrain<IMessagePageGrain>(IndexKeys.MessagePage(Sid, page));

    private IBindingIndexGrain BindingIndex(string pairKey) => grains.GetGrain<IBindingIndexGrain>(pairKey);

    private IUniqueNameIndexGrain UniqueNameIndex(string chatServiceSid, string uniqueName) =>
        grains.GetGrain<IUniqueNameIndexGrain>(IndexKeys.UniqueName(chatServiceSid, uniqueName));

    private IChatServiceGrain Service(string chatServiceSid) => grains.GetGrain<IChatServiceGrain>(chatServiceSid);
}
