using ConversationEngine.Conversations;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using Microsoft.Data.Sqlite;
using Orleans.TestingHost;

namespace ConversationEngine.Tests.Persistence;

/// <summary>
/// What an earlier version stored still reads: grain state written as JSON (now written in
/// Orleans' binary form behind a tag, rewritten on the grain's next write), and messages kept in
/// page grains (moved into the message table when their conversation next activates).
/// </summary>
public sealed class CompactStateTests
{
    private static readonly byte[] Tag = "CEb1"u8.ToArray();

    [Fact]
    public async Task A_conversation_stored_as_json_in_page_grains_reads_back_and_moves_to_compact_rows_and_the_message_table()
    {
        var directory = Directory.CreateTempSubdirectory("engine-compact-").FullName;
        var connectionString = SqliteSchema.BuildConnectionString(Path.Combine(directory, "state.db"));
        await SqliteSchema.EnsureCreatedAsync(connectionString);
        var sid = Sids.New(Sids.Conversation);
        ConversationSnapshot before;
        Page<MessageSnapshot> messagesBefore;
        Page<ParticipantSnapshot> participantsBefore;
        long jsonPage;

        await using (var cluster = await StartAsync(connectionString, compact: false, messageTable: false))
        {
            var conversation = cluster.Client.GetGrain<IConversationGrain>(sid);
            await conversation.CreateAsync(new CreateConversation { ChatServiceSid = Sids.New(Sids.ChatService), FriendlyName = "written as JSON", InactiveTimer = TimeSpan.FromHours(1) });
            await conversation.AddParticipantAsync(new AddParticipant { Identity = "agent", Attributes = "{\"team\":\"blue\"}" });
            for (var i = 0; i < 10; i++)
            {
                await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "message " + i, Attributes = "{\"n\":" + i + "}" });
            }

            before = (await conversation.GetAsync())!;
            messagesBefore = await conversation.ListMessagesAsync(null, false, 50);
            participantsBefore = await conversation.ListParticipantsAsync(0, 50);
        }

        var rows = await PayloadsAsync(connectionString);
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.False(row.Payload.AsSpan().StartsWith(Tag), $"{row.Type} was written compactly by the JSON host"));
        jsonPage = rows.Single(r => r.Type == "messages").Payload.Length;

        await using (var cluster = await StartAsync(connectionString, compact: true))
        {
            var conversation = cluster.Client.GetGrain<IConversationGrain>(sid);
            Assert.Equal(before, await conversation.GetAsync());
            Assert.Equal(messagesBefore.Items, (await conversation.ListMessagesAsync(null, false, 50)).Items);
            Assert.Equal(participantsBefore.Items, (await conversation.ListParticipantsAsync(0, 50)).Items);

            var next = await conversation.AddMessageAsync(new AddMessage { Author = "agent", Body = "message 10", Attributes = "{\"n\":10}" });
            Assert.Equal(10, next.Index);
            await conversation.UpdateAsync(new UpdateConversation { FriendlyName = "now compact" });
        }

        rows = await PayloadsAsync(connectionString);
        var header = rows.Single(r => r.Type == "conversation").Payload;
        Assert.True(header.AsSpan().StartsWith(Tag));
        Assert.DoesNotContain(rows, r => r.Type == "messages");

        // The eleven messages are rows of their own now, together less than half the JSON page of ten.
        var (count, bytes) = await MessageRowsAsync(connectionString, sid);
        Assert.Equal(11, count);
        Assert.True(bytes * 2 < jsonPage, $"11 message rows: {bytes} bytes; the JSON page of 10: {jsonPage} bytes");

        await using (var cluster = await StartAsync(connectionString, compact: true))
        {
            var conversation = cluster.Client.GetGrain<IConversationGrain>(sid);
            Assert.Equal("now compact", (await conversation.GetAsync())!.FriendlyName);
            Assert.Equal(11, (await conversation.ListMessagesAsync(null, false, 50)).Items.Count);
        }
    }

    private static async Task<InProcessTestCluster> StartAsync(string connectionString, bool compact, bool messageTable = true)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;

        // Rows are keyed by service id: the restarted cluster must be the same service.
        builder.Options.ServiceId = "compact-state-tests";
        builder.ConfigureSilo((_, silo) => silo.UseSqliteStorage(connectionString, compactState: compact, messageTable: messageTable).AddConversationEngineGrains());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static async Task<(long Count, long Bytes)> MessageRowsAsync(string connectionString, string conversationSid)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), SUM(LENGTH(Payload)) FROM EngineMessages WHERE ConversationSid = $sid AND Payload IS NOT NULL";
        command.Parameters.AddWithValue("$sid", conversationSid);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<List<(string Type, byte[] Payload)>> PayloadsAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // GrainTypeString holds the state's name: "conversation", "messages" (a page), …
        command.CommandText = "SELECT GrainTypeString, PayloadBinary FROM OrleansStorage WHERE PayloadBinary IS NOT NULL";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, byte[])>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
        }

        return rows;
    }
}
