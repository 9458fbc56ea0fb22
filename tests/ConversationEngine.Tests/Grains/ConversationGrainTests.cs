using ConversationEngine.Accounts;
using ConversationEngine.Conversations;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Indexes;
using ConversationEngine.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task Message_subject_is_kept_on_create_and_update_and_reads_back_from_storage()
    {
        var conversation = await CreateAsync();
        var with = await conversation.AddMessageAsync(new AddMessage { Body = "hello", Subject = "Welcome" });
        var without = await conversation.AddMessageAsync(new AddMessage { Body = "no subject" });
        await conversation.UpdateMessageAsync(without.Sid, new UpdateMessage { Subject = "Added later" });
        await conversation.UpdateMessageAsync(with.Sid, new UpdateMessage { Body = "edited" });

        await cluster.DeactivateAllAsync();

        Assert.Equal("Welcome", (await conversation.GetMessageAsync(with.Sid))!.Subject);
        Assert.Equal("Added later", (await conversation.GetMessageAsync(without.Sid))!.Subject);
        await Assert.ThrowsAsync<EngineException>(() => conversation.AddMessageAsync(new AddMessage { Body = "x", Subject = new string('s', 257) }));
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
    public async Task List_shows_conversations_in_creation_order_without_deleted_ones()
    {
        var service = Sids.New(Sids.ChatService);
        var created = new List<IConversationGrain>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateAsync(service: service));
        }

        await created[2].DeleteAsync();
        var query = new ConversationQuery { ChatServiceSid = service };
        var listed = await List.ListAsync(query, 0, descending: false, 100);
        var backwards = await List.ListAsync(query, long.MaxValue, descending: true, 100);

        var expected = created.Where((_, i) => i != 2).Select(c => c.GetPrimaryKeyString()).ToList();
        Assert.Equal(expected, listed.Select(e => e.Conversation.Sid));
        Assert.Equal(expected.AsEnumerable().Reverse(), backwards.Select(e => e.Conversation.Sid));
        Assert.Equal(listed.Select(e => e.Position).Order(), listed.Select(e => e.Position));
    }

    [Fact]
    public async Task List_pages_resume_after_the_last_position_both_ways()
    {
        var service = Sids.New(Sids.ChatService);
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await CreateAsync(service: service)).GetPrimaryKeyString());
        }

        foreach (var descending in new[] { false, true })
        {
            var seen = new List<string>();
            var position = descending ? long.MaxValue : 0;
            while (true)
            {
                var page = await List.ListAsync(new ConversationQuery { ChatServiceSid = service }, position, descending, 2);
                Assert.True(page.Count <= 2);
                seen.AddRange(page.Select(e => e.Conversation.Sid));
                if (page.Count < 2)
                {
                    break;
                }

                position = page[^1].Position + (descending ? -1 : 1);
            }

            Assert.Equal(descending ? created.AsEnumerable().Reverse() : created, seen);
        }
    }

    [Fact]
    public async Task List_filters_by_state_and_date_from_the_table_without_activating_a_conversation()
    {
        var service = Sids.New(Sids.ChatService);
        var old = cluster.Grains.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        await old.CreateAsync(new CreateConversation { ChatServiceSid = service, DateCreated = DateTimeOffset.Parse("2020-01-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture) });
        var active = await CreateAsync(service: service);
        var inactive = await CreateAsync(service: service);
        await inactive.UpdateAsync(new UpdateConversation { State = ConversationStates.Inactive, FriendlyName = "renamed" });

        await cluster.DeactivateAllAsync();
        var before = await ActiveConversationsAsync();
        var onlyInactive = await List.ListAsync(new ConversationQuery { ChatServiceSid = service, State = ConversationStates.Inactive }, 0, false, 50);
        var recent = await List.ListAsync(new ConversationQuery { ChatServiceSid = service, CreatedFrom = DateTimeOffset.UtcNow.AddDays(-1) }, 0, false, 50);
        var in2020 = await List.ListAsync(
            new ConversationQuery { ChatServiceSid = service, CreatedFrom = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), CreatedBefore = new DateTimeOffset(2020, 1, 3, 0, 0, 0, TimeSpan.Zero) }, 0, false, 50);

        var shown = Assert.Single(onlyInactive).Conversation;
        Assert.Equal((inactive.GetPrimaryKeyString(), "renamed"), (shown.Sid, shown.FriendlyName));
        Assert.Equal([active.GetPrimaryKeyString(), inactive.GetPrimaryKeyString()], recent.Select(e => e.Conversation.Sid));
        Assert.Equal(old.GetPrimaryKeyString(), Assert.Single(in2020).Conversation.Sid);
        Assert.Equal(before, await ActiveConversationsAsync());
    }

    [Fact]
    public async Task List_shows_timers_moved_by_an_append_and_a_due_timer_before_its_reminder()
    {
        var service = Sids.New(Sids.ChatService);
        var conversation = cluster.Grains.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        var created = await conversation.CreateAsync(new CreateConversation { ChatServiceSid = service, InactiveTimer = TimeSpan.FromHours(1) });
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "hello" });
        var fetched = await conversation.GetAsync();

        var listed = Assert.Single(await List.ListAsync(new ConversationQuery { ChatServiceSid = service }, 0, false, 10)).Conversation;
        Assert.True(fetched!.DateInactive > created.DateInactive);
        Assert.Equal(fetched.DateInactive, listed.DateInactive);
    }

    [Fact]
    public async Task A_list_entry_lost_after_a_stored_change_is_mended_when_the_conversation_wakes()
    {
        var service = Sids.New(Sids.ChatService);
        var conversation = await CreateAsync(service: service);
        await ExecuteAsync("DELETE FROM EngineConversations WHERE ConversationSid = $key", conversation.GetPrimaryKeyString());
        await cluster.DeactivateAllAsync();
        Assert.Empty(await List.ListAsync(new ConversationQuery { ChatServiceSid = service }, 0, false, 10));

        await conversation.GetAsync();

        Assert.Equal(conversation.GetPrimaryKeyString(), Assert.Single(await List.ListAsync(new ConversationQuery { ChatServiceSid = service }, 0, false, 10)).Conversation.Sid);
    }

    [Fact]
    public async Task Conversations_in_the_directory_of_earlier_versions_are_moved_into_the_list_once()
    {
        var service = Sids.New(Sids.ChatService);
        var directory = cluster.Grains.GetGrain<IChatServiceGrain>(service);
        await directory.InitializeAsync("earlier version");
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var sid = (await CreateAsync(service: service)).GetPrimaryKeyString();
            await ExecuteAsync("DELETE FROM EngineConversations WHERE ConversationSid = $key", sid);
            await directory.RegisterConversationAsync(sid);
            created.Add(sid);
        }

        await cluster.DeactivateAllAsync();
        var listed = await List.ListAsync(new ConversationQuery { ChatServiceSid = service }, 0, false, 10);
        var again = await List.ListAsync(new ConversationQuery { ChatServiceSid = service }, 0, false, 10);

        Assert.Equal(created, listed.Select(e => e.Conversation.Sid));
        Assert.Equal(listed, again);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString LIKE $key || '/conversations/%'", service));
    }

    [Fact]
    public async Task Every_change_is_in_the_feed_in_order_without_gaps_and_survives_deactivation()
    {
        var conversation = await CreateAsync();
        var sid = conversation.GetPrimaryKeyString();
        var participant = await conversation.AddParticipantAsync(new AddParticipant { Identity = "agent" });
        var message = await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "hello" });
        await conversation.UpdateMessageAsync(message.Sid, new UpdateMessage { Body = "hello again" });
        await conversation.UpdateAsync(new UpdateConversation { State = ConversationStates.Inactive });
        await cluster.DeactivateAllAsync();
        await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "wakes it" });
        await conversation.RemoveParticipantAsync(participant.Sid);
        await conversation.RemoveMessageAsync(message.Sid);
        await conversation.DeleteAsync();

        var feed = await FeedAsync(sid);

        Assert.Equal(Enumerable.Range(1, feed.Count).Select(i => (long)i), feed.Select(e => e.Sequence));
        Assert.Equal(
            [
                "onConversationAdded", "onParticipantAdded", "onMessageAdded", "onMessageUpdated", "onConversationUpdated",
                "onConversationStateUpdated", "onMessageAdded", "onConversationStateUpdated", "onParticipantRemoved", "onMessageRemoved",
                "onConversationRemoved",
            ],
            feed.Select(e => e.Type));
        var asleep = feed[5].Parameters.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(("active", "inactive", "API"), (asleep["StateFrom"], asleep["StateTo"], asleep["Reason"]));
        var woken = feed[7].Parameters.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(("inactive", "active", "EVENT"), (woken["StateFrom"], woken["StateTo"], woken["Reason"]));
        var added = feed[2].Parameters.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal((message.Sid, "0", "hello", "agent", sid), (added["MessageSid"], added["Index"], added["Body"], added["Author"], added["ConversationSid"]));
        Assert.All(feed, e => Assert.Equal(("API", true), (e.Source, e.WebhookEnabled)));
    }

    [Fact]
    public async Task Rest_origin_without_the_webhook_header_is_recorded_as_not_firing()
    {
        Events.EventOrigin.Set(new Events.EventOrigin { Source = "API", WebhookEnabled = false });
        try
        {
            var conversation = await CreateAsync();
            await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "quiet" });
            var feed = await FeedAsync(conversation.GetPrimaryKeyString());
            Assert.Equal(2, feed.Count);
            Assert.All(feed, e => Assert.False(e.WebhookEnabled));
        }
        finally
        {
            Orleans.Runtime.RequestContext.Clear();
        }
    }

    [Fact]
    public async Task A_sequence_another_activation_took_fails_the_message_whole_and_the_next_call_goes_on_after_it()
    {
        var conversation = await CreateAsync();
        var sid = conversation.GetPrimaryKeyString();
        await using (var connection = new SqliteConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await ForeignEvents.TakeAsync(connection, sid, 2);
        }

        // The message would get event 2: refused as a whole (503, safe to retry), nothing stored.
        var refused = await Assert.ThrowsAsync<EngineException>(() => conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "first try" }));
        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
        Assert.Empty((await conversation.ListMessagesAsync(null, false, 50)).Items);

        var message = await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "second try" });
        Assert.Equal(0, message.Index);

        // A header change whose event number was taken goes out under the next free one.
        await using (var connection = new SqliteConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await ForeignEvents.TakeAsync(connection, sid, 4);
        }

        await conversation.UpdateAsync(new UpdateConversation { FriendlyName = "renamed" });
        var feed = await FeedAsync(sid);
        // Rows 2 and 4 are the foreign copies of event 1.
        Assert.Equal(["onConversationAdded", "onConversationAdded", "onMessageAdded", "onConversationAdded", "onConversationUpdated"], feed.Select(e => e.Type));
        Assert.Equal((3L, 5L), (feed[2].Sequence, feed[4].Sequence));
        Assert.Equal(message.Sid, feed[2].Parameters.Single(p => p.Key == "MessageSid").Value);
    }

    private async Task<List<Events.ConversationEvent>> FeedAsync(string conversationSid)
    {
        var serializer = cluster.Cluster.Client.ServiceProvider.GetRequiredService<Orleans.Serialization.Serializer>();
        await using var connection = new SqliteConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Payload FROM EngineEvents WHERE ConversationSid = $key ORDER BY Sequence";
        command.Parameters.AddWithValue("$key", conversationSid);
        var feed = new List<Events.ConversationEvent>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            feed.Add(serializer.Deserialize<Events.ConversationEvent>((byte[])reader.GetValue(0))!);
        }

        return feed;
    }

    private IConversationListGrain List => cluster.Grains.GetGrain<IConversationListGrain>(0);

    private async Task<long> ActiveConversationsAsync()
    {
        var statistics = await cluster.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(nameof(ConversationGrain), StringComparison.Ordinal)).Sum(s => (long)s.ActivationCount);
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

    private async Task ExecuteAsync(string sql, string key)
    {
        await using var connection = new SqliteConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$key", key);
        await command.ExecuteNonQueryAsync();
    }

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
