using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;

namespace ConversationEngine.Senders;

/// <summary>
/// A Messaging Service (MG…): settings as in Twilio's Messaging v1 resource and the senders in its
/// pool. Numbers and short codes stay in the account's registry, which also records that this
/// service holds them (one service per sender); the pool keeps their SIDs and resolves them on read.
/// </summary>
public sealed class MessagingServiceGrain(
    [PersistentState("messagingService", "store")] IPersistentState<MessagingServiceState> store,
    TimeProvider time) : Grain, IMessagingServiceGrain
{
    private int turn;

    private MessagingServiceState State => store.State;

    private string Sid => this.GetPrimaryKeyString();

    private ISenderRegistryGrain Registry => GrainFactory.GetGrain<ISenderRegistryGrain>(State.AccountSid!);

    private IMessagingServiceDirectoryGrain Directory => GrainFactory.GetGrain<IMessagingServiceDirectoryGrain>(State.AccountSid!);

    public async Task<MessagingServiceSnapshot> CreateAsync(string accountSid, MessagingServiceSettings settings, bool reserved)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (State.Settings is not null && reserved)
        {
            return Snapshot();
        }

        if (State.Settings is not null)
        {
            throw Errors.Conflict(Errors.InvalidParameter, $"Messaging Service {Sid} already exists");
        }

        if (string.IsNullOrWhiteSpace(settings.FriendlyName))
        {
            throw Errors.Missing("FriendlyName");
        }

        var resolved = MessagingServiceSettingsRules.Apply(MessagingServiceSettingsRules.Defaults, settings);
        var now = time.UtcNowToSecond();

        // Listed before it exists, so a failure leaves at most a listing entry that resolves to nothing.
        State.AccountSid = accountSid;
        await Directory.AddAsync(Sid);
        State.Settings = resolved;
        State.DateCreated = now;
        State.DateUpdated = now;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            State.Settings = null;
            await Directory.RemoveAsync(Sid);
            throw;
        }

        return Snapshot();
    }

    public Task<MessagingServiceSnapshot?> GetAsync() =>
        Task.FromResult(State.Settings is null ? null : Snapshot());

    public async Task<MessagingServiceSnapshot> UpdateAsync(MessagingServiceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var current = Existing();
        if (settings.FriendlyName is { } name && string.IsNullOrWhiteSpace(name))
        {
            throw Errors.Invalid("FriendlyName", "must not be empty");
        }

        var updated = MessagingServiceSettingsRules.Apply(current, settings);
        var dateUpdated = State.DateUpdated;
        State.Settings = updated;
        State.DateUpdated = time.UtcNowToSecond();
        await store.WriteOrRevertAsync(() =>
        {
            State.Settings = current;
            State.DateUpdated = dateUpdated;
        });
        return Snapshot();
    }

    public async Task DeleteAsync()
    {
        Existing();

        // Each step repeats harmlessly, and the state goes last: a failed delete can simply be retried.
        await Directory.RemoveAsync(Sid);
        await Registry.ReleaseAsync(Sid, State.Members.Select(m => m.Sid).ToList());
        await store.ClearStateAsync();
        store.State = new MessagingServiceState();
    }

    public async Task<MessagingServiceImport> ImportAsync(string accountSid, TwilioAccount.ImportedMessagingService imported)
    {
        ArgumentNullException.ThrowIfNull(imported);
        var now = time.UtcNowToSecond();
        var isNew = State.Settings is null;
        if (isNew)
        {
            State.AccountSid = accountSid;
            await Directory.AddAsync(Sid);
            State.DateCreated = imported.DateCreated ?? now;
            State.DateUpdated = now;
        }

        await CanonicalizeMembersAsync();
        var settings = MessagingServiceSettingsRules.Apply(State.Settings ?? MessagingServiceSettingsRules.Defaults, imported.Settings);
        var settingsChanged = settings != State.Settings || State.Origin != SenderOrigins.Twilio || State.DateMissing is not null;
        State.Settings = settings;
        State.Origin = SenderOrigins.Twilio;
        State.DateMissing = null;

        // The pool becomes Twilio's: members it no longer lists leave, new ones are claimed from wherever they were.
        var wanted = imported.SenderSids.Distinct().ToList();
        var leaving = State.Members.Where(m => !wanted.Contains(m.Sid)).Select(m => m.Sid).ToList();
        State.Members.RemoveAll(m => leaving.Contains(m.Sid));
        var joining = wanted.Where(sid => !State.Members.Exists(m => m.Sid == sid)).ToList();
        if (joining.Count > 0)
        {
            // One registry write for the whole pool; their old pools (engine-made, or Twilio's earlier arrangement) let go of them.
            foreach (var (sid, previous) in await Registry.ClaimManyAsync(joining, Sid))
            {
                try
                {
                    await GrainFactory.GetGrain<IMessagingServiceGrain>(previous).RemoveSenderAsync(sid);
                }
                catch (EngineException error) when (error.Kind == ErrorKind.NotFound)
                {
                }
            }

            State.Members.AddRange(joining.Select(sid => new PoolEntry { Sid = sid, DateAdded = now }));
            settingsChanged = true;
        }

        var alphas = imported.AlphaSenders.ToList();
        if (leaving.Count > 0 || !alphas.Select(a => (a.Sid, a.Address)).SequenceEqual(State.AlphaSenders.Select(a => (a.Sid, a.Address))))
        {
            State.AlphaSenders = alphas.Select(a => State.AlphaSenders.Find(s => s.Sid == a.Sid) ?? a).ToList();
            settingsChanged = true;
        }

        if (settingsChanged)
        {
            State.DateUpdated = now;
            await store.WriteStateAsync();
        }

        if (leaving.Count > 0)
        {
            await Registry.ReleaseAsync(Sid, leaving);
        }

        return new MessagingServiceImport
        {
            Service = Snapshot(),
            Outcome = isNew ? ImportOutcome.Added : settingsChanged ? ImportOutcome.Updated : ImportOutcome.Unchanged,
        };
    }

    public async Task<MessagingServiceSnapshot?> MarkMissingAsync()
    {
        if (State.Settings is null)
        {
            return null;
        }

        if (State.DateMissing is null)
        {
            State.DateMissing = time.UtcNowToSecond();
            await store.WriteOrRevertAsync(() => State.DateMissing = null);
        }

        return Snapshot();
    }

    public async Task<PoolSender> AddSenderAsync(string senderSid)
    {
        Existing();
        if (!Sids.IsValid(senderSid, Sids.PhoneNumber) && !Sids.IsValid(senderSid, Sids.ShortCode))
        {
            throw Errors.Invalid("Sid", "expected a phone number (PN…) or short code (SC…) SID");
        }

        await CanonicalizeMembersAsync();
        if (State.Members.Exists(m => m.Sid == senderSid))
        {
            throw Errors.Conflict(Errors.SenderAlreadyInService, $"{senderSid} is already in Messaging Service {Sid}");
        }

        var sender = await Registry.AssignAsync(senderSid, Sid);
        var entry = new PoolEntry { Sid = senderSid, DateAdded = time.UtcNowToSecond() };
        State.Members.Add(entry);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            State.Members.Remove(entry);
            await Registry.ReleaseAsync(Sid, [senderSid]);
            throw;
        }

        return new PoolSender { Sender = sender, DateAdded = entry.DateAdded };
    }

    public async Task<PoolSender> AddAlphaSenderAsync(string alphaSender)
    {
        Existing();
        ArgumentNullException.ThrowIfNull(alphaSender);
        if (!SenderSelection.IsAlphanumericId(alphaSender))
        {
            throw Errors.Invalid("AlphaSender", "must be 1 to 11 of A-Z a-z 0-9 space - + _ &, with at least one letter");
        }

        if (State.AlphaSenders.Count > 0)
        {
            throw Errors.Conflict(Errors.InvalidParameter, $"Messaging Service {Sid} already has the alphanumeric sender ID '{State.AlphaSenders[0].Address}'");
        }

        var now = time.UtcNowToSecond();
        var sender = new Sender
        {
            Sid = Sids.New(Sids.AlphaSender),
            Kind = SenderKinds.Alpha,
            Address = alphaSender,
            Country = null,
            // A concrete list: grain storage writes the runtime type, and a collection expression's is compiler-made.
            Capabilities = new List<string> { Capabilities.Sms },
            FriendlyName = alphaSender,
            DateCreated = now,
            DateUpdated = now,
        };
        State.AlphaSenders.Add(sender);
        await store.WriteOrRevertAsync(() => State.AlphaSenders.Remove(sender));
        return new PoolSender { Sender = sender, DateAdded = now };
    }

    public async Task RemoveSenderAsync(string senderSid)
    {
        Existing();
        var alpha = State.AlphaSenders.FindIndex(s => s.Sid == senderSid);
        if (alpha >= 0)
        {
            var removed = State.AlphaSenders[alpha];
            State.AlphaSenders.RemoveAt(alpha);
            await store.WriteOrRevertAsync(() => State.AlphaSenders.Insert(alpha, removed));
            return;
        }

        await CanonicalizeMembersAsync();
        var position = State.Members.FindIndex(m => m.Sid == senderSid);
        if (position < 0)
        {
            throw Errors.Unknown($"Sender {senderSid} of Messaging Service {Sid}");
        }

        var entry = State.Members[position];
        State.Members.RemoveAt(position);
        await store.WriteOrRevertAsync(() => State.Members.Insert(position, entry));
        await Registry.ReleaseAsync(Sid, [senderSid]);
    }

    public async Task<PoolSender?> FindSenderAsync(string senderSid)
    {
        Existing();
        if (State.AlphaSenders.Find(s => s.Sid == senderSid) is { } alpha)
        {
            return new PoolSender { Sender = alpha, DateAdded = alpha.DateCreated };
        }

        // Read-only, so nothing is renamed here: a member is matched under the SID it goes by now.
        return (await ResolveAsync(State.Members)).Find(p => p.Sender.Sid == senderSid);
    }

    public async Task<Page<PoolSender>> ListSendersAsync(string sidPrefix, long start, int max)
    {
        Existing();
        var members = sidPrefix == Sids.AlphaSender
            ? State.AlphaSenders.Select(s => new PoolSender { Sender = s, DateAdded = s.DateCreated }).ToList()
            : await ResolveAsync(State.Members.Where(m => m.Sid.StartsWith(sidPrefix, StringComparison.Ordinal)).ToList());
        return Page.Slice(members, start, max);
    }

    public async Task<SenderPool?> GetPoolAsync()
    {
        if (State.Settings is not { } settings)
        {
            return null;
        }

        var resolved = await ResolveAsync(State.Members);
        return new SenderPool
        {
            MessagingServiceSid = Sid,
            Senders = resolved.Select(p => p.Sender).Concat(State.AlphaSenders).ToList(),
            StickySender = settings.StickySender ?? true,
            AreaCodeGeomatch = settings.AreaCodeGeomatch ?? false,
            SmartEncoding = settings.SmartEncoding ?? true,
            ValidityPeriod = settings.ValidityPeriod,
            StatusCallback = settings.StatusCallback,
        };
    }

    public Task<int> NextTurnAsync() => Task.FromResult(turn++);

    /// <summary>
    /// Members under the SIDs they go by now: a number registered by hand that an import took over
    /// under Twilio's SID is renamed here too (in memory; stored with the next write).
    /// </summary>
    private async Task CanonicalizeMembersAsync()
    {
        if (State.Members.Count == 0)
        {
            return;
        }

        var resolved = await Registry.ResolveAsync(State.Members.Select(m => m.Sid).ToList());
        for (var i = 0; i < State.Members.Count; i++)
        {
            if (resolved[i] is { } sender && sender.Sid != State.Members[i].Sid)
            {
                State.Members[i] = State.Members[i] with { Sid = sender.Sid };
            }
        }
    }

    /// <summary>Members still registered, in pool order; a number the account released is skipped.</summary>
    private async Task<List<PoolSender>> ResolveAsync(List<PoolEntry> entries)
    {
        if (entries.Count == 0)
        {
            return [];
        }

        var senders = await Registry.ResolveAsync(entries.Select(e => e.Sid).ToList());
        return entries
            .Select((e, i) => senders[i] is { } sender ? new PoolSender { Sender = sender, DateAdded = e.DateAdded } : null)
            .OfType<PoolSender>()
            .ToList();
    }

    private MessagingServiceSettings Existing() =>
        State.Settings ?? throw Errors.Unknown($"Messaging Service {Sid}");

    private MessagingServiceSnapshot Snapshot() => new()
    {
        Sid = Sid,
        AccountSid = State.AccountSid!,
        Settings = State.Settings!,
        PhoneNumberSids = State.Members.Where(m => m.Sid.StartsWith(Sids.PhoneNumber, StringComparison.Ordinal)).Select(m => m.Sid).ToList(),
        ShortCodeSids = State.Members.Where(m => m.Sid.StartsWith(Sids.ShortCode, StringComparison.Ordinal)).Select(m => m.Sid).ToList(),
        AlphaSenders = State.AlphaSenders.ToList(),
        DateCreated = State.DateCreated,
        DateUpdated = State.DateUpdated,
        Origin = State.Origin,
        DateMissing = State.DateMissing,
    };
}
