using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace ConversationEngine.Grains.Persistence;

/// <summary>
/// Wires Orleans' ADO.NET clustering (membership), grain storage and reminders to PostgreSQL:
/// the production topology, where silos find each other through the membership table.
/// </summary>
public static class PostgresHostingExtensions
{
    /// <summary>
    /// Membership, grain storage named <paramref name="storageName"/> and reminders on the
    /// PostgreSQL database of <paramref name="connectionString"/>. The schema must be applied first:
    /// engine hosts do it in their schema start-up step (<c>AddEngineSchemaStartup</c>, per
    /// <c>Storage:ApplySchemaOnStart</c>); otherwise <see cref="PostgresSchema.EnsureCreatedAsync"/> or the SQL files with psql.
    /// </summary>
    public static ISiloBuilder UsePostgres(this ISiloBuilder builder, string connectionString, string storageName = "store")
    {
        ArgumentNullException.ThrowIfNull(builder);
        var normalized = PostgresSchema.Normalize(connectionString);
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresSchema.Invariant;
            options.ConnectionString = normalized;
        });
        builder.AddAdoNetGrainStorage(storageName, options =>
        {
            options.Invariant = PostgresSchema.Invariant;
            options.ConnectionString = normalized;
            options.DeleteStateOnClear = true;
        });
        CompactGrainStateSerializer.Register(builder.Services, storageName);
        builder.Services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(normalized));
        builder.Services.AddSingleton<EngineDatabase>(services => new PostgresEngineDatabase(
            services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClusterOptions>>().Value));
        builder.Services.AddEngineTables(postgres: true, messageTable: true);
        builder.UseAdoNetReminderService(options =>
        {
            options.Invariant = PostgresSchema.Invariant;
            options.ConnectionString = normalized;
        });
        builder.Services.AllowDatabaseExceptions();
        return builder;
    }

    /// <summary>A client (a front end) that finds the cluster's gateways in the membership table.</summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var normalized = PostgresSchema.Normalize(connectionString);
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresSchema.Invariant;
            options.ConnectionString = normalized;
        });
        builder.Services.AllowDatabaseExceptions();
        return builder;
    }

    /// <summary>
    /// A database failure inside a grain reaches the caller as what it is (a DbException the
    /// front end answers with 503), not as Orleans' "no codec for Npgsql.PostgresException":
    /// Orleans serializes only exceptions of namespaces it is told to.
    /// </summary>
    /// <summary>The message log, the conversation list and the event feeds on the registered <see cref="EngineDatabase"/>.</summary>
    internal static void AddEngineTables(this IServiceCollection services, bool postgres, bool messageTable)
    {
        services.AddSingleton(s => new EngineEventCodec(s.GetRequiredService<Orleans.Serialization.Serializer>()));
        if (messageTable)
        {
            services.AddSingleton<Conversations.IMessageLogStore>(s => new TableMessageLogStore(
                s.GetRequiredService<EngineDatabase>(),
                new EngineMessageCodec(s.GetRequiredService<Orleans.Serialization.Serializer>()),
                s.GetRequiredService<EngineEventCodec>(),
                postgres));
        }

        services.AddSingleton<Conversations.IConversationIndex>(s => new TableConversationIndex(
            s.GetRequiredService<EngineDatabase>(), s.GetRequiredService<Orleans.Serialization.Serializer>()));
        services.AddSingleton<Events.IEventStore>(s => new TableEventStore(
            s.GetRequiredService<EngineDatabase>(), s.GetRequiredService<EngineEventCodec>(), postgres));
    }

    private static void AllowDatabaseExceptions(this IServiceCollection services) =>
        services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
}
