namespace ConversationEngine.Accounts;

[GenerateSerializer]
[Alias("ConversationEngine.AccountGrainState")]
public sealed class AccountGrainState
{
    [Id(0)] public AccountConfiguration? Configuration { get; set; }
}

public sealed class AccountGrain(
    [PersistentState("account", "store")] IPersistentState<AccountGrainState> store,
    IGrainFactory grains) : Grain, IAccountGrain
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
}
