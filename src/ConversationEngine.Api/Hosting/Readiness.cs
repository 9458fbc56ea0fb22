using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Hosting;

/// <summary>
/// Readiness (<c>/readyz</c>), unlike liveness (<c>/healthz</c>): whether this host can serve
/// requests now — its database answers, and the cluster has an active silo this host reaches.
/// </summary>
public static class Readiness
{
    public const string Tag = "ready";

    public const string Path = "/readyz";

    /// <summary>How long each check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = StorageProbe.Timeout;
}

/// <summary>The database the grains store into (SQLite file or PostgreSQL) answers a query.</summary>
public sealed class StorageHealthCheck(IConfiguration configuration, IOptions<EngineOptions> engine) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var connectionString = storage.IsPostgres ? storage.ConnectionString : SqliteSchema.BuildConnectionString(engine.Value.DatabasePath);

        // The message only: a connection string never goes into a health answer.
        return await StorageProbe.AnswersAsync(storage.IsPostgres, connectionString, cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the database does not answer");
    }
}

/// <summary>The cluster has an active silo, reached through this host (its own silo, or a gateway in client mode).</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Readiness.CheckTimeout);
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, timeout.Token).WaitAsync(timeout.Token);
            return hosts.Count > 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("no active silo");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer");
        }
    }
}
