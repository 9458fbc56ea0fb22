using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;

namespace ConversationEngine.Inbound;

[GenerateSerializer]
[Alias("ConversationEngine.AddressBookState")]
public sealed class AddressBookState
{
    [Id(0)] public List<AddressConfiguration> Configurations { get; set; } = [];
}

public sealed class AddressBookGrain(
    [PersistentState("addresses", "store")] IPersistentState<AddressBookState> store,
    TimeProvider time) : Grain, IAddressBookGrain
{
    private static readonly string[] Types = ["sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat"];
    private static readonly string[] AutoCreationTypes = ["webhook", "studio", "default"];

    private List<AddressConfiguration> Configurations => store.State.Configurations;

    public async Task<AddressConfiguration> CreateAsync(AddressConfigurationChange change)
    {
        if (change.Sid is { } reserved && Configurations.Find(c => c.Sid == reserved) is { } created)
        {
            return created;
        }

        var type = change.Type ?? throw Errors.Missing("Type");
        if (!Types.Contains(type))
        {
            throw Errors.Invalid("Type", $"'{type}' is not one of {string.Join(", ", Types)}");
        }

        var address = Normalize(type, change.Address ?? throw Errors.Missing("Address"));
        if (Configurations.Exists(c => c.Address == address))
        {
            throw Errors.Conflict(Errors.InvalidParameter, $"An address configuration for {address} already exists");
        }

        var now = Now();
        var configuration = Apply(new AddressConfiguration
        {
            Sid = change.Sid ?? Sids.New(Sids.AddressConfiguration),
            Type = type,
            Address = address,
            DateCreated = now,
            DateUpdated = now,
        }, change);
        Configurations.Add(configuration);
        await store.WriteOrRevertAsync(() => Configurations.Remove(configuration));
        return configuration;
    }

    public async Task<AddressConfiguration> UpdateAsync(string sidOrAddress, AddressConfigurationChange change)
    {
        var position = Position(sidOrAddress);
        var current = Configurations[position];
        var updated = Apply(current, change) with { DateUpdated = Now() };
        Configurations[position] = updated;
        await store.WriteOrRevertAsync(() => Configurations[position] = current);
        return updated;
    }

    public async Task DeleteAsync(string sidOrAddress)
    {
        var position = Position(sidOrAddress);
        var removed = Configurations[position];
        Configurations.RemoveAt(position);
        await store.WriteOrRevertAsync(() => Configurations.Insert(position, removed));
    }

    public Task<AddressConfiguration?> FindAsync(string sidOrAddress) => Task.FromResult(Find(sidOrAddress));

    public Task<Page<AddressConfiguration>> ListAsync(string? type, long start, int max) =>
        Task.FromResult(Page.Slice(Configurations.Where(c => type is null || c.Type == type).ToList(), start, max));

    private AddressConfiguration? Find(string sidOrAddress)
    {
        if (Configurations.Find(c => c.Sid == sidOrAddress) is { } bySid)
        {
            return bySid;
        }

        return Configurations.Find(c => c.Address == sidOrAddress)
            ?? Configurations.Find(c => TryNormalize(c.Type, sidOrAddress) == c.Address);
    }

    private int Position(string sidOrAddress)
    {
        var configuration = Find(sidOrAddress) ?? throw Errors.Unknown($"Address configuration {sidOrAddress}");
        return Configurations.IndexOf(configuration);
    }

    private static AddressConfiguration Apply(AddressConfiguration current, AddressConfigurationChange change)
    {
        var autoType = change.AutoCreationType ?? current.AutoCreationType;
        if (autoType is not null && !AutoCreationTypes.Contains(autoType))
        {
            throw Errors.Invalid("AutoCreation.Type", $"'{autoType}' is not one of webhook, studio, default");
        }

        // The auto-creation webhook becomes a conversation-scoped webhook: the same rules apply.
        var method = change.WebhookMethod is null ? null : WebhookRules.Method(change.WebhookMethod, "AutoCreation.WebhookMethod");
        var url = change.WebhookUrl is null ? null : WebhookRules.Url(change.WebhookUrl, "AutoCreation.WebhookUrl");
        var filters = change.WebhookFilters is null ? null : WebhookRules.Filters(change.WebhookFilters, WebhookRules.ConversationEvents, "AutoCreation.WebhookFilters");

        if (change.StudioRetryCount is < 0 or > 3)
        {
            throw Errors.Invalid("AutoCreation.StudioRetryCount", "must be between 0 and 3");
        }

        if (change.AddressCountry is { } country && (country.Length != 2 || !country.All(char.IsAsciiLetter)))
        {
            throw Errors.Invalid("AddressCountry", "must be an ISO 3166-1 alpha-2 country code");
        }

        return current with
        {
            FriendlyName = FieldRules.Bounded(change.FriendlyName, "FriendlyName") ?? current.FriendlyName,
            AutoCreationEnabled = change.AutoCreationEnabled ?? current.AutoCreationEnabled,
            AutoCreationType = autoType,
            ConversationServiceSid = FieldRules.Sid(change.ConversationServiceSid, Sids.ChatService, "AutoCreation.ConversationServiceSid") ?? current.ConversationServiceSid,
            WebhookUrl = url ?? current.WebhookUrl,
            WebhookMethod = method ?? current.WebhookMethod,
            WebhookFilters = filters ?? current.WebhookFilters,
            StudioFlowSid = FieldRules.Sid(change.StudioFlowSid, Sids.StudioFlow, "AutoCreation.StudioFlowSid") ?? current.StudioFlowSid,
            StudioRetryCount = change.StudioRetryCount ?? current.StudioRetryCount,
            AddressCountry = change.AddressCountry?.ToUpperInvariant() ?? current.AddressCountry,
        };
    }

    /// <summary>Channel addresses are kept in the form inbound webhooks carry them (E.164, whatsapp:+E.164).</summary>
    private static string Normalize(string type, string address) => type switch
    {
        ChannelTypes.Sms => ChannelAddress.Parse(address, "Address", Errors.InvalidParameter, allowShortCode: true).Value,
        ChannelTypes.WhatsApp => ChannelAddress.Parse(address.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase) ? address : "whatsapp:" + address, "Address", Errors.InvalidParameter).Value,
        ChannelTypes.Messenger => ChannelAddress.Parse(address.StartsWith("messenger:", StringComparison.OrdinalIgnoreCase) ? address : "messenger:" + address, "Address", Errors.InvalidParameter).Value,
        _ => FieldRules.Bounded(address.Trim(), "Address", FieldRules.AddressMaxLength) is { Length: > 0 } trimmed ? trimmed : throw Errors.Missing("Address"),
    };

    private static string? TryNormalize(string type, string address)
    {
        try
        {
            return Normalize(type, address);
        }
        catch (EngineException)
        {
            return null;
        }
    }

    private DateTimeOffset Now() => time.UtcNowToSecond();
}
