using ConversationEngine.Accounts;
using ConversationEngine.Conversations;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace ConversationEngine.Tests.Grains;

/// <summary>
/// The sharded conversation directory: creates spread over shards, lists answered from the shard
/// entries alone (due timers applied at read time), and directories of the earlier single-grain
/// form migrated into the shards.
/// </summary>
public sealed class ConversationDirectoryTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    [Fact]
    public async Task Concurrent_creates_from_both_silos_are_each_listed_once_in_creation_order_per_creator()
    {
        var service = Sids.New(Sids.ChatService);
        var creators = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var mine = new List<string>();
            for (var i = 0; i < 25; i++)
            {
                var sid = Sids.New(Sids.Conversation);
                await cluster.Grains.GetGrain<IConversationGrain>(sid).CreateAsync(new CreateConversation { ChatServiceSid = service });
                mine.Add(sid);
            }

            return mine;
        }));

        var listed = await ListAllAsync(service, descending: false);
        Assert.Equal(200, listed.Count);
        Assert.Equal(creators.SelectMany(c => c).Order(), listed.Order());
        foreach (var mine in creators)
        {
            Assert.Equal(mine, listed.Where(mine.Contains));
        }

        Assert.Equal(listed.AsEnumerable().Reverse(), await ListAllAsync(service, descending: true));
        Assert.True(listed.Select(DirectoryShards.Of).Distinct().Count() > DirectoryShards.Count / 2, "200 SIDs spread over the shards");
    }

    [Fact]
    public async Task Shard_lists_a_timer_already_due_with_its_effect_before_any_reminder_applies_it()
    {
        // Filed directly: no conversation, so no reminder; only the read-time evaluation can move it.
        var service = Sids.New(Sids.ChatService);
        var now = DateTimeOffset.UtcNow;
        var started = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddMinutes(-5);
        var dueInactive = Filing(Sids.New(Sids.Conversation), service, started, inactive: TimeSpan.FromMinutes(1), closed: TimeSpan.FromHours(1));
        var dueClosed = Filing(Sids.New(Sids.Conversation), service, started, inactive: TimeSpan.FromMinutes(1), closed: TimeSpan.FromMinutes(2));
        var notDue = Filing(Sids.New(Sids.Conversation), service, started, inactive: TimeSpan.FromHours(1), closed: null);
        foreach (var filing in new[] { dueInactive, dueClosed, notDue })
        {
            await Shard(service, filing.Header.Sid).FileAsync(filing);
        }

        var directory = cluster.Grains.GetGrain<IChatServiceGrain>(service);
        async Task<List<ConversationSnapshot>> ListAsync(string state) =>
            (await directory.QueryConversationsAsync(new ConversationQuery { Start = 0, Descending = false, Max = 10, State = state })).Select(c => c.Conversation).ToList();

        var inactive = Assert.Single(await ListAsync(ConversationStates.Inactive));
        Assert.Equal(dueInactive.Header.Sid, inactive.Sid);
        Assert.Null(inactive.DateInactive);
        Assert.Equal(started.AddHours(1), inactive.DateClosed);
        Assert.Equal(dueClosed.Header.Sid, Assert.Single(await ListAsync(ConversationStates.Closed)).Sid);
        var active = Assert.Single(await ListAsync(ConversationStates.Active));
        Assert.Equal(notDue.Header.Sid, active.Sid);
        Assert.Equal(started.AddHours(1), active.DateInactive);
    }

    [Fact]
    public async Task Conversation_keeps_its_entry_current_through_updates_elapsed_timers_activity_and_delete()
    {
        var service = Sids.New(Sids.ChatService);
        var sid = Sids.New(Sids.Conversation);
        var conversation = cluster.Grains.GetGrain<IConversationGrain>(sid);
        await conversation.CreateAsync(new CreateConversation { ChatServiceSid = service, State = ConversationStates.Active, InactiveTimer = TimeSpan.FromSeconds(1) });
        Assert.Equal(ConversationStates.Active, await ListedStateAsync(service, sid));

        await conversation.UpdateAsync(new UpdateConversation { FriendlyName = "renamed", RemoveInactiveTimer = true });
        Assert.Equal("renamed", (await ListedAsync(service, sid))!.FriendlyName);
        await conversation.UpdateAsync(new UpdateConversation { State = ConversationStates.Inactive });
        Assert.Equal(ConversationStates.Inactive, await ListedStateAsync(service, sid));

        // A message wakes it up (a write), so the entry follows.
        await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "wake up" });
        Assert.Equal(ConversationStates.Active, await ListedStateAsync(service, sid));

        // Its timer falls due: the list shows it inactive as the conversation itself does.
        await conversation.UpdateAsync(new UpdateConversation { InactiveTimer = TimeSpan.FromSeconds(1) });
        await Eventually.ValueAsync(async () => (await conversation.GetAsync())!.State, s => s == ConversationStates.Inactive, TimeSpan.FromSeconds(20), "timer elapsed");
        Assert.Equal(ConversationStates.Inactive, await ListedStateAsync(service, sid));

        await conversation.DeleteAsync();
        Assert.Null(await ListedAsync(service, sid));
    }

    [Fact]
    public async Task Directory_written_by_the_single_grain_version_is_migrated_once_and_survives_restarts()
    {
        var directory = Directory.CreateTempSubdirectory("engine-directory-").FullName;
        var connectionString = SqliteSchema.BuildConnectionString(Path.Combine(directory, "state.db"));
        await SqliteSchema.EnsureCreatedAsync(connectionString);
        var service = Sids.New(Sids.ChatService);
        var legacy = Enumerable.Range(0, 7).Select(_ => Sids.New(Sids.Conversation)).ToList();
        var vanished = Sids.New(Sids.Conversation);
        string created;

        // What the earlier version left: the service's next slot, the slots in directory pages (one
        // of them for a conversation that was never stored: a crash between its two writes), and
        // each conversation's own slot. Slot 0 is not even stored (the serializer skips defaults).
        await using (var cluster = await StartAsync(connectionString))
        {
            var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("store");
            var grains = cluster.Client;
            var slots = legacy.Take(3).Append(vanished).Concat(legacy.Skip(3)).ToList();
            await storage.WriteStateAsync("service", grains.GetGrain<IChatServiceGrain>(service).GetGrainId(), new GrainState<ChatServiceGrainState>(new ChatServiceGrainState
            {
                Service = new ChatServiceSnapshot { Sid = service, FriendlyName = "legacy", DateCreated = DateTimeOffset.UnixEpoch, DateUpdated = DateTimeOffset.UnixEpoch },
                NextPosition = slots.Count,
            }));
            await storage.WriteStateAsync("directory", grains.GetGrain<IDirectoryPageGrain>(Indexes.IndexKeys.DirectoryPage(service, 0)).GetGrainId(),
                new GrainState<DirectoryPageState>(new DirectoryPageState { Entries = slots.Select((sid, i) => (sid, i)).ToDictionary(e => (long)e.i, e => e.sid) }));
            foreach (var (sid, slot) in slots.Select((sid, i) => (sid, i)).Where(e => e.sid != vanished))
            {
                var now = DateTimeOffset.UtcNow.AddDays(-1);
                await storage.WriteStateAsync("conversation", grains.GetGrain<IConversationGrain>(sid).GetGrainId(), new GrainState<ConversationGrainState>(new ConversationGrainState
                {
                    Header = new ConversationSnapshot { Sid = sid, ChatServiceSid = service, Attributes = "{}", State = slot % 2 == 0 ? ConversationStates.Active : ConversationStates.Inactive, DateCreated = now, DateUpdated = now },
                    DirectoryPosition = slot,
                    LastActivity = now,
                }));
            }
        }

        await using (var cluster = await StartAsync(connectionString))
        {
            var grains = cluster.Client;
            Assert.Equal(legacy, await ListAllAsync(grains, service, descending: false));
            var inactive = await grains.GetGrain<IChatServiceGrain>(service).QueryConversationsAsync(new ConversationQuery { Start = 0, Descending = false, Max = 50, State = ConversationStates.Inactive });
            Assert.Equal([legacy[1], legacy[4], legacy[6]], inactive.Select(c => c.Conversation.Sid));

            created = Sids.New(Sids.Conversation);
            await grains.GetGrain<IConversationGrain>(created).CreateAsync(new CreateConversation { ChatServiceSid = service });
            await grains.GetGrain<IConversationGrain>(legacy[0]).DeleteAsync();
        }

        // Migrated for good: the new host lists from the shards without activating a conversation.
        await using (var cluster = await StartAsync(connectionString))
        {
            var grains = cluster.Client;
            Assert.Equal(legacy.Skip(1).Append(created), await ListAllAsync(grains, service, descending: false));
            Assert.Equal(legacy.Skip(1).Append(created).Reverse(), await ListAllAsync(grains, service, descending: true));
            Assert.Equal(0, await ConversationActivationsAsync(grains));
        }
    }

    internal static async Task<int> ConversationActivationsAsync(IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        // GrainType reads "Namespace.Type,Assembly".
        return statistics.Where(s => s.GrainType.Split(',')[0] == typeof(ConversationGrain).FullName).Sum(s => s.ActivationCount);
    }

    private static async Task<InProcessTestCluster> StartAsync(string connectionString)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = "directory-migration-tests";
        builder.ConfigureSilo((_, silo) => silo.UseSqliteStorage(connectionString).AddConversationEngineGrains());
        var built = builder.Build();
        await built.DeployAsync();
        return built;
    }

    private static ConversationFiling Filing(string sid, string service, DateTimeOffset lastActivity, TimeSpan? inactive, TimeSpan? closed) => new()
    {
        Header = new ConversationSnapshot { Sid = sid, ChatServiceSid = service, Attributes = "{}", State = ConversationStates.Active, DateCreated = lastActivity, DateUpdated = lastActivity },
        InactiveTimer = inactive,
        ClosedTimer = closed,
        LastActivity = lastActivity,
    };

    private IConversationDirectoryShardGrain Shard(string service, string sid) =>
        cluster.Grains.GetGrain<IConversationDirectoryShardGrain>(DirectoryShards.Key(service, DirectoryShards.Of(sid)));

    private async Task<ConversationSnapshot?> ListedAsync(string service, string sid) =>
        (await cluster.Grains.GetGrain<IChatServiceGrain>(service).QueryConversationsAsync(new ConversationQuery { Start = 0, Descending = false, Max = 1000 }))
            .Select(c => c.Conversation).SingleOrDefault(c => c.Sid == sid);

    private async Task<string?> ListedStateAsync(string service, string sid) => (await ListedAsync(service, sid))?.State;

    private Task<List<string>> ListAllAsync(string service, bool descending) => ListAllAsync(cluster.Grains, service, descending);

    /// <summary>Walks the directory two entries at a time, as a client pages.</summary>
    private static async Task<List<string>> ListAllAsync(IGrainFactory grains, string service, bool descending)
    {
        var seen = new List<string>();
        long? position = descending ? long.MaxValue : 0;
        while (position is { } from)
        {
            var page = await grains.GetGrain<IChatServiceGrain>(service).ListConversationsAsync(from, 7, descending);
            seen.AddRange(page.Items.Select(e => e.ConversationSid));
            position = page.Next;
        }

        return seen;
    }
}
