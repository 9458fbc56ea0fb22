using System.Reflection;
using Npgsql;

namespace ConversationEngine.Grains.Persistence;

/// <summary>
/// The PostgreSQL schema behind Orleans' ADO.NET clustering, grain storage and reminders:
/// SQL files in <c>Persistence/Sql/PostgreSql</c> (embedded, and usable with psql as they are),
/// applied idempotently and versioned.
/// </summary>
public static class PostgresSchema
{
    /// <summary>The ADO.NET invariant Orleans loads Npgsql by.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// The schema version these scripts bring a database to (also written by
    /// <c>099-version.sql</c>). Bump both when a script changes in a way an older build must not undo.
    /// </summary>
    public const int CurrentVersion = 5;

    private const string ScriptResourceMarker = ".Persistence.Sql.PostgreSql.";

    /// <summary>Any fixed number: the advisory lock that serialises concurrent appliers (two silos starting at once).</summary>
    private const long ApplyLock = 0x436F6E7645;

    private static readonly Lazy<IReadOnlyList<(string Name, string Text)>> Scripts = new(LoadScripts);

    /// <summary>The scripts in the order they are applied, by file name.</summary>
    public static IReadOnlyList<(string Name, string Text)> Files => Scripts.Value;

    /// <summary>
    /// Connections one process keeps at most unless the connection string says otherwise.
    /// Npgsql's own default (100) is PostgreSQL's whole default max_connections: two silos and a
    /// burst of writes would exhaust the server and fail with "too many clients". With a bound,
    /// a burst waits for a free connection instead.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>
    /// The connection string as the engine uses it: sessions in UTC, so timestamps compare the
    /// same on every silo whatever the server's time zone, and a bounded pool (see
    /// <see cref="DefaultMaxPoolSize"/>) unless one is given.
    /// </summary>
    public static string Normalize(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { Timezone = "UTC" };
        // A plain builder holds only the keys given (Npgsql's knows them all).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Maximum Pool Size") && !given.ContainsKey("MaxPoolSize"))
        {
            settings.MaxPoolSize = DefaultMaxPoolSize;
        }

        return settings.ConnectionString;
    }

    /// <summary>
    /// Applies every script in one transaction under an advisory lock. Safe to repeat and to
    /// run from several processes at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database is at a newer schema version than this build.</exception>
    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(Normalize(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({ApplyLock});", cancellationToken).ConfigureAwait(false);

        var version = await VersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The database has schema version {version}, newer than the {CurrentVersion} this build knows; refusing to overwrite its queries with older ones.");
        }

        foreach (var (_, text) in Scripts.Value)
        {
            await ExecuteAsync(connection, transaction, text, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The database's schema version; 0 when no script has run.</summary>
    public static async Task<int> VersionAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(Normalize(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await VersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> VersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('engineschemaversion') IS NOT NULL", connection, transaction);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return 0;
        }

        await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(Version), 0) FROM EngineSchemaVersion", connection, transaction);
        return Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<(string Name, string Text)> LoadScripts()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.Contains(ScriptResourceMarker, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => (Name: name[(name.IndexOf(ScriptResourceMarker, StringComparison.Ordinal) + ScriptResourceMarker.Length)..], Text: Read(assembly, name)))
            .OrderBy(script => script.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing embedded script {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
