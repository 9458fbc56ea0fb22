using System.Data.Common;
using System.Threading.Channels;
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

    /// <summary>
    /// Runs one writing statement that answers exactly one result set, and returns its rows.
    /// Concurrent calls may share one transaction (and one commit) with each other; the
    /// statements must therefore be safe to repeat, which a shared commit that fails calls for.
    /// </summary>
    public abstract Task<IReadOnlyList<object[]>> WriteSharedAsync(string sql, params (string Name, object Value)[] parameters);

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

    /// <summary>Every write shares the writer's commits already.</summary>
    public override async Task<IReadOnlyList<object[]>> WriteSharedAsync(string sql, params (string Name, object Value)[] parameters) =>
        (await WriteAsync(sql, parameters)).Rows;

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

/// <summary>
/// PostgreSQL: one command per call on the shared data source (several statements in one command
/// run in one transaction), except the shared writes: those queue, and one lane takes what has
/// queued and sends it as one batch, one transaction, one commit (group commit); what queues while
/// a batch commits goes in the next one. Measured on message create (16 connections, 2 cores,
/// limits bench): 4 lanes 3 291/s, 2 lanes 4 035/s, 1 lane 5 583/s. A batch that fails is run again
/// one statement at a time, so one bad statement fails only its own caller.
/// </summary>
internal sealed class PostgresEngineDatabase : EngineDatabase, IAsyncDisposable
{
    private const int MaxBatch = 64;

    private readonly NpgsqlDataSource database;
    private readonly Channel<SharedWrite> queue = Channel.CreateUnbounded<SharedWrite>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = true });
    private readonly Task lane;

    public PostgresEngineDatabase(NpgsqlDataSource database, ClusterOptions cluster)
        : base(cluster)
    {
        this.database = database;
        lane = Task.Run(LaneAsync);
    }

    public override Task<IReadOnlyList<object[]>> WriteSharedAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var write = new SharedWrite(sql, parameters);
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(write), this);

        return write.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await lane;
    }

    private async Task LaneAsync()
    {
        var batch = new List<SharedWrite>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            if (batch.Count > 0)
            {
                await RunAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task RunAsync(List<SharedWrite> batch)
    {
        if (batch.Count > 1)
        {
            try
            {
                var results = await ExecuteBatchAsync(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.SetResult(results[i]);
                }

                return;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException or TimeoutException)
            {
                // Rolled back whole (or its outcome unknown): each statement again on its own.
            }
        }

        foreach (var write in batch)
        {
            try
            {
                write.Completion.SetResult((await ExecuteBatchAsync([write]))[0]);
            }
            catch (Exception e)
            {
                write.Completion.SetException(e);
            }
        }
    }

    private async Task<List<IReadOnlyList<object[]>>> ExecuteBatchAsync(IReadOnlyList<SharedWrite> writes)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var batch = connection.CreateBatch();
        foreach (var write in writes)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = write.Sql;
            Bind(command.Parameters, write.Parameters);
            batch.BatchCommands.Add(command);
        }

        List<IReadOnlyList<object[]>> results;
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            results = await ResultSetsAsync(reader);
        }

        return results.Count == writes.Count
            ? results
            : throw new InvalidOperationException($"A batch of {writes.Count} statements answered {results.Count} result sets.");
    }

    private sealed record SharedWrite(string Sql, (string Name, object Value)[] Parameters)
    {
        public TaskCompletionSource<IReadOnlyList<object[]>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public override async Task<TableResult> WriteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = (await ResultSetsAsync(reader))[^1];
        return new TableResult(reader.RecordsAffected, rows);
    }

    public override async Task<IReadOnlyList<object[]>> ReadAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        return (await ResultSetsAsync(reader))[^1];
    }

    /// <summary>The rows of every result set, in order (one per statement that answers rows).</summary>
    private static async Task<List<IReadOnlyList<object[]>>> ResultSetsAsync(NpgsqlDataReader reader)
    {
        var sets = new List<IReadOnlyList<object[]>>();
        do
        {
            var rows = new List<object[]>();
            while (await reader.ReadAsync())
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                rows.Add(values);
            }

            sets.Add(rows);
        }
        while (await reader.NextResultAsync());

        return sets;
    }

    private NpgsqlCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        var command = database.CreateCommand(sql);
        Bind(command.Parameters, parameters);
        return command;
    }

    /// <summary>The service id as @s and the others; the SQL shared with SQLite names parameters @x, Npgsql takes them as "x".</summary>
    private void Bind(NpgsqlParameterCollection collection, (string Name, object Value)[] parameters)
    {
        collection.AddWithValue("s", ServiceId);
        foreach (var (name, value) in parameters)
        {
            collection.AddWithValue(name.TrimStart('@'), value);
        }
    }
}
