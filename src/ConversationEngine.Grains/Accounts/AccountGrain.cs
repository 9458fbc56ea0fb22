using ConversationEngine.Conversations;
using ConversationEngine.Rules;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Accounts;

[GenerateSerializer]
[Alias("ConversationEngine.AccountGrainState")]
public sealed class AccountGrainState
{
    [Id(0)] public AccountConfiguration? Configuration { get; set; }
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
}
