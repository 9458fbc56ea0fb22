using ConversationEngine.Accounts;
using ConversationEngine.Conversations;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Indexes;
using Microsoft.Data.Sqlite;
using Orleans.TestingHost;

namespace ConversationEngine.Tests.Grains;

/// <summary>Two silos sharing one SQLite file, so grain calls really cross silos.</summary>
public sealed class TwoSiloCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var directory = Directory.CreateTempSubdirectory("engine-cluster-").FullName;
        ConnectionString = SqliteSchema.BuildConnectionString(Path.Combine(directory, "cluster.db"));
        await SqliteSchema.EnsureCreatedAsync(ConnectionString);
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseSqliteStorage(ConnectionString);
            silo.AddConversationEngineGrains(lifecycle =>
            {
                lifecycle.TestingOnlyMinimumTimer = TimeSpan.FromSeconds(1);
                lifecycle.ReminderPeriod = TimeSpan.FromSeconds(1);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>Deactivates every idle grain on every silo, so the next call reads from storage.</summary>
    public Task DeactivateAllAsync() =>
        Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
}

public sealed class ConversationGrainTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    private static readonly string ServiceSid = Sids.New(Sids.ChatService);

    [Fact]
    public async Task Binding_claimed_from_both_silos_at_once_has_exactly_one_holder()
    {
        var conversations = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateAsync()));
        var address = "+1555" + Random.Shared.Next(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var attempts = await Task.WhenAll(conversations.Select(async c =>
        {
            try
            {
                await c.AddParticipantAsync(new AddParticipant { Address = address, ProxyAddress = "+15005550006" });
                return (Conversation: c.GetPrimaryKeyString(), Error: (EngineException?)null);
            }
            catch (EngineException error)
            {
                return (Conversation: c.GetPrimaryKeyString(), Error: error);
            }
        }));

        var winner = Assert.Single(attempts, a => a.Error is null).Conversation;
        Assert.All(attempts.Where(a => a.Error is not null), a =>
        {
            Assert.Equal(Errors.BindingInUse, a.Error!.Code);
            Assert.Equal(ErrorKind.Conflict, a.Error.Kind);
            Assert.Contains(winner, a.Error.Message, StringComparison.Ordinal);
        });
        Assert.Equal(winner, await cluster.Grains.GetGrain<IBindingIndexGrain>(address + "|+15005550006").GetHolderAsync());
    }

    [Fact]
    public async Task Concurrent_appends_get_gapless_unique_indexes()
    {
        var conversation = await CreateAsync();

        var messages = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => conversation.AddMessageAsync(new AddMessage { Body = $"m{i}" })));

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), messages.Select(m => m.Index).Order());
        Assert.Equal(50, messages.Select(m => m.Sid).Distinct().Count());
    }

    [Fact]
    public async Task Conversation_reads_back_from_storage_after_deactivation()
    {
        var conversation = await CreateAsync(uniqueName: "stored-" + Guid.NewGuid().ToString("N"));
        var participant = await conversation.AddParticipantAsync(new AddParticipant { Identity = "agent", Attributes = "{\"x\":1}" });
        var sent = new List<MessageSnapshot>();
        for (var i = 0; i < IMessagePageGrain.Size + 3; i++)
        {
            sent.Add(await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = $"m{i}" }));
        }

        var before = await conversation.GetAsync();
        await cluster.DeactivateAllAsync();

        Assert.Equal(before, await conversation.GetAsync());
        Assert.Equal(participant, await conversation.GetParticipantAsync("agent"));
        var page = await conversation.ListMessagesAsync(null, descending: false, pageSize: 1000);
        Assert.Equal(sent, page.Items);
        var next = await conversation.AddMessageAsync(new AddMessage { Body = "after" });
        Assert.Equal(sent.Count, next.Index);
    }

    [Fact]
    public async Task Deleted_conversation_leaves_no_state_rows_behind()
    {
        var conversation = await CreateAsync(uniqueName: "gone-" + Guid.NewGuid().ToString("N"));
        await conversation.AddParticipantAsync(new AddParticipant { Address = "+14155550199", ProxyAddress = "+15005550006" });
        for (var i = 0; i < IMessagePageGrain.Size * 2 + 1; i++)
        {
            await conversation.AddMessageAsync(new AddMessage { Body = $"m{i}" });
        }

        var sid = conversation.GetPrimaryKeyString();
        Assert.True(await CountRowsAsync(sid) > 0);

        await conversation.DeleteAsync();

        Assert.Null(await conversation.GetAsync());
        Assert.Equal(0, await CountRowsAsync(sid));
        Assert.Equal(0, await CountMessageRowsAsync(sid));
        Assert.Null(await cluster.Grains.GetGrain<IBindingIndexGrain>("+14155550199|+15005550006").GetHolderAsync());
    }

    [Fact]
    public async Task Message_sid_names_its_index_but_a_forged_sid_finds_nothing()
    {
        var conversation = await CreateAsync();
        var message = await conversation.AddMessageAsync(new AddMessage { Body = "real" });
        Assert.True(Sids.TryGetMessageIndex(message.Sid, out var index));
        Assert.Equal(message.Index, index);

        var forged = Sids.NewMessage(message.Index);

        Assert.Null(await conversation.GetMessageAsync(forged));
        Assert.Equal(message, await conversation.GetMessageAsync(message.Sid));
        var error = await Assert.ThrowsAsync<EngineException>(() => conversation.UpdateMessageAsync(forged, new UpdateMessage { Body = "forged" }));
        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Participant_limits_are_enforced_with_twilio_codes()
    {
        var conversation = await CreateAsync();
        for (var i = 0; i < 50; i++)
        {
            await conversation.AddParticipantAsync(new AddParticipant { Address = $"+1415555{i:D4}" });
        }

        var error = await Assert.ThrowsAsync<EngineException>(() => conversation.AddParticipantAsync(new AddParticipant { Address = "+14155559999" }));
        Assert.Equal(Errors.TooManyNonChatParticipants, error.Code);
        await conversation.AddParticipantAsync(new AddParticipant { Identity = "still-fine" });
    }

    [Fact]
    public async Task Service_directory_lists_conversations_in_creation_order_without_deleted_ones()
    {
        var service = Sids.New(Sids.ChatService);
        await cluster.Grains.GetGrain<IChatServiceGrain>(service).InitializeAsync("directory test");
        var created = new List<IConversationGrain>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateAsync(service: service));
        }

        await created[2].DeleteAsync();
        var listed = await cluster.Grains.GetGrain<IChatServiceGrain>(service).ListConversationsAsync(0, 100, descending: false);
        var backwards = await cluster.Grains.GetGrain<IChatServiceGrain>(service).ListConversationsAsync(long.MaxValue, 100, descending: true);

        var expected = created.Where((_, i) => i != 2).Select(c => c.GetPrimaryKeyString()).ToList();
        Assert.Equal(expected, listed.Items.Select(e => e.ConversationSid));
        Assert.Equal(expected.AsEnumerable().Reverse(), backwards.Items.Select(e => e.ConversationSid));
        Assert.Null(listed.Next);
    }

    [Fact]
    public async Task Service_directory_pages_resume_inside_a_directory_page()
    {
        var service = Sids.New(Sids.ChatService);
        var directory = cluster.Grains.GetGrain<IChatServiceGrain>(service);
        await directory.InitializeAsync("resume test");
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await CreateAsync(service: service)).GetPrimaryKeyString());
        }

        foreach (var descending in new[] { false, true })
        {
            var seen = new List<string>();
            long? position = descending ? long.MaxValue : 0;
            while (position is { } from)
            {
                var page = await directory.ListConversationsAsync(from, 2, descending);
                Assert.True(page.Items.Count <= 2);
                seen.AddRange(page.Items.Select(e => e.ConversationSid));
                position = page.Next;
            }

            Assert.Equal(descending ? created.AsEnumerable().Reverse() : created, seen);
        }
    }

    private async Task<IConversationGrain> CreateAsync(string? uniqueName = null, string? service = null)
    {
        var grain = cluster.Grains.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        await grain.CreateAsync(new CreateConversation { ChatServiceSid = service ?? ServiceSid, UniqueName = uniqueName });
        return grain;
    }

    /// <summary>Rows of this conversation's messages in the message table.</summary>
    private Task<long> CountMessageRowsAsync(string conversationSid) =>
        CountAsync("SELECT COUNT(*) FROM EngineMessages WHERE ConversationSid = $key", conversationSid);

    /// <summary>Rows of this conversation's grains (header, outboxes) in the storage table.</summary>
    private Task<long> CountRowsAsync(string conversationSid) =>
        CountAsync("SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString LIKE $key || '%'", conversationSid);

    private async Task<long> CountAsync(string sql, string conversationSid)
    {
        await using var connection = new SqliteConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$key", conversationSid);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
