using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace ConversationEngine.Grains.Persistence;

/// <summary>Wires Orleans' ADO.NET grain storage and reminders to a SQLite file.</summary>
public static class SqliteHostingExtensions
{
    /// <summary>
    /// Registers ADO.NET grain storage named <paramref name="storageName"/> and the ADO.NET
    /// reminder service, both on the SQLite database of <paramref name="connectionString"/>.
    /// The schema is not created here: it must exist before the silo starts, because both
    /// providers read their queries from the database while the silo starts and fail if they are
    /// missing. Engine hosts get it from their schema start-up step (<c>AddEngineSchemaStartup</c>);
    /// others call <see cref="SqliteSchema.EnsureCreatedAsync"/> first.
    /// </summary>
    /// <param name="compactState">Write state in <see cref="CompactGrainStateSerializer"/>'s binary form (false: Orleans' default JSON, for comparison and compatibility tests).</param>
    /// <param name="singleWriter">Queue every command for the database's one writer (false: a pooled connection per command, as Orleans does by itself; for comparison).</param>
    /// <param name="messageTable">Keep messages in the message table (false: in page grains, as earlier versions did; for compatibility tests).</param>
    public static ISiloBuilder UseSqliteStorage(this ISiloBuilder builder, string connectionString, string storageName = "store", bool compactState = true, bool singleWriter = true, bool messageTable = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(storageName);

        // One writer for the file: the providers' commands queue for it and share its commits.
        var database = singleWriter ? new Sqlite.QueuedSqliteDataSource(connectionString) : null;
        builder.AddAdoNetGrainStorage(storageName, options =>
        {
            options.Invariant = SqliteSchema.Invariant;
            (options.DataSource, options.ConnectionString) = (database, database is null ? connectionString : null);

            // Released index entries, deleted conversations and their message pages must not
            // leave a row per key behind forever.
            options.DeleteStateOnClear = true;
        });

        if (compactState)
        {
            CompactGrainStateSerializer.Register(builder.Services, storageName);
        }

        // The engine's own tables, written through the same writer: messages (unless kept in page
        // grains as earlier versions did) and the conversation list.
        builder.Services.AddSingleton<EngineDatabase>(services => new SqliteEngineDatabase(
            connectionString, services.GetRequiredService<IOptions<ClusterOptions>>().Value));
        builder.Services.AddEngineTables(postgres: false, messageTable);

        builder.UseAdoNetReminderService(options =>
        {
            options.Invariant = SqliteSchema.Invariant;
            (options.DataSource, options.ConnectionString) = (database, database is null ? connectionString : null);
        });

        return builder;
    }
}
