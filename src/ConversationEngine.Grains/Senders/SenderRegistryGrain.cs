using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;
using PhoneNumbers;

namespace ConversationEngine.Senders;

[GenerateSerializer]
[Alias("ConversationEngine.SenderRegistryState")]
public sealed class SenderRegistryState
{
    [Id(0)] public List<Sender> Senders { get; set; } = [];

    /// <summary>Sender SID → the Messaging Service (MG…) whose pool holds it.</summary>
    [Id(1)] public Dictionary<string, string> Holders { get; set; } = [];

    /// <summary>A hand-registered sender's SID → the Twilio SID an import took it over under.</summary>
    [Id(2)] public Dictionary<string, string> Renamed { get; set; } = [];
}

/// <summary>
/// The account's numbers and short codes: few enough for one grain, read when a pool resolves
/// its members.
/// </summary>
public sealed class SenderRegistryGrain(
    [PersistentState("senders", "store")] IPersistentState<SenderRegistryState> store,
    TimeProvider time) : Grain, ISenderRegistryGrain
{
    /// <summary>Countries whose numbers carry voice only (seed 000: Japanese numbers send no SMS or WhatsApp).</summary>
    private static readonly HashSet<string> VoiceOnlyCountries = ["JP"];

    private static readonly string[] Known = [Capabilities.Sms, Capabilities.Mms, Capabilities.Voice, Capabilities.WhatsApp];
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    private List<Sender> Senders => store.State.Senders;

    public async Task<Sender> RegisterNumberAsync(SenderRegistration registration)
    {
        var parsed = ChannelAddress.Parse(registration.Address ?? throw Errors.Missing("PhoneNumber"), "PhoneNumber", Errors.InvalidParameter);
        if (parsed.Type != ChannelTypes.Sms)
        {
            throw Errors.Invalid("PhoneNumber", "must be a phone number in E.164 format, without a channel prefix");
        }

        var address = parsed.Value;
        var number = Phones.Parse(address, null);
        var country = Phones.GetRegionCodeForNumber(number) is { } region and not "ZZ" ? region : Phones.GetRegionCodeForCountryCode(number.CountryCode);
        var tollFree = Phones.GetNumberType(number) == PhoneNumberType.TOLL_FREE;
        var capabilities = CheckCapabilities(registration.Capabilities ?? DefaultCapabilities(country), country);
        return await AddAsync(new Sender
        {
            Sid = registration.Sid ?? Sids.New(Sids.PhoneNumber),
            Kind = tollFree ? SenderKinds.TollFree : SenderKinds.LongCode,
            Address = address,
            Country = country,
            Capabilities = capabilities,
            Mps = CheckMps(registration.Mps),
            FriendlyName = FieldRules.Bounded(registration.FriendlyName, "FriendlyName") ?? address,
        });
    }

    public async Task<Sender> RegisterShortCodeAsync(SenderRegistration registration)
    {
        var code = registration.Address?.Trim() ?? throw Errors.Missing("ShortCode");
        if (code.Length is < 3 or > 8 || !code.All(char.IsAsciiDigit))
        {
            throw Errors.Invalid("ShortCode", "must be 3 to 8 digits");
        }

        var country = registration.Country?.ToUpperInvariant() ?? throw Errors.Missing("IsoCountry");
        if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
        {
            throw Errors.Invalid("IsoCountry", "must be an ISO 3166-1 alpha-2 country code");
        }

        return await AddAsync(new Sender
        {
            Sid = registration.Sid ?? Sids.New(Sids.ShortCode),
            Kind = SenderKinds.ShortCode,
            Address = code,
            Country = country,
            Capabilities = CheckCapabilities(registration.Capabilities ?? [Capabilities.Sms, Capabilities.Mms], country)
                .Where(c => c != Capabilities.WhatsApp).ToList(),
            Mps = CheckMps(registration.Mps),
            FriendlyName = FieldRules.Bounded(registration.FriendlyName, "FriendlyName") ?? code,
        });
    }

    public async Task<Sender> UpdateAsync(string sid, SenderRegistration registration)
    {
        sid = Current(sid);
        var position = Senders.FindIndex(s => s.Sid == sid);
        if (position < 0)
        {
            throw Errors.Unknown($"Sender {sid}");
        }

        var current = Senders[position];
        var updated = current with
        {
            FriendlyName = FieldRules.Bounded(registration.FriendlyName, "FriendlyName") ?? current.FriendlyName,
            Capabilities = registration.Capabilities is { } capabilities ? CheckCapabilities(capabilities, current.Country) : current.Capabilities,
            Mps = CheckMps(registration.Mps) ?? current.Mps,
            DateUpdated = time.UtcNowToSecond(),
        };
        Senders[position] = updated;
        await store.WriteOrRevertAsync(() => Senders[position] = current);
        return updated;
    }

    public async Task<Sender> ImportAsync(Sender sender) => (await ImportManyAsync([sender]))[0].Sender;

    public async Task<IReadOnlyList<SenderImport>> ImportManyAsync(IReadOnlyList<Sender> senders)
    {
        ArgumentNullException.ThrowIfNull(senders);
        var now = time.UtcNowToSecond();
        var snapshot = Snapshot();
        var imports = senders.Select(sender => Apply(sender, now)).ToList();
        if (imports.Exists(i => i.Outcome != ImportOutcome.Unchanged))
        {
            await store.WriteOrRevertAsync(() => Restore(snapshot));
        }

        return imports;
    }

    /// <summary>One imported sender applied in memory: the stored sender, and what changed.</summary>
    private SenderImport Apply(Sender sender, DateTimeOffset now)
    {
        var position = Senders.FindIndex(s => s.Sid == sender.Sid);
        if (position < 0)
        {
            var isShortCode = sender.Kind == SenderKinds.ShortCode;
            position = Senders.FindIndex(s => s.Address == sender.Address && (s.Kind == SenderKinds.ShortCode) == isShortCode);
        }

        if (position < 0)
        {
            var added = sender with { Origin = SenderOrigins.Twilio, DateMissing = null, DateCreated = now, DateUpdated = now };
            Senders.Add(added);
            return new SenderImport { Sender = added, Outcome = ImportOutcome.Added };
        }

        var current = Senders[position];
        var imported = current with
        {
            Sid = sender.Sid,
            Kind = sender.Kind,
            Country = sender.Country ?? current.Country,
            Capabilities = sender.Capabilities,
            FriendlyName = sender.FriendlyName ?? current.FriendlyName,
            ChannelSenderSid = sender.ChannelSenderSid ?? current.ChannelSenderSid,
            Origin = SenderOrigins.Twilio,
            DateMissing = null,
        };
        if (Same(imported, current))
        {
            return new SenderImport { Sender = current, Outcome = ImportOutcome.Unchanged };
        }

        imported = imported with { DateUpdated = now };
        Senders[position] = imported;
        if (current.Sid != sender.Sid)
        {
            // Taken over from a hand registration: the old SID resolves to the new one, and its pool moves with it.
            store.State.Renamed[current.Sid] = sender.Sid;
            foreach (var renamed in store.State.Renamed.Where(r => r.Value == current.Sid).Select(r => r.Key).ToList())
            {
                store.State.Renamed[renamed] = sender.Sid;
            }

            if (store.State.Holders.Remove(current.Sid, out var holder))
            {
                store.State.Holders.TryAdd(sender.Sid, holder);
            }
        }

        return new SenderImport { Sender = imported, Outcome = ImportOutcome.Updated };
    }

    public async Task<IReadOnlyList<Sender>> MarkMissingAsync(string sidPrefix, IReadOnlyCollection<string> presentSids)
    {
        ArgumentNullException.ThrowIfNull(presentSids);
        var present = presentSids.ToHashSet(StringComparer.Ordinal);
        var now = time.UtcNowToSecond();
        var snapshot = Snapshot();
        var marked = new List<Sender>();
        for (var i = 0; i < Senders.Count; i++)
        {
            var sender = Senders[i];
            if (sender is { Origin: SenderOrigins.Twilio, DateMissing: null } && sender.Sid.StartsWith(sidPrefix, StringComparison.Ordinal) && !present.Contains(sender.Sid))
            {
                Senders[i] = sender with { DateMissing = now, DateUpdated = now };
                marked.Add(Senders[i]);
            }
        }

        if (marked.Count > 0)
        {
            await store.WriteOrRevertAsync(() => Restore(snapshot));
        }

        return marked;
    }

    /// <summary>Record equality, but the capabilities by content (a list compares by reference).</summary>
    private static bool Same(Sender a, Sender b) =>
        a with { Capabilities = b.Capabilities } == b && a.Capabilities.SequenceEqual(b.Capabilities);

    private (List<Sender> Senders, Dictionary<string, string> Holders, Dictionary<string, string> Renamed) Snapshot() =>
        (Senders.ToList(), new Dictionary<string, string>(store.State.Holders), new Dictionary<string, string>(store.State.Renamed));

    private void Restore((List<Sender> Senders, Dictionary<string, string> Holders, Dictionary<string, string> Renamed) snapshot) =>
        (store.State.Senders, store.State.Holders, store.State.Renamed) = snapshot;

    /// <summary>The SID a sender goes by now: a hand-registered SID an import took over resolves to Twilio's.</summary>
    private string Current(string sid) => store.State.Renamed.GetValueOrDefault(sid) ?? sid;

    public async Task RemoveAsync(string sid)
    {
        sid = Current(sid);
        var position = Senders.FindIndex(s => s.Sid == sid);
        if (position < 0)
        {
            throw Errors.Unknown($"Sender {sid}");
        }

        var removed = Senders[position];
        Senders.RemoveAt(position);

        // A pool still listing the SID skips it; a re-registered number gets a new SID, free to join any pool.
        var holder = store.State.Holders.Remove(sid, out var service) ? service : null;
        await store.WriteOrRevertAsync(() =>
        {
            Senders.Insert(position, removed);
            if (holder is not null)
            {
                store.State.Holders[sid] = holder;
            }
        });
    }

    public Task<IReadOnlyList<Sender?>> ResolveAsync(IReadOnlyList<string> sids)
    {
        var bySid = Senders.ToDictionary(s => s.Sid);
        return Task.FromResult<IReadOnlyList<Sender?>>(sids.Select(sid => bySid.GetValueOrDefault(Current(sid))).ToList());
    }

    public async Task<Sender> AssignAsync(string sid, string messagingServiceSid)
    {
        sid = Current(sid);
        var sender = Senders.Find(s => s.Sid == sid) ?? throw Errors.Unknown($"Sender {sid}");
        if (store.State.Holders.TryGetValue(sid, out var holder))
        {
            return holder == messagingServiceSid
                ? sender
                : throw Errors.Conflict(Errors.SenderInAnotherService, $"{sender.Address} already belongs to Messaging Service {holder}; remove it there first");
        }

        store.State.Holders[sid] = messagingServiceSid;
        await store.WriteOrRevertAsync(() => store.State.Holders.Remove(sid));
        return sender;
    }

    public async Task<IReadOnlyDictionary<string, string>> ClaimManyAsync(IReadOnlyList<string> sids, string messagingServiceSid)
    {
        ArgumentNullException.ThrowIfNull(sids);
        var current = sids.Select(Current).Distinct().ToList();
        if (current.FirstOrDefault(sid => !Senders.Exists(s => s.Sid == sid)) is { } unknown)
        {
            throw Errors.Unknown($"Sender {unknown}");
        }

        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        var claimed = current.Where(sid => store.State.Holders.GetValueOrDefault(sid) != messagingServiceSid).ToList();
        if (claimed.Count == 0)
        {
            return taken;
        }

        var snapshot = Snapshot();
        foreach (var sid in claimed)
        {
            if (store.State.Holders.TryGetValue(sid, out var previous))
            {
                taken[sid] = previous;
            }

            store.State.Holders[sid] = messagingServiceSid;
        }

        await store.WriteOrRevertAsync(() => Restore(snapshot));
        return taken;
    }

    public async Task ReleaseAsync(string messagingServiceSid, IReadOnlyList<string> sids)
    {
        var released = sids.Select(Current).Distinct().Where(sid => store.State.Holders.TryGetValue(sid, out var holder) && holder == messagingServiceSid).ToList();
        if (released.Count == 0)
        {
            return;
        }

        foreach (var sid in released)
        {
            store.State.Holders.Remove(sid);
        }

        await store.WriteOrRevertAsync(() => released.ForEach(sid => store.State.Holders[sid] = messagingServiceSid));
    }

    public Task<string?> FindHolderAsync(string sid) => Task.FromResult(store.State.Holders.GetValueOrDefault(Current(sid)));

    public Task<Sender?> FindAsync(string sidOrAddress)
    {
        var sid = Current(sidOrAddress);
        return Task.FromResult(Senders.Find(s => s.Sid == sid || s.Address == sidOrAddress));
    }

    public Task<Page<Sender>> ListAsync(string kind, long start, int max) =>
        Task.FromResult(Page.Slice(Senders.Where(s => kind == SenderKinds.ShortCode ? s.Kind == kind : s.Kind != SenderKinds.ShortCode).ToList(), start, max));

    private async Task<Sender> AddAsync(Sender sender)
    {
        // Only a SID an idempotency key reserved can be there already: its request's earlier attempt.
        if (Senders.Find(s => s.Sid == sender.Sid) is { } registered)
        {
            return registered;
        }

        if (Senders.Exists(s => s.Address == sender.Address))
        {
            throw Errors.Conflict(Errors.InvalidParameter, $"{sender.Address} is already registered");
        }

        var now = time.UtcNowToSecond();
        sender = sender with { DateCreated = now, DateUpdated = now };
        Senders.Add(sender);
        await store.WriteOrRevertAsync(() => Senders.Remove(sender));
        return sender;
    }

    private static IReadOnlyList<string> DefaultCapabilities(string? country) =>
        country is not null && VoiceOnlyCountries.Contains(country) ? [Capabilities.Voice] : [Capabilities.Sms, Capabilities.Mms, Capabilities.Voice];

    private static List<string> CheckCapabilities(IReadOnlyList<string> capabilities, string? country)
    {
        var normalized = capabilities.Select(c => c.Trim().ToLowerInvariant()).Distinct().ToList();
        if (normalized.FirstOrDefault(c => !Known.Contains(c)) is { } unknown)
        {
            throw Errors.Invalid("Capabilities", $"'{unknown}' is not one of sms, mms, voice, whatsapp");
        }

        if (country is not null && VoiceOnlyCountries.Contains(country) && normalized.Any(c => c != Capabilities.Voice))
        {
            throw Errors.Invalid("Capabilities", $"numbers in {country} carry voice only: no SMS, MMS or WhatsApp");
        }

        return normalized;
    }

    private static double? CheckMps(double? mps) =>
        mps is null or (> 0 and <= 10_000) ? mps : throw Errors.Invalid("Mps", "must be between 0 and 10000 messages per second");
}
