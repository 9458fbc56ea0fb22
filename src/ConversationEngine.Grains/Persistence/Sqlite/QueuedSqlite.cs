using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace ConversationEngine.Grains.Persistence.Sqlite;

/// <summary>
/// What the Orleans ADO.NET providers are given instead of a connection string on SQLite: every
/// connection it hands out runs its commands through the database's <see cref="SqliteWriter"/>.
/// </summary>
internal sealed class QueuedSqliteDataSource(string connectionString) : DbDataSource
{
    private readonly SqliteWriter writer = SqliteWriter.For(connectionString);

    public override string ConnectionString => connectionString;

    protected override DbConnection CreateDbConnection() => new QueuedSqliteConnection(connectionString, writer);
}

/// <summary>
/// A connection that opens nothing itself: its commands queue for the writer. It derives from
/// <see cref="SqliteConnection"/> because the providers check that a data source's connections are
/// of their SQLite provider's type.
/// </summary>
internal sealed class QueuedSqliteConnection(string connectionString, SqliteWriter writer) : SqliteConnection(connectionString)
{
    private ConnectionState state = ConnectionState.Closed;

    public override ConnectionState State => state;

    public override void Open() => state = ConnectionState.Open;

    public override Task OpenAsync(CancellationToken cancellationToken)
    {
        Open();
        return Task.CompletedTask;
    }

    public override void Close() => state = ConnectionState.Closed;

    protected override DbCommand CreateDbCommand() => new QueuedSqliteCommand(writer) { Connection = this };
}

/// <summary>A command whose execution is the writer's: text and parameters go there, buffered results come back.</summary>
internal sealed class QueuedSqliteCommand(SqliteWriter writer) : DbCommand
{
    // Owns the parameter collection (SqliteParameterCollection cannot be made directly).
    private readonly SqliteCommand parameters = new();

    [AllowNull]
    public override string CommandText { get; set; } = "";

    public override int CommandTimeout { get; set; }

    public override CommandType CommandType { get; set; } = CommandType.Text;

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection { get; set; }

    protected override DbParameterCollection DbParameterCollection => parameters.Parameters;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel()
    {
    }

    public override void Prepare()
    {
    }

    protected override DbParameter CreateDbParameter() => parameters.CreateParameter();

    public override int ExecuteNonQuery() => ExecuteNonQueryAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override object? ExecuteScalar() => ExecuteScalarAsync(CancellationToken.None).GetAwaiter().GetResult();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) =>
        ExecuteDbDataReaderAsync(behavior, CancellationToken.None).GetAwaiter().GetResult();

    public override async Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) =>
        (await RunAsync(cancellationToken).ConfigureAwait(false)).RecordsAffected;

    public override async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        var results = await RunAsync(cancellationToken).ConfigureAwait(false);
        return results.Sets.Count > 0 && results.Sets[0].Rows.Count > 0 && results.Sets[0].Names.Length > 0 ? results.Sets[0].Rows[0].Values[0] : null;
    }

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        new BufferedDataReader(await RunAsync(cancellationToken).ConfigureAwait(false));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            parameters.Dispose();
        }

        base.Dispose(disposing);
    }

    private Task<BufferedResults> RunAsync(CancellationToken cancellationToken) =>
        writer.ExecuteAsync(CommandText, parameters.Parameters.Cast<SqliteParameter>().ToList(), cancellationToken);
}
