using System.Data.Common;
using ConversationEngine.Conversations;
using ConversationEngine.Grains.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;

namespace ConversationEngine.Grains.Persistence;

/// <summary>A message as stored in the log table: Orleans' binary form of <see cref="MessageSnapshot"/>.</summary>
internal sealed class EngineMessageCodec(Serializer serializer)
{
    public byte[] Encode(MessageSnapshot message) => serializer.SerializeToArray(message);

    public MessageSnapshot Decode(byte[] payload) => serializer.Deserialize<MessageSnapshot>(payload) ?? throw new InvalidOperationException("An empty message payload.");
}

/// <summary>
/// The message table (<c>EngineMessages</c>) on SQLite: writes through the file's one writer, so
/// appends of every conversation share its commits; reads on pooled connections of their own (WAL
/// lets them run beside the writer and see every commit), off the grain's thread.
/// </summary>
internal sealed class SqliteMessageLogStore(string connectionString, ClusterOptions cluster, EngineMessageCodec codec) : IMessageLogStore
{
    private readonly SqliteWriter writer = SqliteWriter.For(connectionString);

    public async Task AppendAsync(MessageSnapshot message)
    {
        var results = await RunAsync(
            "INSERT OR IGNORE INTO EngineMessages (ServiceId, ConversationSid, MessageIndex, MessageSid, Payload) VALUES (@s, @c, @i, @m, @p); " +
            "SELECT MessageSid FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i;",
            ("@c", message.ConversationSid), ("@i", message.Index), ("@m", message.Sid), ("@p", codec.Encode(message)));
        MessageLogTable.CheckAppended(message, results.Sets[^1].Rows.Select(r => r.Values[0] as string).FirstOrDefault());
    }

    public async Task<MessageSnapshot?> GetAsync(string conversationSid, long index)
    {
        var results = await ReadAsync(MessageTableSql.Get, ("@c", conversationSid), ("@i", index));
        return Messages(results).FirstOrDefault();
    }

    public async Task<IReadOnlyList<MessageSnapshot>> RangeAsync(string conversationSid, long first, long last, bool descending, int max) =>
        Messages(await ReadAsync(MessageTableSql.Range(descending), ("@c", conversationSid), ("@first", first), ("@last", last), ("@max", max)));

    public async Task<long> HighestIndexAsync(string conversationSid, long known)
    {
        var results = await ReadAsync(MessageTableSql.Highest, ("@c", conversationSid));
        return Math.Max(known, results.Sets[0].Rows[0].Values[0] is long highest ? highest : -1);
    }

    public async Task ReplaceAsync(MessageSnapshot message)
    {
        var results = await RunAsync(
            MessageTableSql.Replace, ("@c", message.ConversationSid), ("@i", message.Index), ("@m", message.Sid), ("@p", codec.Encode(message)));
        MessageLogTable.CheckReplaced(message, results.RecordsAffected);
    }

    public Task RemoveAsync(string conversationSid, long index) => RunAsync(MessageTableSql.Remove, ("@c", conversationSid), ("@i", index));

    public Task ClearAsync(string conversationSid) => RunAsync(MessageTableSql.Clear, ("@c", conversationSid));

    private List<MessageSnapshot> Messages(BufferedResults results) =>
        results.Sets[^1].Rows.Select(r => codec.Decode((byte[])r.Values[0])).ToList();

    private Task<BufferedResults> RunAsync(string sql, params (string Name, object Value)[] parameters) =>
        writer.ExecuteAsync(sql, Parameters(parameters), CancellationToken.None);

    private Task<BufferedResults> ReadAsync(string sql, params (string Name, object Value)[] parameters) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(Parameters(parameters));
        using var reader = command.ExecuteReader();
        return BufferedResults.Read(reader);
    });

    private List<SqliteParameter> Parameters((string Name, object Value)[] parameters) =>
        [new SqliteParameter("@s", cluster.ServiceId), .. parameters.Select(p => new SqliteParameter(p.Name, p.Value))];
}

/// <summary>The message table (<c>EngineMessages</c>) on PostgreSQL: one statement per operation.</summary>
internal sealed class PostgresMessageLogStore(NpgsqlDataSource database, ClusterOptions cluster, EngineMessageCodec codec) : IMessageLogStore
{
    public async Task AppendAsync(MessageSnapshot message)
    {
        await using var command = Command(
            "WITH inserted AS (INSERT INTO EngineMessages (ServiceId, ConversationSid, MessageIndex, MessageSid, Payload) VALUES (@s, @c, @i, @m, @p) " +
            "ON CONFLICT (ServiceId, ConversationSid, MessageIndex) DO NOTHING RETURNING MessageSid) " +
            "SELECT MessageSid FROM inserted UNION ALL SELECT MessageSid FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i LIMIT 1",
            ("c", message.ConversationSid), ("i", message.Index), ("m", message.Sid), ("p", codec.Encode(message)));
        MessageLogTable.CheckAppended(message, await command.ExecuteScalarAsync() as string);
    }

    public async Task<MessageSnapshot?> GetAsync(string conversationSid, long index)
    {
        await using var command = Command(MessageTableSql.Get, ("c", conversationSid), ("i", index));
        return (await ReadAsync(command)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<MessageSnapshot>> RangeAsync(string conversationSid, long first, long last, bool descending, int max)
    {
        await using var command = Command(MessageTableSql.Range(descending), ("c", conversationSid), ("first", first), ("last", last), ("max", max));
        return await ReadAsync(command);
    }

    public async Task<long> HighestIndexAsync(string conversationSid, long known)
    {
        await using var command = Command(MessageTableSql.Highest, ("c", conversationSid));
        return Math.Max(known, await command.ExecuteScalarAsync() is long highest ? highest : -1);
    }

    public async Task ReplaceAsync(MessageSnapshot message)
    {
        await using var command = Command(
            MessageTableSql.Replace, ("c", message.ConversationSid), ("i", message.Index), ("m", message.Sid), ("p", codec.Encode(message)));
        MessageLogTable.CheckReplaced(message, await command.ExecuteNonQueryAsync());
    }

    public async Task RemoveAsync(string conversationSid, long index)
    {
        await using var command = Command(MessageTableSql.Remove, ("c", conversationSid), ("i", index));
        await command.ExecuteNonQueryAsync();
    }

    public async Task ClearAsync(string conversationSid)
    {
        await using var command = Command(MessageTableSql.Clear, ("c", conversationSid));
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<MessageSnapshot>> ReadAsync(DbCommand command)
    {
        var found = new List<MessageSnapshot>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(codec.Decode((byte[])reader.GetValue(0)));
        }

        return found;
    }

    private NpgsqlCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("s", cluster.ServiceId);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}

/// <summary>
/// The statements both databases run alike (parameters: @s service, @c conversation, @i index,
/// @m message SID, @p payload); only the append differs, by each database's "insert unless there".
/// </summary>
internal static class MessageTableSql
{
    public const string Get =
        "SELECT Payload FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i AND Payload IS NOT NULL";

    public const string Highest = "SELECT MAX(MessageIndex) FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c";

    public const string Replace =
        "UPDATE EngineMessages SET Payload = @p WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i AND MessageSid = @m AND Payload IS NOT NULL";

    public const string Remove = "UPDATE EngineMessages SET Payload = NULL WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i";

    public const string Clear = "DELETE FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c";

    public static string Range(bool descending) =>
        "SELECT Payload FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex BETWEEN @first AND @last AND Payload IS NOT NULL " +
        (descending ? "ORDER BY MessageIndex DESC" : "ORDER BY MessageIndex") + " LIMIT @max";
}

internal static class MessageLogTable
{
    public static void CheckAppended(MessageSnapshot message, string? holder)
    {
        if (holder != message.Sid)
        {
            throw new InvalidOperationException($"Message index {message.Index} of {message.ConversationSid} is already taken by {holder}");
        }
    }

    public static void CheckReplaced(MessageSnapshot message, int rows)
    {
        if (rows == 0)
        {
            throw Errors.Unknown($"Message {message.Sid}");
        }
    }
}
