using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace ConversationEngine.Grains.Persistence;

/// <summary>
/// Creates and upgrades the SQLite file that backs Orleans' ADO.NET grain storage and
/// reminder providers, and builds connection strings fit for them.
/// </summary>
public static class SqliteSchema
{
    /// <summary>
    /// The ADO.NET invariant to give the Orleans providers. Orleans 10.4.2 has no invariant
    /// named "Microsoft.Data.Sqlite": its only SQLite invariant is "System.Data.SQLite", and
    /// that name loads <c>Microsoft.Data.Sqlite.SqliteFactory</c> from the Microsoft.Data.Sqlite
    /// assembly. "Microsoft.Data.Sqlite" appears in the provider DLL only as that assembly
    /// name; passed as the invariant it fails when the provider starts.
    /// </summary>
    public const string Invariant = "System.Data.SQLite";

    /// <summary>
    /// The schema version this build writes to <c>PRAGMA user_version</c>. Bump it when a
    /// script is added or changed in a way an older build must not undo.
    /// </summary>
    public const int CurrentVersion = 4;

    /// <summary>
    /// How long a command keeps retrying while another connection holds the write lock.
    /// Microsoft.Data.Sqlite does not set SQLite's busy_timeout; it retries SQLITE_BUSY and
    /// SQLITE_LOCKED itself (every 150 ms) until the command timeout, which defaults to the
    /// connection string's Default Timeout. The engine's own writes all go through one writer
    /// (<see cref="Sqlite.SqliteWriter"/>), so this bounds only what else meets the write lock:
    /// the schema step, message-table readers during a checkpoint, another process on the file.
    /// </summary>
    public const int BusyTimeoutSeconds = 30;

    private const string ScriptResourceMarker = ".Persistence.Sql.Sqlite.";

    private static readonly Lazy<Script[]> Scripts = new(LoadScripts);

    /// <summary>
    /// Builds a connection string for the database file at <paramref name="databasePath"/>
    /// (relative paths resolve against the current directory).
    /// </summary>
    public static string BuildConnectionString(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);

        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(databasePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            // A shared cache would serialise connections on table locks (SQLITE_LOCKED)
            // and defeats WAL's concurrent readers.
            Cache = SqliteCacheMode.Private,
            // Message-table reads and the schema step open a connection per operation;
            // pooling keeps the file open so that is cheap.
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
    }

    /// <summary>
    /// Creates the database (and its directory) if missing, switches it to WAL and applies
    /// the embedded scripts in order within one transaction. Safe to call repeatedly and
    /// from several processes at once: the scripts are idempotent and the transaction takes
    /// the write lock up front, so concurrent callers apply them one after another.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer
    /// schema version, or cannot be put in WAL mode.</exception>
    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        var settings = new SqliteConnectionStringBuilder(connectionString);
        var inMemory = IsInMemory(settings);
        if (!inMemory)
        {
            CreateDirectoryOf(settings.DataSource);
            RestrictToOwner(settings.DataSource);
        }

        var scripts = Scripts.Value;

        var connection = new SqliteConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            if (!inMemory)
            {
                // WAL lets readers proceed while a grain writes. The mode is stored in the
                // file, and it cannot be changed inside a transaction, so do it first.
                await EnableWalAsync(connection, cancellationToken).ConfigureAwait(false);
                RestrictToOwner(settings.DataSource);
            }

            // BEGIN IMMEDIATE: take the write lock before reading user_version so that two
            // processes cannot both decide to migrate from the same version.
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var version = Convert.ToInt32(
                    await ExecuteScalarAsync(connection, transaction, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false),
                    CultureInfo.InvariantCulture);
                if (version > CurrentVersion)
                {
                    throw new InvalidOperationException(
                        $"The database '{settings.DataSource}' has schema version {version}, newer than the {CurrentVersion} this build knows; refusing to overwrite its queries with older ones.");
                }

                foreach (var script in scripts)
                {
                    await ExecuteNonQueryAsync(connection, transaction, script.Text, cancellationToken).ConfigureAwait(false);
                }

                await ExecuteNonQueryAsync(connection, transaction, SetUserVersionSql, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string SetUserVersionSql =>
        string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {CurrentVersion};");

    private static async Task EnableWalAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var mode = Convert.ToString(
            await ExecuteScalarAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false),
            CultureInfo.InvariantCulture);

        // SQLite answers with the mode in force rather than failing when it cannot switch.
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"Could not put '{connection.DataSource}' in WAL mode (journal_mode is '{mode}'); the file system may not support it.");
        }
    }

    private static async Task<object?> ExecuteScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = sql;
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteNonQueryAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsInMemory(SqliteConnectionStringBuilder settings) =>
        settings.Mode == SqliteOpenMode.Memory
        || string.IsNullOrEmpty(settings.DataSource)
        || string.Equals(settings.DataSource, ":memory:", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The database holds every message: it and its WAL/SHM companions are readable and writable
    /// by the owner only (mode 600). The file is created with that mode before SQLite opens it,
    /// and SQLite gives the companions it creates the database file's mode; existing files are tightened.
    /// </summary>
    private static void RestrictToOwner(string dataSource)
    {
        if (OperatingSystem.IsWindows() || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var path = Path.GetFullPath(dataSource);
        try
        {
            using (new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = ownerOnly }))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            // Already there (another process may have created it just now): tightened below.
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~ownerOnly) != 0)
            {
                File.SetUnixFileMode(file, ownerOnly);
            }
        }
    }

    private static void CreateDirectoryOf(string dataSource)
    {
        // A URI file name ("file:...") is resolved by SQLite itself; leave it alone.
        if (dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    private static Script[] LoadScripts()
    {
        var assembly = typeof(SqliteSchema).Assembly;

        // Ordinal order of the names is the order of the numeric prefixes (001-, 002-, ...).
        var names = assembly.GetManifestResourceNames()
            .Where(name => name.Contains(ScriptResourceMarker, StringComparison.Ordinal)
                && name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

        if (names.Count == 0)
        {
            throw new InvalidOperationException(
                $"No embedded SQLite schema scripts (*{ScriptResourceMarker}*.sql) found in {assembly.GetName().Name}.");
        }

        return names.Select(name => new Script(name, ReadResource(assembly, name))).ToArray();
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record Script(string Name, string Text);
}
