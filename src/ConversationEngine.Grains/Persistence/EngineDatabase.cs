using ConversationEngine.Grains.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orleans.Configuration;

namespace ConversationEngine.Grains.Persistence;

/// <summary>
/// The engine's own tables (messages, the conversation list) on one database: statements with
/// the cluster's service id bound as <c>@s</c>, written durably before they return. The SQL is
/// the same on both databases wherever their dialects agree.
/// </summary>
internal abstract class EngineDatabase(ClusterOptions cluster)
{
    protected string ServiceId => cluster.ServiceId;

    /// <summary>Runs a writing statement (or several in one transaction); the rows of its last result set and the rows it changed.</summary>
    public abstract Task<TableResult> WriteAsync(string sql, params (string Name, object Value)[] parameters);

    /// <summary>Runs a query; the rows of its last result set.</summary>
    public abstract Task<IReadOnlyList<object[]>> ReadAsync(string sql, params (string Name, object Value)[] parameters);
}

internal sealed record TableResult(int RecordsAffected, IReadOnlyList<object[]> Rows);

/// <summary>
/// SQLite: writes go through the file's one writer, so they share its commits with the grain
/// storage's; reads run on pooled connections of their own (WAL lets them run beside the writer
/// and see every commit), off the caller's thread.
/// </summary>
internal sealed class SqliteEngineDatabase(string connectionString, ClusterOptions cluster) : EngineDatabase(cluster)
{
    private readonly SqliteWriter writer = SqliteWriter.For(connectionString);

    public override async Task<TableResult> WriteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var results = await writer.ExecuteAsync(sql, Parameters(parameters), CancellationToken.None);
        return new TableResult(results.RecordsAffected, results.Sets[^1].Rows.Select(r => r.Values).ToList());
    }

    public override Task<IReadOnlyList<object[]>> ReadAsync(string sql, params (string Name, object Value)[] parameters) => Task.Run(() =>
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(Parameters(parameters));
        using var reader = command.ExecuteReader();
        return (IReadOnlyList<object[]>)BufferedResults.Read(reader).Sets[^1].Rows.Select(r => r.Values).ToList();
    });

    private List<SqliteParameter> Parameters((string Name, object Value)[] parameters) =>
        [new SqliteParameter("@s", ServiceId), .. parameters.Select(p => new SqliteParameter(p.Name, p.Value))];
}

/// <summary>PostgreSQL: one command per call on the shared data source (several statements in one command run in one transaction).</summary>
internal sealed class PostgresEngineDatabase(NpgsqlDataSource database, ClusterOptions cluster) : EngineDatabase(cluster)
{
    public override async Task<TableResult> WriteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = await RowsAsync(reader);
        return new TableResult(reader.RecordsAffected, rows);
    }

    public override async Task<IReadOnlyList<object[]>> ReadAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        return await RowsAsync(reader);
    }

    private static async Task<List<object[]>> RowsAsync(NpgsqlDataReader reader)
    {
        var rows = new List<object[]>();
        do
        {
            rows.Clear();
            while (await reader.ReadAsync())
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                rows.Add(values);
            }
        }
        while (await reader.NextResultAsync());

        return rows;
    }

    private NpgsqlCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        // The SQL shared with SQLite names parameters @x; Npgsql takes them as "x".
        var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("s", ServiceId);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name.TrimStart('@'), value);
        }

        return command;
    }
}
