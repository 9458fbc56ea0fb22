using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using ConversationEngine.Rules;
using ConversationEngine.Users;

namespace ConversationEngine.Accounts;

[GenerateSerializer]
[Alias("ConversationEngine.ChatServiceGrainState")]
public sealed class ChatServiceGrainState
{
    [Id(0)] public ChatServiceSnapshot? Service { get; set; }
    [Id(1)] public long NextPosition { get; set; }
    [Id(2)] public UpdateChatServiceConfiguration Configuration { get; set; } = new();

    /// <summary>Whether the directory pages of earlier versions have been moved into the conversation table.</summary>
    [Id(3)] public bool DirectoryMoved { get; set; }
}

public sealed class ChatServiceGrain(
    [PersistentState("service", "store")] IPersistentState<ChatServiceGrainState> store,
    IGrainFactory grains,
    TimeProvider time) : Grain, IChatServiceGrain
{
    private ChatServiceGrainState State => store.State;

    public async Task<ChatServiceSnapshot> InitializeAsync(string friendlyName)
    {
        if (State.Service is { } existing)
        {
            return existing;
        }

        var now = time.UtcNowToSecond();
        State.Service = new ChatServiceSnapshot
        {
            Sid = this.GetPrimaryKeyString(),
            FriendlyName = friendlyName,
            DateCreated = now,
            DateUpdated = now,
        };
        await store.WriteStateAsync();
        return State.Service;
    }

    public Task<ChatServiceSnapshot?> GetAsync() => Task.FromResult(State.Service);

    public Task<ChatServiceConfiguration> GetConfigurationAsync() => ConfigurationAsync();

    public async Task<ChatServiceConfiguration> UpdateConfigurationAsync(UpdateChatServiceConfiguration update)
    {
        await ConfigurationAsync();
        var current = State.Configuration;
        var next = new UpdateChatServiceConfiguration
        {
            DefaultConversationCreatorRoleSid = await RoleAsync(update.DefaultConversationCreatorRoleSid, RoleTypes.Conversation, "DefaultConversationCreatorRoleSid") ?? current.DefaultConversationCreatorRoleSid,
            DefaultConversationRoleSid = await RoleAsync(update.DefaultConversationRoleSid, RoleTypes.Conversation, "DefaultConversationRoleSid") ?? current.DefaultConversationRoleSid,
            DefaultChatServiceRoleSid = await RoleAsync(update.DefaultChatServiceRoleSid, RoleTypes.Service, "DefaultChatServiceRoleSid") ?? current.DefaultChatServiceRoleSid,
            ReachabilityEnabled = update.ReachabilityEnabled ?? current.ReachabilityEnabled,
        };
        State.Configuration = next;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            State.Configuration = current;
            throw;
        }

        return await ConfigurationAsync();
    }

    public async Task DeleteAsync()
    {
        await grains.GetGrain<Webhooks.IWebhookConfigurationGrain>(this.GetPrimaryKeyString()).ClearAsync();
        await store.ClearStateAsync();
    }

    /// <summary>The configuration; a role default never set names the role the service started with.</summary>
    private async Task<ChatServiceConfiguration> ConfigurationAsync()
    {
        var service = State.Service ?? throw Errors.Unknown($"Conversation Service {this.GetPrimaryKeyString()}");
        var configuration = State.Configuration;
        var defaults = await Roles.GetDefaultsAsync();
        return new ChatServiceConfiguration
        {
            ChatServiceSid = service.Sid,
            DefaultConversationCreatorRoleSid = configuration.DefaultConversationCreatorRoleSid ?? defaults.ConversationAdmin,
            DefaultConversationRoleSid = configuration.DefaultConversationRoleSid ?? defaults.ConversationUser,
            DefaultChatServiceRoleSid = configuration.DefaultChatServiceRoleSid ?? defaults.ServiceUser,
            ReachabilityEnabled = configuration.ReachabilityEnabled ?? false,
        };
    }

    private IServiceRolesGrain Roles => grains.GetGrain<IServiceRolesGrain>(this.GetPrimaryKeyString());

    private async Task<string?> RoleAsync(string? roleSid, string type, string parameter)
    {
        if (FieldRules.Sid(roleSid, Sids.Role, parameter) is not { } sid)
        {
            return null;
        }

        await Roles.CheckAsync(sid, type);
        return sid;
    }

    public async Task<long> RegisterConversationAsync(string conversationSid)
    {
        var position = State.NextPosition;
        await Page(position / IDirectoryPageGrain.Size).PutAsync(position, conversationSid);
        State.NextPosition = position + 1;
        await store.WriteStateAsync();
        return position;
    }

    public async Task MoveDirectoryAsync()
    {
        if (State.DirectoryMoved || State.NextPosition == 0)
        {
            return;
        }

        // Page by page: every conversation lists itself (a deleted one has nothing to list), then
        // the page goes. A crash midway repeats pages already moved, which changes nothing.
        for (var page = 0L; page * IDirectoryPageGrain.Size < State.NextPosition; page++)
        {
            var first = page * IDirectoryPageGrain.Size;
            var entries = await Page(page).RangeAsync(first, first + IDirectoryPageGrain.Size - 1, descending: false, IDirectoryPageGrain.Size);
            foreach (var entry in entries)
            {
                // One at a time: the list keeps the order in which conversations join it.
                await grains.GetGrain<IConversationGrain>(entry.ConversationSid).EnsureListedAsync();
            }

            await Page(page).ClearAsync();
        }

        State.DirectoryMoved = true;
        await store.WriteStateAsync();
    }

    private IDirectoryPageGrain Page(long number) =>
        grains.GetGrain<IDirectoryPageGrain>(IndexKeys.DirectoryPage(this.GetPrimaryKeyString(), number));
}
