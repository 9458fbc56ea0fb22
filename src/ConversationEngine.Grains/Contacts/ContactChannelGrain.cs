using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;

namespace ConversationEngine.Contacts;

[GenerateSerializer]
[Alias("ConversationEngine.ContactChannelState")]
public sealed class ContactChannelState
{
    [Id(0)] public bool OptedOut { get; set; }
    [Id(1)] public string? LastKeyword { get; set; }
    [Id(2)] public DateTimeOffset? DateUpdated { get; set; }
    [Id(3)] public string? StickySenderSid { get; set; }
    [Id(4)] public DateTimeOffset? LastInbound { get; set; }

    /// <summary>An explicit opt-in is on record (and no opt-out since).</summary>
    [Id(5)] public bool OptedIn { get; set; }
    [Id(6)] public string? ConsentSource { get; set; }
    [Id(7)] public DateTimeOffset? ConsentDate { get; set; }

    /// <summary>Consent changes, oldest first, at most <see cref="ContactLimits.ConsentHistory"/>.</summary>
    [Id(8)] public List<ConsentEvent> ConsentHistory { get; set; } = [];

    /// <summary>Conversations the contact wrote in, oldest first, at most <see cref="ContactLimits.ConversationsRemembered"/>.</summary>
    [Id(9)] public List<string> ConversationsWrittenIn { get; set; } = [];
}

public sealed class ContactChannelGrain(
    [PersistentState("contact", "store")] IPersistentState<ContactChannelState> store,
    TimeProvider time) : Grain, IContactChannelGrain
{
    public async Task<ContactChannelSnapshot> ApplyKeywordAsync(KeywordAction action, string keyword)
    {
        return action switch
        {
            KeywordAction.OptOut => await RecordConsentAsync(new ConsentChange { State = ConsentStates.OptedOut, Source = "keyword", Keyword = keyword, Evidence = keyword }),
            KeywordAction.OptIn => await RecordConsentAsync(new ConsentChange { State = ConsentStates.OptedIn, Source = "keyword", Keyword = keyword, Evidence = keyword }),
            _ => Snapshot(),
        };
    }

    public async Task<ContactChannelSnapshot> RecordConsentAsync(ConsentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var optIn = change.State switch
        {
            ConsentStates.OptedIn => true,
            ConsentStates.OptedOut => false,
            _ => throw Errors.Invalid("State", $"'{change.State}' is not {ConsentStates.OptedIn} or {ConsentStates.OptedOut}"),
        };
        var source = Bounded(change.Source, "Source", ContactLimits.SourceLength)?.Trim();
        if (string.IsNullOrEmpty(source))
        {
            throw Errors.Missing("Source");
        }

        var evidence = Bounded(change.Evidence, "Evidence", ContactLimits.EvidenceLength);
        if (optIn && string.IsNullOrWhiteSpace(evidence))
        {
            // An opt-in is worth only what shows the contact gave it.
            throw Errors.Invalid("Evidence", "an opt-in needs evidence: what the contact agreed to, and where or how");
        }

        var now = time.GetUtcNow();
        var state = store.State;
        var previous = (state.OptedOut, state.OptedIn, state.LastKeyword, state.DateUpdated, state.ConsentSource, state.ConsentDate, History: state.ConsentHistory.ToList());
        (state.OptedOut, state.OptedIn, state.ConsentSource, state.ConsentDate) = (!optIn, optIn, source, now);
        if (change.Keyword is not null)
        {
            (state.LastKeyword, state.DateUpdated) = (change.Keyword, now);
        }
        else if (!optIn || previous.OptedOut)
        {
            // The opt-out state changed (or was confirmed) by other means than a keyword: it is no longer the keyword's.
            (state.LastKeyword, state.DateUpdated) = (null, now);
        }

        state.ConsentHistory.Add(new ConsentEvent
        {
            State = change.State,
            Source = source,
            Evidence = evidence,
            Keyword = change.Keyword,
            MessageSid = change.MessageSid,
            DateCreated = now,
        });
        if (state.ConsentHistory.Count > ContactLimits.ConsentHistory)
        {
            state.ConsentHistory.RemoveRange(0, state.ConsentHistory.Count - ContactLimits.ConsentHistory);
        }

        await store.WriteOrRevertAsync(() =>
        {
            (state.OptedOut, state.OptedIn, state.LastKeyword, state.DateUpdated, state.ConsentSource, state.ConsentDate) =
                (previous.OptedOut, previous.OptedIn, previous.LastKeyword, previous.DateUpdated, previous.ConsentSource, previous.ConsentDate);
            state.ConsentHistory = previous.History;
        });
        return Snapshot();
    }

    public Task<IReadOnlyList<ConsentEvent>> GetConsentHistoryAsync() =>
        Task.FromResult<IReadOnlyList<ConsentEvent>>(Enumerable.Reverse(store.State.ConsentHistory).ToList());

    public async Task RecordConversationAsync(string conversationSid)
    {
        var written = store.State.ConversationsWrittenIn;
        if (written.Count > 0 && written[^1] == conversationSid)
        {
            return;
        }

        var previous = written.ToList();
        written.Remove(conversationSid);
        written.Add(conversationSid);
        if (written.Count > ContactLimits.ConversationsRemembered)
        {
            written.RemoveRange(0, written.Count - ContactLimits.ConversationsRemembered);
        }

        await store.WriteOrRevertAsync(() => store.State.ConversationsWrittenIn = previous);
    }

    public Task<ContactChannelSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task RecordInboundAsync(DateTimeOffset received)
    {
        var previous = store.State.LastInbound;
        if (previous >= received)
        {
            return;
        }

        store.State.LastInbound = received;
        await store.WriteOrRevertAsync(() => store.State.LastInbound = previous);
    }

    public async Task SetStickySenderAsync(string senderSid)
    {
        var previous = store.State.StickySenderSid;
        if (previous == senderSid)
        {
            return;
        }

        store.State.StickySenderSid = senderSid;
        await store.WriteOrRevertAsync(() => store.State.StickySenderSid = previous);
    }

    private static string? Bounded(string? text, string parameter, int limit)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > limit)
        {
            throw Errors.Invalid(parameter, $"at most {limit} characters");
        }

        if (FieldRules.HasControlCharacters(text))
        {
            throw Errors.Invalid(parameter, "control characters are not allowed");
        }

        return text;
    }

    private ContactChannelSnapshot Snapshot()
    {
        // A hashed key (GrainKeys.Pair) holds no separator and tells neither part: the caller knows them.
        var key = this.GetPrimaryKeyString();
        var separator = key.IndexOf(GrainKeys.Separator, StringComparison.Ordinal);
        var address = separator < 0 ? "" : key[(separator + 1)..];
        var colon = address.IndexOf(':', StringComparison.Ordinal);
        var state = store.State;
        return new ContactChannelSnapshot
        {
            Scope = separator < 0 ? "" : key[..separator],
            Address = address,
            Channel = colon < 0 ? ChannelTypes.Sms : address[..colon],
            OptedOut = state.OptedOut,
            LastKeyword = state.LastKeyword,
            DateUpdated = state.DateUpdated,
            StickySenderSid = state.StickySenderSid,
            LastInbound = state.LastInbound,
            // A record from before consent was recorded explicitly: an opt-in keyword was its last change.
            ConsentState = state.OptedOut ? ConsentStates.OptedOut
                : state.OptedIn || (state.ConsentSource is null && state.LastKeyword is not null) ? ConsentStates.OptedIn
                : ConsentStates.None,
            // A keyword opt-out recorded before consent sources existed was still a keyword's.
            ConsentSource = state.ConsentSource ?? (state.LastKeyword is not null ? "keyword" : null),
            ConsentDate = state.ConsentDate ?? state.DateUpdated,
            ConversationsWrittenIn = state.ConversationsWrittenIn.ToList(),
        };
    }
}
