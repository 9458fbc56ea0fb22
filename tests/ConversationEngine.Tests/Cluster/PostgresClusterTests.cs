using System.Collections.Concurrent;
using System.Diagnostics;
using ConversationEngine.Conversations;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Indexes;
using ConversationEngine.Tests.Http;
using ConversationEngine.Tests.Support;
using Npgsql;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace ConversationEngine.Tests.Cluster;

/// <summary>
/// The production topology: several silos on PostgreSQL (membership, storage, reminders), and
/// what a user must never see when one of them dies or the database goes away.
/// </summary>
public sealed class PostgresClusterTests(ITestOutputHelper output)
{
    private static readonly string ServiceSid = Sids.New(Sids.ChatService);

    [PostgresFact]
    public async Task Schema_is_applied_idempotently_and_concurrently_and_versioned()
    {
        var connectionString = Postgres.Get();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresSchema.EnsureCreatedAsync(connectionString)));
        await PostgresSchema.EnsureCreatedAsync(connectionString);
        Assert.Equal(PostgresSchema.CurrentVersion, await PostgresSchema.VersionAsync(connectionString));
        Assert.Contains($"VALUES (1, {PostgresSchema.CurrentVersion})", PostgresSchema.Files.Single(f => f.Name.EndsWith("version.sql", StringComparison.Ordinal)).Text, StringComparison.Ordinal);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var keys = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        var found = new List<string>();
        await using (var reader = await keys.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                found.Add(reader.GetString(0));
            }
        }

        Assert.Superset(
            new HashSet<string>
            {
                "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "MembershipReadRowKey",
                "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "CleanupDefunctSiloEntriesKey",
                "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
                "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "UpsertReminderRowKey",
                "DeleteReminderRowKey", "DeleteReminderRowsKey",
            },
            found.ToHashSet());
    }

    [PostgresFact]
    public async Task Three_silos_find_each_other_in_the_membership_table_and_state_survives_deactivation()
    {
        await using var cluster = await PostgresCluster.StartAsync(3);
        Assert.Equal(3, await ActiveMembersAsync(cluster));

        var conversation = await CreateAsync(cluster);
        var first = await conversation.AddMessageAsync(new AddMessage { Body = "the first" });
        await conversation.AddMessageAsync(new AddMessage { Body = "the second" });
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal("the first", (await conversation.GetMessageAsync(first.Sid))?.Body);
        var next = await conversation.AddMessageAsync(new AddMessage { Body = "after" });
        Assert.Equal(2, next.Index);
    }

    [PostgresFact]
    public async Task Conversations_created_on_every_silo_are_listed_in_order_and_filtered_without_activating_any()
    {
        await using var cluster = await PostgresCluster.StartAsync(3);
        var service = Sids.New(Sids.ChatService);
        var created = new List<IConversationGrain>();
        for (var i = 0; i < 12; i++)
        {
            var conversation = cluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
            await conversation.CreateAsync(new CreateConversation { ChatServiceSid = service, State = i % 3 == 0 ? ConversationStates.Inactive : null });
            created.Add(conversation);
        }

        await created[4].DeleteAsync();
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var list = cluster.Client.GetGrain<IConversationListGrain>(0);
        var all = await list.ListAsync(new ConversationQuery { ChatServiceSid = service }, 0, false, 50);
        var inactive = await list.ListAsync(new ConversationQuery { ChatServiceSid = service, State = ConversationStates.Inactive }, long.MaxValue, true, 50);
        var statistics = await cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();

        Assert.Equal(created.Where((_, i) => i != 4).Select(c => c.GetPrimaryKeyString()), all.Select(e => e.Conversation.Sid));
        Assert.Equal(created.Where((_, i) => i % 3 == 0).Select(c => c.GetPrimaryKeyString()).Reverse(), inactive.Select(e => e.Conversation.Sid));
        Assert.DoesNotContain(statistics, s => s.GrainType.Contains(nameof(ConversationEngine.Conversations.ConversationGrain), StringComparison.Ordinal) && s.ActivationCount > 0);
    }

    [PostgresFact]
    public async Task Concurrent_claims_of_one_binding_from_different_silos_have_exactly_one_winner()
    {
        await using var cluster = await PostgresCluster.StartAsync(3);
        var conversations = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => CreateAsync(cluster)));
        var address = "+1555" + Random.Shared.Next(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var outcomes = await Task.WhenAll(conversations.Select(async c =>
        {
            try
            {
                await c.AddParticipantAsync(new AddParticipant { Address = address, ProxyAddress = "+15005550006" });
                return c.GetPrimaryKeyString();
            }
            catch (EngineException error) when (error.Code == Errors.BindingInUse)
            {
                return null;
            }
        }));

        var winner = Assert.Single(outcomes, o => o is not null);
        Assert.Equal(winner, await cluster.Client.GetGrain<IBindingIndexGrain>(address + "|+15005550006").GetHolderAsync());
    }

    [PostgresFact]
    public async Task Killing_a_silo_under_load_loses_no_acknowledged_message_and_posts_recover()
    {
        await using var cluster = await PostgresCluster.StartAsync(3);
        var conversations = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => CreateAsync(cluster)));
        var acknowledged = new ConcurrentDictionary<string, (string Conversation, long Index)>();
        long killedAt = 0;
        var recovery = new ConcurrentBag<TimeSpan>();
        using var stop = new CancellationTokenSource();

        var clients = Enumerable.Range(0, 5).Select(client => Task.Run(async () =>
        {
            var failingSince = (long?)null;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var conversation = conversations[(client * 7919 + i) % conversations.Length];
                try
                {
                    var message = await conversation.AddMessageAsync(new AddMessage { Author = $"client-{client}", Body = $"{client}/{i}" });
                    Assert.True(acknowledged.TryAdd(message.Sid, (conversation.GetPrimaryKeyString(), message.Index)), $"{message.Sid} acknowledged twice");
                    if (failingSince is { } since && Interlocked.Read(ref killedAt) > 0)
                    {
                        recovery.Add(Stopwatch.GetElapsedTime(since));
                        failingSince = null;
                    }
                }
                catch (Exception error) when (error is not Xunit.Sdk.XunitException)
                {
                    failingSince ??= Stopwatch.GetTimestamp();
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var victim = cluster.Silos[^1];
        Interlocked.Exchange(ref killedAt, Stopwatch.GetTimestamp());
        await cluster.KillSiloAsync(victim);
        var before = acknowledged.Count;

        // Posts go on after the kill; give the cluster time to notice and move the grains.
        await Eventually.ValueAsync(() => acknowledged.Count, (int count) => count > before + 500, TimeSpan.FromSeconds(90), "posts to succeed again after the kill");
        var resumedAfter = Stopwatch.GetElapsedTime(killedAt);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        // Every acknowledged message is there, exactly once, at its index; no conversation's log has a gap.
        foreach (var group in acknowledged.GroupBy(a => a.Value.Conversation))
        {
            var log = await AllMessagesAsync(cluster.Client.GetGrain<IConversationGrain>(group.Key));
            Assert.Equal(log.Count, log.Select(m => m.Sid).Distinct().Count());
            Assert.Equal(Enumerable.Range(0, log.Count).Select(i => (long)i), log.Select(m => m.Index));
            var bySid = log.ToDictionary(m => m.Sid);
            foreach (var (sid, (_, index)) in group)
            {
                Assert.True(bySid.TryGetValue(sid, out var stored), $"acknowledged message {sid} is missing");
                Assert.Equal(index, stored!.Index);
            }
        }

        var worst = recovery.IsEmpty ? TimeSpan.Zero : recovery.Max();
        output.WriteLine($"{acknowledged.Count} messages acknowledged ({before} before the kill); posts succeeded again {resumedAfter.TotalSeconds:F1} s after the kill; longest failing stretch of one client {worst.TotalSeconds:F1} s");
        Assert.True(worst < TimeSpan.FromSeconds(60), $"a client could not post for {worst.TotalSeconds:F1} s");
    }

    [PostgresFact]
    public async Task Killing_a_silo_mid_delivery_loses_no_webhook_and_keeps_each_conversations_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer("/kill", new ReceiverAnswer(200, Delay: TimeSpan.FromMilliseconds(5)));
        await using var cluster = await PostgresCluster.StartAsync(3, configure: silo => silo.Configure<Events.WebhookDeliveryOptions>(o =>
        {
            (o.AccountSid, o.AuthToken) = (EngineHost.AccountSid, EngineHost.AuthToken);
            (o.FirstRetryDelay, o.MaxRetryDelay, o.SweepPeriod, o.HoleGrace) = (TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        }));
        await cluster.Client.GetGrain<Webhooks.IWebhookConfigurationGrain>(EngineHost.AccountSid)
            .UpdateAsync(new Webhooks.UpdateWebhookConfiguration { PostWebhookUrl = receiver.Url("/kill"), Filters = ["onMessageAdded"] });
        var conversations = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => CreateAsync(cluster)));
        var acknowledged = new ConcurrentDictionary<string, (string Conversation, long Index)>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 5).Select(client => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var conversation = conversations[(client * 7 + i) % conversations.Length];
                try
                {
                    var message = await conversation.AddMessageAsync(new AddMessage { Author = $"client-{client}", Body = $"{client}/{i}" });
                    acknowledged.TryAdd(message.Sid, (conversation.GetPrimaryKeyString(), message.Index));
                }
                catch (Exception error) when (error is not Xunit.Sdk.XunitException)
                {
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.KillSiloAsync(cluster.Silos[^1]);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        // Every acknowledged message's onMessageAdded arrives (at least once), and each
        // conversation's messages first arrive in index order, none missing.
        var expected = acknowledged.Keys.ToHashSet();
        HashSet<string> Seen() => receiver.Requests.Where(r => r.Path == "/kill").Select(r => r.Values("MessageSid")[0]).ToHashSet();
        try
        {
            await Eventually.ValueAsync(Seen, seen => seen.IsSupersetOf(expected), TimeSpan.FromSeconds(120), $"onMessageAdded for all {expected.Count} acknowledged messages");
        }
        catch (TimeoutException)
        {
            // Say what was missing and what each of those conversations' queues thought.
            var seen = Seen();
            var report = new System.Text.StringBuilder($"{expected.Count - expected.Count(seen.Contains)} of {expected.Count} acknowledged messages never arrived:");
            foreach (var group in expected.Where(sid => !seen.Contains(sid)).GroupBy(sid => acknowledged[sid].Conversation))
            {
                var status = await cluster.Client.GetGrain<Events.IWebhookQueueGrain>(Events.WebhookTargets.QueueKey(group.Key, ServiceSid, Events.WebhookTargets.Account)).StatusAsync();
                report.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"\n{group.Key}: indexes {string.Join(",", group.Select(sid => acknowledged[sid].Index).Order())}; queue delivered through {status.DeliveredThrough}, knows {status.KnownThrough}, attempts {status.Attempts}, next {status.NextAttempt}, error {status.LastError}, failed [{string.Join(",", status.Failed.Select(f => f.Sequence))}]");
            }

            Assert.Fail(report.ToString());
        }

        foreach (var group in receiver.Requests.Where(r => r.Path == "/kill").GroupBy(r => r.Values("ConversationSid")[0]))
        {
            var firstArrivals = group.Select(r => long.Parse(r.Values("Index")[0], System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
            Assert.Equal(Enumerable.Range(0, firstArrivals.Count).Select(i => (long)i), firstArrivals);
        }

        var duplicates = receiver.Requests.Count(r => r.Path == "/kill") - receiver.Requests.Where(r => r.Path == "/kill").Select(r => r.Header("I-Twilio-Idempotency-Token")).Distinct().Count();
        output.WriteLine($"{expected.Count} messages acknowledged, {receiver.Requests.Count} webhooks received, {duplicates} of them repeats (same idempotency token)");
    }

    [PostgresFact]
    public async Task A_sequence_another_activation_took_fails_the_message_whole_and_the_next_call_goes_on_after_it()
    {
        await using var cluster = await PostgresCluster.StartAsync(1);
        var conversation = await CreateAsync(cluster);
        var sid = conversation.GetPrimaryKeyString();
        await using var connection = new NpgsqlConnection(Postgres.Get());
        await connection.OpenAsync();
        await ForeignEvents.TakeAsync(connection, sid, 2);

        var refused = await Assert.ThrowsAsync<EngineException>(() => conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "first try" }));
        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
        Assert.Empty(await AllMessagesAsync(conversation));
        Assert.Equal(0, (await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "second try" })).Index);

        await ForeignEvents.TakeAsync(connection, sid, 4);
        await conversation.UpdateAsync(new UpdateConversation { FriendlyName = "renamed" });
        await using var count = new NpgsqlCommand("SELECT Sequence FROM EngineEvents WHERE ConversationSid = @c ORDER BY Sequence", connection);
        count.Parameters.AddWithValue("c", sid);
        var sequences = new List<long>();
        await using (var reader = await count.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sequences.Add(reader.GetInt64(0));
            }
        }

        Assert.Equal([1L, 2, 3, 4, 5], sequences);
    }

    [PostgresFact]
    public async Task A_conversation_timer_whose_reminder_was_on_a_killed_silo_still_fires()
    {
        await using var cluster = await PostgresCluster.StartAsync(3);
        var pairs = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var conversation = cluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
            await conversation.CreateAsync(new CreateConversation { ChatServiceSid = ServiceSid, State = ConversationStates.Active, ClosedTimer = TimeSpan.FromSeconds(8) });
            var address = "+1555" + Random.Shared.Next(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await conversation.AddParticipantAsync(new AddParticipant { Address = address, ProxyAddress = "+15005550006" });
            pairs.Add(address + "|+15005550006");
        }

        await cluster.KillSiloAsync(cluster.Silos[^1]);

        // Closing releases the pair, and only the reminder firing closes a conversation nobody touches.
        foreach (var pair in pairs)
        {
            await Eventually.ValueAsync<string?>(
                async () => await cluster.Client.GetGrain<IBindingIndexGrain>(pair).GetHolderAsync(),
                holder => holder is null,
                TimeSpan.FromSeconds(90),
                $"the closed timer of the conversation holding {pair} to fire");
        }
    }

    [PostgresFact]
    public async Task With_the_database_gone_writes_fail_instead_of_lying_and_recover_when_it_returns()
    {
        var (relay, throughRelay) = TcpRelay.For(Postgres.Get());
        await using var _ = relay;
        await using var cluster = await PostgresCluster.StartAsync(2, throughRelay);
        var conversations = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CreateAsync(cluster)));
        var acknowledged = new ConcurrentDictionary<string, string>();
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var conversation = conversations[i % conversations.Length];
                try
                {
                    var message = await conversation.AddMessageAsync(new AddMessage { Body = $"m{i}" });
                    acknowledged[message.Sid] = conversation.GetPrimaryKeyString();
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                    await Task.Delay(20);
                }
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(2));
        relay.TakeDown();
        var duringOutage = acknowledged.Count;
        await Task.Delay(TimeSpan.FromSeconds(5));
        var acknowledgedWhileDown = acknowledged.Count - duringOutage;
        relay.BringBack();
        var back = Stopwatch.GetTimestamp();
        var countAtReturn = acknowledged.Count;
        await Eventually.ValueAsync(() => acknowledged.Count, (int count) => count > countAtReturn + 50, TimeSpan.FromSeconds(60), "writes to succeed again");
        var recovered = Stopwatch.GetElapsedTime(back);
        await stop.CancelAsync();
        await load;

        Assert.True(failures > 0, "no write failed while the database was gone");
        foreach (var group in acknowledged.GroupBy(a => a.Value))
        {
            var log = await AllMessagesAsync(cluster.Client.GetGrain<IConversationGrain>(group.Key));
            var sids = log.Select(m => m.Sid).ToHashSet();
            Assert.All(group, a => Assert.Contains(a.Key, sids));
        }

        output.WriteLine($"{acknowledged.Count} acknowledged, {failures} refused; {acknowledgedWhileDown} acknowledged in the 5 s outage (in-flight before the cut); writes back {recovered.TotalSeconds:F1} s after the database returned");
    }

    private static async Task<IConversationGrain> CreateAsync(InProcessTestCluster cluster)
    {
        var grain = cluster.Client.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        await grain.CreateAsync(new CreateConversation { ChatServiceSid = ServiceSid });
        return grain;
    }

    private static async Task<List<MessageSnapshot>> AllMessagesAsync(IConversationGrain conversation)
    {
        var all = new List<MessageSnapshot>();
        long? start = null;
        do
        {
            var page = await conversation.ListMessagesAsync(start, descending: false, 1000);
            all.AddRange(page.Items);
            start = page.Next;
        }
        while (start is not null);
        return all;
    }

    private static async Task<long> ActiveMembersAsync(InProcessTestCluster cluster)
    {
        var hosts = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Count;
    }
}

/// <summary>The HTTP API as a user sees it, with the engine configured for PostgreSQL instead of SQLite.</summary>
public sealed class PostgresHostTests
{
    [PostgresFact]
    public async Task The_api_on_postgres_keeps_everything_across_a_restart()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = Postgres.Get(),
            ["Orleans:ClusterId"] = "http-" + Guid.NewGuid().ToString("N")[..12],
            ["Orleans:ServiceId"] = "http-" + Guid.NewGuid().ToString("N")[..12],
        };
        string conversation;
        string message;
        await using (var host = await EngineHost.StartAsync(settings: settings))
        {
            conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "on postgres")).ExpectAsync(System.Net.HttpStatusCode.Created))["sid"]!;
            await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
                ("MessagingBinding.Address", Numbers.NextUs()), ("MessagingBinding.ProxyAddress", Numbers.NextUs())).ExpectAsync(System.Net.HttpStatusCode.Created);
            message = (string)(await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "kept in postgres"))
                .ExpectAsync(System.Net.HttpStatusCode.Created))["sid"]!;
        }

        await using (var host = await EngineHost.StartAsync(settings: settings))
        {
            var fetched = await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}").ExpectAsync(System.Net.HttpStatusCode.OK);
            Assert.Equal("kept in postgres", (string?)fetched["body"]);
            var participants = await host.Client.GetAsync($"/v1/Conversations/{conversation}/Participants").ExpectAsync(System.Net.HttpStatusCode.OK);
            Assert.Single(participants["participants"]!.AsArray());
        }
    }

    [PostgresFact]
    public async Task With_the_database_gone_the_api_answers_503_and_recovers_without_a_restart()
    {
        var (relay, throughRelay) = TcpRelay.For(Postgres.Get());
        await using var _ = relay;
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = throughRelay,
            ["Orleans:ClusterId"] = "http-" + Guid.NewGuid().ToString("N")[..12],
            ["Orleans:ServiceId"] = "http-" + Guid.NewGuid().ToString("N")[..12],
        };
        await using var host = await EngineHost.StartAsync(settings: settings);
        var conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "outage")).ExpectAsync(System.Net.HttpStatusCode.Created))["sid"]!;

        relay.TakeDown();
        var refused = await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "while the database is gone"))
            .ExpectErrorAsync(System.Net.HttpStatusCode.ServiceUnavailable, Errors.Internal);
        Assert.Contains("retry", (string?)refused["message"], StringComparison.Ordinal);

        relay.BringBack();
        await Eventually.ValueAsync(
            async () =>
            {
                using var response = await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "after"));
                return response.StatusCode;
            },
            status => status == System.Net.HttpStatusCode.Created,
            TimeSpan.FromSeconds(30),
            "a post to succeed after the database returned");

        // Only what was acknowledged is in the log.
        var log = await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(System.Net.HttpStatusCode.OK);
        Assert.DoesNotContain(log["messages"]!.AsArray(), m => (string?)m!["body"] == "while the database is gone");
    }

    [PostgresFact]
    public async Task Readiness_turns_unhealthy_while_the_database_is_gone_and_liveness_does_not()
    {
        var (relay, throughRelay) = TcpRelay.For(Postgres.Get());
        await using var _ = relay;
        var id = "ready-" + Guid.NewGuid().ToString("N")[..12];
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = throughRelay,
            ["Orleans:ClusterId"] = id,
            ["Orleans:ServiceId"] = id,
        });
        using var anonymous = host.CreateClient();
        var ready = await anonymous.GetAsync("/readyz").ExpectAsync(System.Net.HttpStatusCode.OK);
        Assert.Equal("healthy", (string?)ready["status"]);
        Assert.Equal("healthy", (string?)ready["checks"]!["storage"]);
        Assert.Equal("healthy", (string?)ready["checks"]!["cluster"]);

        relay.TakeDown();
        using (var down = await anonymous.GetAsync("/readyz"))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, down.StatusCode);
            var body = await down.Content.ReadAsStringAsync();
            Assert.Contains("\"storage\":\"unhealthy\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Password", body, StringComparison.OrdinalIgnoreCase);
        }

        await anonymous.GetAsync("/healthz").ExpectAsync(System.Net.HttpStatusCode.OK);

        relay.BringBack();
        await Eventually.ValueAsync(
            async () =>
            {
                using var response = await anonymous.GetAsync("/readyz");
                return response.StatusCode;
            },
            status => status == System.Net.HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            "readiness to come back with the database");
    }

    [Fact]
    public async Task A_front_end_in_client_mode_without_postgres_refuses_to_start()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Orleans:Mode"] = "Client" }));
        Assert.Contains("PostgreSql", error.Message, StringComparison.Ordinal);
    }
}
