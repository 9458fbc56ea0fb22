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

    public Task UnregisterConversationAsync(long position) =>
        Page(position / IDirectoryPageGrain.Size).RemoveAsync(position);

    public async Task<Page<DirectoryEntry>> ListConversationsAsync(long start, int max, bool descending)
    {
        var last = State.NextPosition - 1;
        var found = new List<DirectoryEntry>();
        var position = descending ? Math.Min(start, last) : Math.Max(start, 0);
        while (found.Count < max && position >= 0 && position <= last)
        {
            var page = position / IDirectoryPageGrain.Size;
            var pageFirst = page * IDirectoryPageGrain.Size;
            var pageLast = Math.Min(pageFirst + IDirectoryPageGrain.Size - 1, last);
            var (first, final) = descending ? (pageFirst, position) : (position, pageLast);
            var entries = await Page(page).RangeAsync(first, final, descending, max - found.Count);
            found.AddRange(entries);

            // A full answer may have stopped inside the page: go on right after its last entry.
            position = found.Count >= max
                ? found[^1].Position + (descending ? -1 : 1)
                : descending ? pageFirst - 1 : pageLast + 1;
        }

        return new Page<DirectoryEntry> { Items = found, Next = position >= 0 && position <= last ? position : null };
    }

    private IDirectoryPageGrain Page(long number) =>
        grains.GetGrain<IDirectoryPageGrain>(IndexKeys.DirectoryPage(this.GetPrimaryKeyString(), number));
}
