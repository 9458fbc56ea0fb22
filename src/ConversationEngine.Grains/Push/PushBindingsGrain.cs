using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;

namespace ConversationEngine.Push;

/// <summary>A binding with the device token it was registered with; only <see cref="Binding"/> leaves the grain.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.StoredPushBinding")]
public sealed record StoredPushBinding
{
    [Id(0)] public required PushBinding Binding { get; init; }
    [Id(1)] public string? Address { get; init; }

    public override string ToString() => $"StoredPushBinding {{ Binding = {Binding} }}";
}

[GenerateSerializer]
[Alias("ConversationEngine.PushBindingsState")]
public sealed class PushBindingsState
{
    [Id(0)] public List<StoredPushBinding> Bindings { get; set; } = [];
}

public sealed class PushBindingsGrain(
    [PersistentState("bindings", "store")] IPersistentState<PushBindingsState> store,
    TimeProvider time) : Grain, IPushBindingsGrain
{
    /// <summary><c>service_binding_enum_binding_type</c>.</summary>
    public static readonly IReadOnlyList<string> BindingTypes = ["apn", "gcm", "fcm", "twilsock"];

    /// <summary>What a registration without message types subscribes to, as Twilio's SDKs register.</summary>
    public static readonly IReadOnlyList<string> DefaultMessageTypes = ["removed_from_conversation", "new_message", "added_to_conversation"];

    private List<StoredPushBinding> Bindings => store.State.Bindings;

    public async Task<PushBinding> RegisterAsync(PushBindingRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var identity = FieldRules.Bounded(registration.Identity, "Identity") is { Length: > 0 } id ? id : throw Errors.Missing("Identity");
        var type = BindingTypes.Contains(registration.BindingType)
            ? registration.BindingType
            : throw Errors.Invalid("BindingType", $"'{registration.BindingType}' is not one of {string.Join(", ", BindingTypes)}");
        var endpoint = FieldRules.Bounded(registration.Endpoint, "Endpoint", FieldRules.AddressMaxLength) is { Length: > 0 } e ? e : throw Errors.Missing("Endpoint");
        var credential = FieldRules.Sid(registration.CredentialSid, Sids.Credential, "CredentialSid");
        var address = FieldRules.Bounded(registration.Address, "Address", PushCredentialsGrain.SecretMaxLength);
        var messageTypes = registration.MessageTypes?.Select(t => FieldRules.Bounded(t, "MessageTypes")!).Distinct().ToList() ?? DefaultMessageTypes;

        var now = time.UtcNowToSecond();
        var position = Bindings.FindIndex(b => b.Binding.Identity == identity && b.Binding.BindingType == type && b.Binding.Endpoint == endpoint);
        if (position >= 0)
        {
            var current = Bindings[position];
            var renewed = new StoredPushBinding
            {
                Binding = current.Binding with { CredentialSid = credential, MessageTypes = messageTypes, DateUpdated = now },
                Address = address,
            };
            Bindings[position] = renewed;
            await store.WriteOrRevertAsync(() => Bindings[position] = current);
            return renewed.Binding;
        }

        var binding = new StoredPushBinding
        {
            Binding = new PushBinding
            {
                Sid = Sids.New(Sids.PushBinding),
                ChatServiceSid = this.GetPrimaryKeyString(),
                Identity = identity,
                BindingType = type,
                Endpoint = endpoint,
                CredentialSid = credential,
                MessageTypes = messageTypes,
                DateCreated = now,
                DateUpdated = now,
            },
            Address = address,
        };
        Bindings.Add(binding);
        await store.WriteOrRevertAsync(() => Bindings.Remove(binding));
        return binding.Binding;
    }

    public async Task DeleteAsync(string sid)
    {
        var position = Bindings.FindIndex(b => b.Binding.Sid == sid);
        if (position < 0)
        {
            throw Errors.Unknown($"Binding {sid}");
        }

        var removed = Bindings[position];
        Bindings.RemoveAt(position);
        await store.WriteOrRevertAsync(() => Bindings.Insert(position, removed));
    }

    public async Task ClearAsync()
    {
        if (Bindings.Count > 0)
        {
            await store.ClearStateAsync();
        }
    }

    public Task<PushBinding?> FindAsync(string sid) => Task.FromResult(Bindings.Find(b => b.Binding.Sid == sid)?.Binding);

    public Task<Page<PushBinding>> ListAsync(IReadOnlyList<string> bindingTypes, IReadOnlyList<string> identities, long start, int max)
    {
        ArgumentNullException.ThrowIfNull(bindingTypes);
        ArgumentNullException.ThrowIfNull(identities);
        var matching = Bindings
            .Select(b => b.Binding)
            .Where(b => (bindingTypes.Count == 0 || bindingTypes.Contains(b.BindingType)) && (identities.Count == 0 || identities.Contains(b.Identity)))
            .ToList();
        return Task.FromResult(Page.Slice(matching, start, max));
    }
}
