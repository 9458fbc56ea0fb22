using Microsoft.Extensions.Configuration;

namespace ConversationEngine.Grains.Hosting;

/// <summary>The storage schema a host needs before its silo starts.</summary>
public static class EngineStorage
{
    /// <summary>Applies the PostgreSQL schema when configuration asks for PostgreSQL and for that.</summary>
    public static async Task EnsureSchemaAsync(IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.IsPostgres && storage.ApplySchemaOnStart)
        {
            await Persistence.PostgresSchema.EnsureCreatedAsync(
                storage.ConnectionString ?? throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is PostgreSql."),
                cancellationToken);
        }
    }
}
