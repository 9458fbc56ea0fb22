using ConversationEngine.Delivery;
using ConversationEngine.Events;
using ConversationEngine.Indexes;
using ConversationEngine.Rules;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Conversations;

/// <summary>
/// A conversation: it orders the work on its header, participants and messages and decides when
/// to store. The work is held by collaborators: the message log, the participant roster, the
/// index claims (unique name, bindings), the lifecycle timers and delivery orders. Calls go out
/// from here only: the outbox, pages and indexes it calls never call a conversation, bar the
/// interleaved <see cref="PeekAsync"/> another conversation's claim asks. After each stored change
/// it brings its entry in the conversation list up to date itself, so creates share no grain.
/// </summary>
public sealed partial class ConversationGrain(
    [PersistentState("conversation", "store")] IPersistentState<ConversationGrainState> store,
    IGrainFactory grains,
    TimeProvider time,
    IOptions<LifecycleOptions> lifecycle,
    IConversationIndex list,
    IEventStore events,
    ILogger<ConversationGrain> logger,
    Telemetry.EngineMetrics metrics,
    IMessageLogStore? table = null) : Grain, IConversationGrain, IRemindable, IIncomingGrainCallFilter
{
    /// <summary>The conversation's event feed; kept across a deletion, as the feed outlives the conversation.</summary>
    private EventFeed? feed;

    /// <summary>The conversation's entry in the list as far as this activation knows; null when unknown.</summary>
    private ListedConversation? listed;

    private MessageLog? log;
    private IndexClaims? claims;
    private ParticipantRoster? roster;
    private LifecycleTimers? timers;
    private ParticipantDirectory? directory;

    /// <summary>
    /// The conversation a ConversationWithParticipants is claiming keys for, before it is stored:
    /// <see cref="PeekAsync"/> shows it, so another claimant does not take it for gone and take
    /// over a key it has just claimed.
    /// </summary>
    private ConversationSnapshot? admitting;

    private ConversationGrainState State => store.State;

    private EventFeed Feed => feed ??= new EventFeed(events, grains, Sid, logger);

    private string Sid => this.GetPrimaryKeyString();

    private MessageLog Log => log ??= MessageLog.For(grains, table, events, Sid, State);

    private IndexClaims Claims => claims ??= new IndexClaims(grains, Sid);

    private ParticipantRoster Roster => roster ??= new ParticipantRoster(grains, Claims, State);

    private LifecycleTimers Timers => timers ??= new LifecycleTimers(this, State, time, lifecycle.Value);

    private ParticipantDirectory Directory => directory ??= new ParticipantDirectory(grains, Sid, State);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Header is not null)
        {
            (log, var last) = await MessageLog.OpenAsync(grains, table, events, Sid, State, () => store.WriteStateAsync());
            await AppendPendingMessageAsync();
            Timers.Appended(last);

            // The feed goes on after the last event stored or carried by the state; what the
            // state still carries is moved into the feed now.
            await Feed.OpenAsync(State.PendingEvents);
            await FlushEventsAsync();

            // A crash between a stored change and its list entry is mended here.
            await EnsureListedAsync();

            // So is one between a participant change and its participant-conversation entries.
            await TryFlushIndexAsync();

            // A ConversationWithParticipants a crash interrupted fails now, as it would have then.
            if (State.Header.State == ConversationStates.Initializing)
            {
                await CloseFailedCreationAsync(State.Participants.ToList());
            }
        }
    }

    /// <summary>
    /// Another writer took the index or the event sequence this activation handed out: during a
    /// membership change a second activation of this conversation ran. This one's counters are
    /// stale, so it steps aside (nothing of the refused write was stored); the next call starts
    /// from what is stored.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (EngineException error) when (error.Kind == ErrorKind.Unavailable)
        {
            this.DeactivateOnIdle();
            throw;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (State.Header is not null && listed is null)
        {
            await TryListAsync();
        }

        if (State.PendingIndexChanges.Count > 0)
        {
            await TryFlushIndexAsync();
        }
    }

    public async Task EnsureListedAsync()
    {
        if (State.Header is not null)
        {
            listed ??= await list.GetAsync(Sid);
            await ListAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Header is null)
        {
            await Timers.RemoveAsync();
            return;
        }

        Timers.Fired();
        if (!await ElapseDueTimersAsync())
        {
            await Timers.ScheduleAsync();
        }
    }

    /// <summary>
    /// The header a create stores, once its checks pass; null when a retried create (its SID
    /// reserved by an idempotency key) finds the conversation already made.
    /// </summary>
    private ConversationSnapshot? Draft(CreateConversation command, DateTimeOffset now)
    {
        if (State.Header is not null)
        {
            return command.Reserved ? null : throw Errors.Conflict(Errors.InvalidParameter, $"Conversation {Sid} already exists");
        }

        if (!store.RecordExists)
        {
            Timers.KnownAbsent();
        }

        Timers.CheckMinimums(command.InactiveTimer, command.ClosedTimer);
        var header = Drafts.NewConversation(Sid, command, now);
        LifecycleTimers.CheckEnds(command.InactiveTimer, command.ClosedTimer, header.State, now);
        return header;
    }

    public async Task<ConversationSnapshot> CreateAsync(CreateConversation command)
    {
        var now = Now();
        if (Draft(command, now) is not { } header)
        {
            return Timers.Snapshot();
        }

        if (header.UniqueName is not null)
        {
            await Claims.ClaimUniqueNameAsync(header.ChatServiceSid, header.UniqueName);
        }

        try
        {
            (State.Header, State.InactiveTimer, State.ClosedTimer, State.LastActivity) = (header, command.InactiveTimer, command.ClosedTimer, now);
            State.LogFormat = table is null ? LogFormats.Pages : LogFormats.Table;
            await SaveAsync(new PendingChange(() => State.Header = null), changes: NewEvent(EventTypes.ConversationAdded, EventParameters.Conversation(header)));
        }
        catch when (header.UniqueName is not null)
        {
            await Claims.ReleaseUniqueNameAsync(header.ChatServiceSid, header.UniqueName);
            throw;
        }

        return Timers.Snapshot();
    }

    public async Task<ConversationSnapshot> CreateWithParticipantsAsync(CreateConversation command, IReadOnlyList<AddParticipant> participants)
    {
        var now = Now();
        if (Draft(command, now) is not { } requested)
        {
            // A retry finds what its first attempt made: a conversation, or a failure (closed, or
            // still initializing when the close could not be stored), which it reports again.
            return State.CreationFailed || State.Header!.State == ConversationStates.Initializing
                ? throw CreationFailed()
                : Timers.Snapshot();
        }

        var header = requested with { State = ConversationStates.Initializing };

        // Each participant's role and user, as for a participant added alone.
        var prepared = new List<AddParticipant>(participants.Count);
        foreach (var participant in participants)
        {
            prepared.Add(await ParticipantUsers.PrepareAsync(grains, header.ChatServiceSid, participant));
        }

        participants = prepared;
        List<(ParticipantSnapshot Participant, Senders.Admission Admission)> admitted;
        admitting = header;
        try
        {
            admitted = await AdmitAllAsync(header, participants, now);
            try
            {
                (State.Header, State.InactiveTimer, State.ClosedTimer, State.LastActivity) = (header, command.InactiveTimer, command.ClosedTimer, now);
                State.LogFormat = table is null ? LogFormats.Pages : LogFormats.Table;
                await SaveAsync(new PendingChange(() => State.Header = null), changes: NewEvent(EventTypes.ConversationAdded, EventParameters.Conversation(header)));
            }
            catch
            {
                // Nothing stored: a refusal like any create's, with what was claimed given back.
                await GiveBackAsync(header, admitted.Select(a => a.Participant));
                throw;
            }
        }
        finally
        {
            admitting = null;
        }

        try
        {
            foreach (var (participant, admission) in admitted)
            {
                var change = Directory.With(Roster.Place(participant, admission), ParticipantDirectory.Joined(participant));
                await SaveAsync(change, changes: NewEvent(EventTypes.ParticipantAdded, EventParameters.Participant(participant, EventTypes.ParticipantAdded)));
            }

            var ready = header with { State = requested.State };
            State.Header = ready;
            await SaveAsync(new PendingChange(() => State.Header = header), changes: [.. StateEvents(header, ready, "API")]);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            LogCreationFailed(logger, failure, Sid);
            await CloseFailedCreationAsync(admitted.Select(a => a.Participant).ToList());
            throw CreationFailed();
        }

        if (requested.State == ConversationStates.Closed)
        {
            await Claims.ReleaseBindingsAsync(State.Participants);
        }

        return Timers.Snapshot();
    }

    /// <summary>
    /// Claims the unique name and each participant's pair, each participant validated against
    /// those before it; a refusal gives back everything claimed (a pair in use is 50425 here).
    /// </summary>
    private async Task<List<(ParticipantSnapshot Participant, Senders.Admission Admission)>> AdmitAllAsync(
        ConversationSnapshot header, IReadOnlyList<AddParticipant> participants, DateTimeOffset now)
    {
        var admitted = new List<(ParticipantSnapshot Participant, Senders.Admission Admission)>();
        var named = false;
        try
        {
            if (header.UniqueName is not null)
            {
                await Claims.ClaimUniqueNameAsync(header.ChatServiceSid, header.UniqueName);
                named = true;
            }

            foreach (var command in participants)
            {
                admitted.Add(await Roster.AdmitAsync(command, header, admitted.ConvertAll(a => a.Participant), now));
            }

            return admitted;
        }
        catch (Exception refusal) when (refusal is not OperationCanceledException)
        {
            await GiveBackAsync(named ? header : header with { UniqueName = null }, admitted.Select(a => a.Participant));
            if (refusal is EngineException { Code: Errors.BindingInUse } inUse)
            {
                throw Errors.Conflict(Errors.BulkBindingInUse, inUse.Message);
            }

            throw;
        }
    }

    /// <summary>
    /// A ConversationWithParticipants that failed part-way, or that a crash interrupted (found on
    /// activation): closed, its unique name dropped, and every pair and name it claimed given back.
    /// Should the close not be stored, the conversation stays initializing and the next activation
    /// closes it.
    /// </summary>
    private async Task CloseFailedCreationAsync(IReadOnlyList<ParticipantSnapshot> claimed)
    {
        var header = State.Header!;
        var closed = header with { State = ConversationStates.Closed, UniqueName = null, DateUpdated = Now() };
        (State.Header, State.CreationFailed) = (closed, true);
        try
        {
            await SaveAsync(
                new PendingChange(() => (State.Header, State.CreationFailed) = (header, false)),
                changes: [NewEvent(EventTypes.ConversationUpdated, EventParameters.Conversation(closed)), .. StateEvents(header, closed, "API")]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCloseFailed(logger, e, Sid);
            DeactivateOnIdle();
        }

        await GiveBackAsync(header, [.. claimed, .. State.Participants]);
    }

    private EngineException CreationFailed() => Errors.Failed(
        Errors.ConversationWithParticipantsFailed,
        $"Conversation {Sid} could not be created with its participants; it was moved to closed and everything it held was released");

    /// <summary>
    /// Releases the header's unique name and the participants' pairs. A key left behind by a
    /// failure here is not lost: a holder that is closed or gone forfeits it to the next claimant.
    /// </summary>
    private async Task GiveBackAsync(ConversationSnapshot header, IEnumerable<ParticipantSnapshot> participants)
    {
        try
        {
            await Claims.ReleaseAllAsync(header, participants);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogClaimsLeft(logger, e, Sid);
        }
    }

    public Task<ConversationSnapshot?> GetAsync() => Task.FromResult(State.Header is null ? null : Timers.Snapshot());

    public Task<ConversationSnapshot?> PeekAsync() => State.Header is null ? Task.FromResult(admitting) : GetAsync();

    public async Task<ConversationSnapshot> UpdateAsync(UpdateConversation command)
    {
        await ElapseDueTimersAsync();
        var header = Existing();
        ConversationLifecycle.CheckWritable(header.State, null);
        Timers.CheckMinimums(command.InactiveTimer, command.ClosedTimer);
        var updated = Drafts.UpdatedConversation(header, command, Now());
        var (inactiveTimer, closedTimer, lastActivity) = Timers.AfterUpdate(command, header.State, updated.State);
        var unclaimName = await Claims.RenameAsync(header.ChatServiceSid, header.UniqueName, updated.UniqueName);
        var previous = (State.InactiveTimer, State.ClosedTimer, State.LastActivity);
        (State.Header, State.InactiveTimer, State.ClosedTimer, State.LastActivity) = (updated, inactiveTimer, closedTimer, lastActivity);
        await SaveAsync(
            new PendingChange(
                () => (State.Header, State.InactiveTimer, State.ClosedTimer, State.LastActivity) = (header, previous.InactiveTimer, previous.ClosedTimer, previous.LastActivity),
                unclaimName,
                () => Claims.RenamedAsync(header.ChatServiceSid, header.UniqueName, updated.UniqueName)),
            changes: [
                NewEvent(EventTypes.ConversationUpdated, EventParameters.Conversation(updated)),
                .. StateEvents(header, updated, "API"),
            ]);

        if (updated.State == ConversationStates.Closed)
        {
            await Claims.ReleaseBindingsAsync(State.Participants);
        }

        await Timers.ScheduleAsync();
        return Timers.Snapshot();
    }

    public async Task DeleteAsync()
    {
        var header = Existing();

        // Release what other grains hold for us first: a crash midway leaves a conversation that can
        // be deleted again, never an index entry pointing at nothing forever.
        await Claims.ReleaseAllAsync(header, State.Participants);
        await Directory.FlushAsync();
        await Directory.ForgetAsync(State.Participants);
        await list.RemoveAsync(Sid);
        listed = null;

        // The feed outlives the conversation: its last event says it is gone.
        await FlushEventsAsync();
        await Feed.AppendAsync([NewEvent(EventTypes.ConversationRemoved, EventParameters.Conversation(header, Now()))]);
        Feed.Notify(header.ChatServiceSid);

        await Log.ClearAsync(async messages =>
        {
            await DeliveryOrders.ForgetAsync(grains, messages);
            await Media.MediaAttachment.DeleteAsync(grains, messages);
        });
        await Timers.RemoveAsync();
        await store.ClearStateAsync();
        store.State = new ConversationGrainState();

        // The collaborators hold the state they were made with: a new life starts with new ones.
        (log, roster, timers, directory) = (null, null, null, null);
        DeactivateOnIdle();
    }

    public async Task<ParticipantSnapshot> AddParticipantAsync(AddParticipant command)
    {
        if (command.Sid is { } reserved && State.Header is not null && State.Participants.Find(p => p.Sid == reserved) is { } added)
        {
            return added;
        }

        var header = await WritableAsync("add a participant");
        command = await ParticipantUsers.PrepareAsync(grains, header.ChatServiceSid, command);
        var (participant, change) = await Roster.AddAsync(command, header, Now());
        await SaveActivityAsync(Directory.With(change, ParticipantDirectory.Joined(participant)), NewEvent(EventTypes.ParticipantAdded, EventParameters.Participant(participant, EventTypes.ParticipantAdded)));
        return participant;
    }

    public Task<ParticipantSnapshot?> GetParticipantAsync(string sidOrIdentity) =>
        Task.FromResult(State.Header is null ? null : Roster.Find(sidOrIdentity));

    public Task<ParticipantReadState?> GetReadStateAsync(string sidOrIdentity)
    {
        if (State.Header is null || Roster.Find(sidOrIdentity) is not { } participant)
        {
            return Task.FromResult<ParticipantReadState?>(null);
        }

        // Indexes run from 0 without gaps as handed out; a horizon never set has read nothing.
        // A removed message still counts: leaving it out would mean reading the log.
        var unread = Math.Max(0, Log.NextIndex - 1 - (participant.LastReadMessageIndex ?? -1));
        return Task.FromResult<ParticipantReadState?>(new ParticipantReadState { Conversation = Timers.Snapshot(), Participant = participant, UnreadMessagesCount = unread });
    }

    public async Task<ParticipantSnapshot> UpdateParticipantAsync(string participantSid, UpdateParticipant command)
    {
        await ElapseDueTimersAsync();
        var header = Existing();
        var holdsPairs = header.State != ConversationStates.Closed;
        await ParticipantUsers.PrepareAsync(grains, header.ChatServiceSid, command);
        var before = State.Participants.Find(p => p.Sid == participantSid);
        var (participant, updatedChange) = await Roster.UpdateAsync(participantSid, command, holdsPairs, Now());
        var change = Directory.With(updatedChange, ParticipantDirectory.Changed(before!, participant));
        var updated = NewEvent(EventTypes.ParticipantUpdated, EventParameters.Participant(participant, EventTypes.ParticipantUpdated));
        await (holdsPairs ? SaveActivityAsync(change, updated) : SaveAsync(change, changes: updated));
        return participant;
    }

    public async Task RemoveParticipantAsync(string participantSid)
    {
        Existing();
        var removed = State.Participants.Find(p => p.Sid == participantSid);
        var change = Roster.Remove(participantSid);
        await SaveAsync(Directory.With(change, ParticipantDirectory.Left(removed!)), scheduleFirst: false, NewEvent(EventTypes.ParticipantRemoved, EventParameters.Participant(removed!, EventTypes.ParticipantRemoved, Now())));
    }

    public Task<Page<ParticipantSnapshot>> ListParticipantsAsync(long start, int pageSize)
    {
        Existing();
        return Task.FromResult(Page.Slice(State.Participants, start, pageSize));
    }

    /// <summary>
    /// A message was added: the timers restart. The log holds the message, and activation recovers
    /// the activity time from it, so only waking an inactive conversation needs a write here.
    /// </summary>
    private async Task MarkMessageActivityAsync(ConversationSnapshot header)
    {
        var wakes = header.State == ConversationStates.Inactive;
        Timers.MarkActivity(Now());
        if (wakes)
        {
            await SaveAsync(new PendingChange(() => { }), changes: [.. StateEvents(header, State.Header!, "EVENT")]);
        }
        else if (State.InactiveTimer is not null || State.ClosedTimer is not null)
        {
            await TouchListAsync();
        }
    }

    public async Task<MessageSnapshot> AddMessageAsync(AddMessage command)
    {
        var header = await WritableAsync("add a message");
        var (message, duplicate, outbox) = await MessagePosting.PostAsync(
            grains, Log, command, header, State.Participants, time, Now(), m => NewEvent(EventTypes.MessageAdded, EventParameters.MessageAdded(m, header), m.Body));
        if (duplicate)
        {
            return message;
        }

        metrics.MessageAccepted(AuthorChannel(message));
        Feed.Notify(header.ChatServiceSid);
        await MarkMessageActivityAsync(header);

        if (outbox is not null)
        {
            // Only a nudge: the outbox's reminder sends anyway should this call be lost.
            await outbox.StartAsync();
        }

        return message;
    }

    /// <summary>The channel a message came by: its author's binding (an inbound message), else chat (REST, SDKs, agents).</summary>
    private string AuthorChannel(MessageSnapshot message) =>
        State.Participants.Find(p => p.Sid == message.ParticipantSid) is { IsChat: false, MessagingBinding: { } binding } ? binding.Type : "chat";

    public async Task<MessageSnapshot?> GetMessageAsync(string messageSid) =>
        State.Header is null ? null : await Log.FindAsync(messageSid);

    public async Task<MessageSnapshot> UpdateMessageAsync(string messageSid, UpdateMessage command)
    {
        Existing();
        var current = await Log.FindAsync(messageSid) ?? throw MessageNotFound(messageSid);
        var updated = Drafts.UpdatedMessage(current, command, State.Participants, Now());
        await Log.ReplaceAsync(updated, NewEvent(EventTypes.MessageUpdated, EventParameters.MessageChanged(updated)));
        Feed.Notify(updated.ChatServiceSid);
        return updated;
    }

    public async Task RemoveMessageAsync(string messageSid)
    {
        Existing();
        var message = await Log.FindAsync(messageSid) ?? throw MessageNotFound(messageSid);
        await DeliveryOrders.ForgetAsync(grains, [message]);
        await Media.MediaAttachment.DeleteAsync(grains, [message]);
        await Log.RemoveAsync(message, NewEvent(EventTypes.MessageRemoved, EventParameters.MessageChanged(message, Now())));
        Feed.Notify(message.ChatServiceSid);
    }

    public Task<Page<MessageSnapshot>> ListMessagesAsync(long? start, bool descending, int pageSize)
    {
        Existing();
        return Log.ListAsync(start, descending, pageSize);
    }

    /// <summary>
    /// Applies the timers due by now before anything else touches the conversation, so a late
    /// reminder (after downtime, say) never lets a write see a state that should have moved on.
    /// Returns whether the state changed (and the reminder was set again).
    /// </summary>
    private async Task<bool> ElapseDueTimersAsync()
    {
        if (Timers.ElapsedState() is not { } next)
        {
            return false;
        }

        var header = State.Header!;
        State.Header = header with { State = next, DateUpdated = Now() };
        await SaveAsync(new PendingChange(() => State.Header = header), scheduleFirst: false, [.. StateEvents(header, State.Header, "TIMER")]);
        metrics.TimerFired(next);
        if (next == ConversationStates.Closed)
        {
            await Claims.ReleaseBindingsAsync(State.Participants);
        }

        await Timers.ScheduleAsync();
        return true;
    }

    /// <summary>Stores a participant change that counts as activity: it restarts the timers and wakes the conversation.</summary>
    private Task SaveActivityAsync(PendingChange change, ConversationEvent described)
    {
        var previous = (State.Header, State.LastActivity);
        Timers.MarkActivity(Now());
        return SaveAsync(
            change with
            {
                Revert = () =>
                {
                    change.Revert();
                    (State.Header, State.LastActivity) = previous;
                },
            },
            changes: [described, .. StateEvents(previous.Header!, State.Header!, "EVENT")]);
    }

    /// <summary>
    /// Writes the state with the change. The reminder is set first (added or advanced only), so a
    /// failed write leaves at worst a reminder that fires for nothing.
    /// </summary>
    private async Task SaveAsync(PendingChange change, bool scheduleFirst = true, params ConversationEvent[] changes)
    {
        State.PendingEvents.AddRange(changes);
        var withEvents = change with
        {
            Revert = () =>
            {
                change.Revert();
                State.PendingEvents.RemoveAll(changes.Contains);
            },
        };
        await withEvents.StoreAsync(async () =>
        {
            if (scheduleFirst)
            {
                await Timers.ScheduleAsync(beforeWrite: true);
            }

            await store.WriteStateAsync();
        });
        await FlushEventsAsync();
        await TryFlushIndexAsync();
        await TryListAsync();
    }

    /// <summary>Applies the participant-conversation entries the state carries; failing, they wait for the next write or activation.</summary>
    private async Task TryFlushIndexAsync()
    {
        try
        {
            await Directory.FlushAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogIndexBehind(logger, e, Sid);
        }
    }

    /// <summary>The next event of the feed, from whoever made the change (the request context says).</summary>
    private ConversationEvent NewEvent(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, string? body = null)
    {
        var origin = EventOrigin.Current;
        return new ConversationEvent
        {
            ConversationSid = Sid,
            ChatServiceSid = State.Header?.ChatServiceSid ?? "",
            Sequence = Feed.Take(),
            Type = type,
            Date = time.GetUtcNow(),
            Source = origin.Source,
            WebhookEnabled = origin.WebhookEnabled,
            Parameters = parameters,
            Body = body,
        };
    }

    /// <summary>onConversationStateUpdated when the state moved (reason API, TIMER or EVENT).</summary>
    private IEnumerable<ConversationEvent> StateEvents(ConversationSnapshot before, ConversationSnapshot after, string reason)
    {
        if (before.State != after.State)
        {
            yield return NewEvent(EventTypes.ConversationStateUpdated, EventParameters.StateUpdated(after, before.State, after.State, reason, after.DateUpdated));
        }
    }

    /// <summary>Moves the events the stored state carries into the feed (<see cref="EventFeed.FlushAsync"/>).</summary>
    private Task FlushEventsAsync() => Feed.FlushAsync(State.PendingEvents, State.Header?.ChatServiceSid);

    public async Task RecordDeliveryAsync(DeliveryReceipt receipt)
    {
        if (State.Header is not { } header || DeliveryStatuses.ForReceipt(receipt.Status) is not { } status)
        {
            return;
        }

        // Deliveries are not REST writes: their events always fire.
        var change = NewEvent(EventTypes.DeliveryUpdated, EventParameters.DeliveryUpdated(receipt with { Status = status }, header.ChatServiceSid)) with
        {
            Source = EventOrigin.System.Source,
            WebhookEnabled = true,
            DedupeKey = receipt.Sid + ":" + status,
        };
        await Feed.AppendAsync([change]);
        Feed.Notify(header.ChatServiceSid);
    }

    /// <summary>The list entry the stored state calls for.</summary>
    private ListedConversation Listing() => new()
    {
        Header = State.Header!,
        InactiveTimer = State.InactiveTimer,
        ClosedTimer = State.ClosedTimer,
        LastActivity = State.LastActivity,
    };

    /// <summary>Writes the list entry unless the list already shows the conversation so.</summary>
    private async Task ListAsync()
    {
        var entry = Listing();
        if (!entry.SameAs(listed))
        {
            listed = null;
            await list.PutAsync(entry);
            listed = entry;
        }
    }

    /// <summary>
    /// Lists a change already stored. Its failure must not fail the call (the change happened):
    /// the entry is mended by the next change, the deactivation or the next activation.
    /// </summary>
    private async Task TryListAsync()
    {
        try
        {
            await ListAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogListBehind(logger, e, Sid);
        }
    }

    /// <summary>An append restarted the timers: the list's due dates move with them.</summary>
    private async Task TouchListAsync()
    {
        var before = listed;
        try
        {
            listed = null;
            await list.TouchAsync(Sid, State.LastActivity);
            listed = before is null ? null : before with { LastActivity = State.LastActivity };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogListBehind(logger, e, Sid);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The participant-conversation index is behind conversation {ConversationSid}; it is mended on its next change or activation")]
    private static partial void LogIndexBehind(ILogger logger, Exception exception, string conversationSid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Conversation {ConversationSid} failed part-way through its creation with participants; it is closed and its claims released")]
    private static partial void LogCreationFailed(ILogger logger, Exception exception, string conversationSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationSid} could not be stored closed after a failed creation; its next activation closes it")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string conversationSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationSid} could not give back all its unique-name and pair claims; the next claimant takes them over")]
    private static partial void LogClaimsLeft(ILogger logger, Exception exception, string conversationSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The conversation list is behind conversation {ConversationSid}; it is mended on its next change or activation")]
    private static partial void LogListBehind(ILogger logger, Exception exception, string conversationSid);

    /// <summary>The conversation, its due timers applied, refused when closed.</summary>
    private async Task<ConversationSnapshot> WritableAsync(string what)
    {
        await ElapseDueTimersAsync();
        var header = Existing();
        ConversationLifecycle.CheckWritable(header.State, what);
        return header;
    }

    private ConversationSnapshot Existing() => State.Header ?? throw Errors.Unknown($"Conversation {Sid}");

    private static EngineException MessageNotFound(string messageSid) => Errors.Unknown($"Message {messageSid}");

    private DateTimeOffset Now() => time.UtcNowToSecond();
}
