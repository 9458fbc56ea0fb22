using ConversationEngine.Grains.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// Creates or upgrades the storage schema when the host starts, before the silo: Orleans'
/// ADO.NET membership, storage and reminder providers read their queries from the database while
/// the silo starts and fail when they are missing.
/// </summary>
/// <remarks>
/// The work is in <see cref="StartingAsync"/>: the host runs every lifecycle service's
/// <c>StartingAsync</c> before any hosted service's <c>StartAsync</c>, and Orleans' silo starts in
/// its hosted service's <c>StartAsync</c>, so the order holds whatever the registration order. It
/// runs after the host's start-up validation, so a misconfigured host touches no database.
/// </remarks>
internal sealed partial class SchemaStartup(
    IOptions<StorageOptions> storage,
    SqliteDatabase sqlite,
    ILogger<SchemaStartup> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (storage.Value.IsPostgres)
        {
            if (storage.Value.ApplySchemaOnStart)
            {
                await PostgresSchema.EnsureCreatedAsync(storage.Value.ConnectionString!, cancellationToken).ConfigureAwait(false);
                LogApplied(logger, "PostgreSQL", PostgresSchema.CurrentVersion);
            }
        }
        else if (sqlite.ConnectionString is { } connectionString)
        {
            await SqliteSchema.EnsureCreatedAsync(connectionString, cancellationToken).ConfigureAwait(false);
            LogApplied(logger, "SQLite", SqliteSchema.CurrentVersion);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Database} schema at version {Version}")]
    private static partial void LogApplied(ILogger logger, string database, int version);
}

/// <summary>The SQLite file of a <c>Sqlite</c> host; none for PostgreSQL hosts.</summary>
internal sealed record SqliteDatabase(string? ConnectionString);

public static class SchemaStartupExtensions
{
    /// <summary>
    /// Schema creation or upgrade as a start-up step of the host (see <see cref="SchemaStartup"/>):
    /// PostgreSQL per <c>Storage</c>, or the SQLite file of <paramref name="sqliteConnectionString"/>.
    /// </summary>
    public static IServiceCollection AddEngineSchemaStartup(this IServiceCollection services, string? sqliteConnectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new SqliteDatabase(sqliteConnectionString));
        services.AddHostedService<SchemaStartup>();
        return services;
    }
}
