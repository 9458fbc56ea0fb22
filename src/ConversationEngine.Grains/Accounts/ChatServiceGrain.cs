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

    /// <summary>How far the single directory of earlier versions (slots below <see cref="NextPosition"/>) has been migrated into the shards.</summary>
    [Id(3)] public long MigratedBelow { get; set; }
}

public sealed class ChatServiceGrain(
    [PersistentState("service", "store")] IPersistentState<ChatServiceGrainState> store,
    IGrainFactory grains,
    TimeProvider time) : Grain, IChatServiceGrain
{
    private ChatServiceGrainState State => store.State;

    /// <summary>
    /// Migrates the single directory an earlier version kept (slots 0 … NextPosition-1 in pages)
    /// before anything reads the shards: each conversation files itself in its shard under its old
    /// slot, page by page, and the progress is stored after each page, so an interrupted migration
    /// resumes and a repeated one changes nothing. Calls still flow one way: conversations never
    /// call a service.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        while (State.MigratedBelow < State.NextPosition)
        {
            var page = State.MigratedBelow / IDirectoryPageGrain.Size;
            var last = Math.Min(State.NextPosition, (page + 1) * IDirectoryPageGrain.Size) - 1;
            var entries = await Page(page).RangeAsync(State.MigratedBelow, last, descending: false, IDirectoryPageGrain.Size);
            await Task.WhenAll(entries.Select(e => grains.GetGrain<IConversationGrain>(e.ConversationSid).FileInDirectoryAsync()));
            State.MigratedBelow = last + 1;
            await store.WriteStateAsync(cancellationToken);
        }
    }

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

    public async Task<Page<DirectoryEntry>> ListConversationsAsync(long start, int max, bool descending)
    {
        var found = await QueryConversationsAsync(new ConversationQuery { Start = start, Descending = descending, Max = max + 1 });
        return new Page<DirectoryEntry>
        {
            Items = found.Take(max).Select(c => new DirectoryEntry { Position = c.Position, ConversationSid = c.Conversation.Sid }).ToList(),
            Next = found.Count > max ? found[max].Position : null,
        };
    }

    /// <summary>Asks every shard for its first matches from the start and merges them in position order.</summary>
    public async Task<IReadOnlyList<ListedConversation>> QueryConversationsAsync(ConversationQuery query)
    {
        var service = this.GetPrimaryKeyString();
        var shards = await Task.WhenAll(Enumerable.Range(0, DirectoryShards.Count)
            .Select(k => grains.GetGrain<IConversationDirectoryShardGrain>(DirectoryShards.Key(service, k)).QueryAsync(query)));
        var merged = shards.SelectMany(found => found);
        return (query.Descending ? merged.OrderByDescending(c => c.Position) : merged.OrderBy(c => c.Position)).Take(query.Max).ToList();
    }

    private IDirectoryPageGrain Page(long number) =>
        grains.GetGrain<IDirectoryPageGrain>(IndexKeys.DirectoryPage(this.GetPrimaryKeyString(), number));
}
