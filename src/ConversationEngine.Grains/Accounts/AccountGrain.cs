using ConversationEngine.Conversations;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Accounts;

[GenerateSerializer]
[Alias("ConversationEngine.AccountGrainState")]
public sealed class AccountGrainState
{
    [Id(0)] public AccountConfiguration? Configuration { get; set; }

    /// <summary>The account's conversation services, oldest first (the default one included once it is created).</summary>
    [Id(1)] public List<string> Services { get; set; } = [];
}

public sealed class AccountGrain(
    [PersistentState("account", "store")] IPersistentState<AccountGrainState> store,
    IGrainFactory grains,
    IOptions<LifecycleOptions> lifecycle) : Grain, IAccountGrain
{
    private const string DefaultServiceName = "Default Conversations Service";

    public async Task<AccountConfiguration> GetConfigurationAsync()
    {
        if (store.State.Configuration is { } configuration)
        {
            return configuration;
        }

        var serviceSid = Sids.New(Sids.ChatService);
        await grains.GetGrain<IChatServiceGrain>(serviceSid).InitializeAsync(DefaultServiceName);
        store.State.Configuration = new AccountConfiguration
        {
            AccountSid = this.GetPrimaryKeyString(),
            DefaultChatServiceSid = serviceSid,
        };
        store.State.Services.Insert(0, serviceSid);
        await store.WriteStateAsync();
        return store.State.Configuration;
    }

    public async Task<AccountConfiguration> UpdateConfigurationAsync(UpdateAccountConfiguration update)
    {
        var current = await GetConfigurationAsync();
        FieldRules.Sid(update.DefaultMessagingServiceSid, Sids.MessagingService, "DefaultMessagingServiceSid");
        if (FieldRules.Sid(update.DefaultChatServiceSid, Sids.ChatService, "DefaultChatServiceSid") is { } serviceSid
            && await grains.GetGrain<IChatServiceGrain>(serviceSid).GetAsync() is null)
        {
            throw Errors.Unknown($"Conversation Service {serviceSid}");
        }

        ConversationLifecycle.CheckMinimums(update.DefaultInactiveTimer, update.DefaultClosedTimer, lifecycle.Value.TestingOnlyMinimumTimer);
        var updated = current with
        {
            DefaultChatServiceSid = update.DefaultChatServiceSid ?? current.DefaultChatServiceSid,
            DefaultMessagingServiceSid = update.RemoveDefaultMessagingServiceSid ? null : update.DefaultMessagingServiceSid ?? current.DefaultMessagingServiceSid,
            DefaultInactiveTimer = update.RemoveDefaultInactiveTimer ? null : update.DefaultInactiveTimer ?? current.DefaultInactiveTimer,
            DefaultClosedTimer = update.RemoveDefaultClosedTimer ? null : update.DefaultClosedTimer ?? current.DefaultClosedTimer,
        };

        store.State.Configuration = updated;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.Configuration = current;
            throw;
        }

        return updated;
    }

    public async Task<ChatServiceSnapshot> CreateServiceAsync(string serviceSid, string friendlyName)
    {
        // The default service comes first, so the list starts with it.
        await GetConfigurationAsync();
        var service = await grains.GetGrain<IChatServiceGrain>(serviceSid).InitializeAsync(friendlyName);
        if (store.State.Services.Contains(serviceSid))
        {
            return service;
        }

        store.State.Services.Add(serviceSid);
        await store.WriteOrRevertAsync(() => store.State.Services.Remove(serviceSid));
        return service;
    }

    public async Task<IReadOnlyList<string>> ListServicesAsync()
    {
        var configuration = await GetConfigurationAsync();

        // Accounts of earlier versions had only the default service and no list.
        return store.State.Services.Contains(configuration.DefaultChatServiceSid)
            ? store.State.Services.ToList()
            : [configuration.DefaultChatServiceSid, .. store.State.Services];
    }

    public async Task DeleteServiceAsync(string chatServiceSid)
    {
        var configuration = await GetConfigurationAsync();
        if (chatServiceSid == configuration.DefaultChatServiceSid)
        {
            throw Errors.Invalid("Sid", $"{chatServiceSid} is the account's default conversation service and cannot be deleted; make another service the default first (POST /v1/Configuration DefaultChatServiceSid)");
        }

        await grains.GetGrain<IChatServiceGrain>(chatServiceSid).DeleteAsync();
        if (store.State.Services.Remove(chatServiceSid))
        {
            await store.WriteOrRevertAsync(() => store.State.Services.Add(chatServiceSid));
        }
    }
}
