using System.Net;
using System.Net.Sockets;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace ConversationEngine.Tests.Support;

/// <summary>Where the PostgreSQL tests find their database.</summary>
public static class Postgres
{
    /// <summary>An Npgsql connection string; the tests skip (visibly) without it.</summary>
    public const string ConnectionVariable = "ENGINE_TEST_POSTGRES";

    /// <summary>Set to 1 (CI does) to make a missing database a failure instead of a skip.</summary>
    public const string RequiredVariable = "ENGINE_REQUIRE_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value ? value : null;

    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) is "1" or "true";

    public static bool Available => ConnectionString is not null || Required;

    public static string Get() => ConnectionString
        ?? throw new InvalidOperationException($"{RequiredVariable} is set but {ConnectionVariable} is not: the PostgreSQL tests cannot run.");

    /// <summary>The settings of embedded hosts forming a PostgreSQL cluster of their own on loopback (named <paramref name="prefix"/>-…).</summary>
    public static Dictionary<string, string?> ClusterSettings(string prefix, string? clusterId = null)
    {
        clusterId ??= prefix + "-" + Guid.NewGuid().ToString("N")[..12];
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = Get(),
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:ServiceId"] = clusterId,
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
        };
    }
}

/// <summary>A fact that needs PostgreSQL: skipped with the reason when none is configured (and not required).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!Postgres.Available)
        {
            Skip = $"No PostgreSQL: set {Postgres.ConnectionVariable} to a connection string ({Postgres.RequiredVariable}=1 makes its absence a failure; CI sets both).";
        }
    }
}

/// <summary>A theory that needs PostgreSQL, skipped like <see cref="PostgresFactAttribute"/>.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (!Postgres.Available)
        {
            Skip = new PostgresFactAttribute().Skip;
        }
    }
}

/// <summary>
/// A cluster of real silos on PostgreSQL: ADO.NET membership (no test-cluster shortcuts),
/// storage and reminders, a fresh cluster and service id each time, and failure detection
/// tuned to seconds so failover tests finish quickly.
/// </summary>
public static class PostgresCluster
{
    /// <param name="configure">More for every silo (options a test needs).</param>
    public static async Task<InProcessTestCluster> StartAsync(int silos, string? connectionString = null, Action<ISiloBuilder>? configure = null)
    {
        connectionString ??= Postgres.Get();
        await PostgresSchema.EnsureCreatedAsync(connectionString);
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        // Real ADO.NET membership rather than the test cluster's in-memory one (the switch is not public).
        typeof(InProcessTestClusterOptions)
            .GetProperty("UseTestClusterMembership", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!
            .SetValue(builder.Options, false);
        builder.Options.ClusterId = "test-" + Guid.NewGuid().ToString("N")[..12];
        builder.Options.ServiceId = "engine-" + Guid.NewGuid().ToString("N")[..12];
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UsePostgres(connectionString).AddConversationEngineGrains(lifecycle =>
            {
                lifecycle.TestingOnlyMinimumTimer = TimeSpan.FromSeconds(1);
                lifecycle.ReminderPeriod = TimeSpan.FromSeconds(1);
            });
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            configure?.Invoke(silo);
        });
        builder.ConfigureClient(client =>
        {
            client.UsePostgresClustering(connectionString);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

/// <summary>
/// A loopback TCP relay in front of PostgreSQL, so a test can take the database away (every
/// connection cut, new ones refused) and give it back, as a database restart does.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly List<TcpClient> open = [];
    private readonly CancellationTokenSource stopping = new();
    private volatile bool down;

    private TcpRelay(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Starts a relay to the server of <paramref name="connectionString"/>; returns it and the connection string through it.</summary>
    public static (TcpRelay Relay, string ConnectionString) For(string connectionString)
    {
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var relay = new TcpRelay(settings.Host ?? "127.0.0.1", settings.Port);
        settings.Host = "127.0.0.1";
        settings.Port = relay.Port;
        return (relay, settings.ConnectionString);
    }

    /// <summary>The database goes away: every open connection is cut and new ones are refused.</summary>
    public void TakeDown()
    {
        down = true;
        lock (open)
        {
            foreach (var client in open)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
            }

            open.Clear();
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    public void BringBack() => down = false;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        TakeDown();
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (down)
            {
                incoming.Client.LingerState = new LingerOption(true, 0);
                incoming.Dispose();
                continue;
            }

            _ = RelayAsync(incoming);
        }
    }

    private async Task RelayAsync(TcpClient incoming)
    {
        var outgoing = new TcpClient();
        try
        {
            await outgoing.ConnectAsync(targetHost, targetPort, stopping.Token);
            lock (open)
            {
                open.Add(incoming);
                open.Add(outgoing);
            }

            var a = incoming.GetStream().CopyToAsync(outgoing.GetStream(), stopping.Token);
            var b = outgoing.GetStream().CopyToAsync(incoming.GetStream(), stopping.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception)
        {
            // A cut connection ends here; both ends are closed below.
        }
        finally
        {
            lock (open)
            {
                open.Remove(incoming);
                open.Remove(outgoing);
            }

            incoming.Dispose();
            outgoing.Dispose();
        }
    }
}
