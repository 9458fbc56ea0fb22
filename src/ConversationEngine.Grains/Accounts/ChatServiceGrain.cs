using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using ConversationEngine.Rules;

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

    public Task<ChatServiceConfiguration> GetConfigurationAsync() => Task.FromResult(Configuration());

    public async Task<ChatServiceConfiguration> UpdateConfigurationAsync(UpdateChatServiceConfiguration update)
    {
        Configuration();
        var current = State.Configuration;
        State.Configuration = new UpdateChatServiceConfiguration
        {
            DefaultConversationCreatorRoleSid = FieldRules.Sid(update.DefaultConversationCreatorRoleSid, Sids.Role, "DefaultConversationCreatorRoleSid") ?? current.DefaultConversationCreatorRoleSid,
            DefaultConversationRoleSid = FieldRules.Sid(update.DefaultConversationRoleSid, Sids.Role, "DefaultConversationRoleSid") ?? current.DefaultConversationRoleSid,
            DefaultChatServiceRoleSid = FieldRules.Sid(update.DefaultChatServiceRoleSid, Sids.Role, "DefaultChatServiceRoleSid") ?? current.DefaultChatServiceRoleSid,
            ReachabilityEnabled = update.ReachabilityEnabled ?? current.ReachabilityEnabled,
        };
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            State.Configuration = current;
            throw;
        }

        return Configuration();
    }

    public async Task DeleteAsync()
    {
        await grains.GetGrain<Webhooks.IWebhookConfigurationGrain>(this.GetPrimaryKeyString()).ClearAsync();
        await store.ClearStateAsync();
    }

    private ChatServiceConfiguration Configuration()
    {
        var service = State.Service ?? throw Errors.Unknown($"Conversation Service {this.GetPrimaryKeyString()}");
        var configuration = State.Configuration;
        return new ChatServiceConfiguration
        {
            ChatServiceSid = service.Sid,
            DefaultConversationCreatorRoleSid = configuration.DefaultConversationCreatorRoleSid,
            DefaultConversationRoleSid = configuration.DefaultConversationRoleSid,
            DefaultChatServiceRoleSid = configuration.DefaultChatServiceRoleSid,
            ReachabilityEnabled = configuration.ReachabilityEnabled ?? false,
        };
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
