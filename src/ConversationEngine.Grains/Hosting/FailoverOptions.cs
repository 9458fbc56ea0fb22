using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// How fast the cluster notices a dead silo and how long a caller waits, from the <c>Orleans</c>
/// section. Orleans' defaults (a 30 s response timeout, a gateway list refreshed each minute, a
/// silo declared dead after three missed 5 s probes) leave requests hanging half a minute when a
/// silo is killed; these keep a front end's calls well under that and bring the grains of a dead
/// silo back within seconds.
/// </summary>
public sealed class FailoverOptions
{
    /// <summary>
    /// The longest a grain call waits for its answer, in the front end and between silos. Orleans
    /// looks for expired calls once a second, so it is told one second less: no call waits longer
    /// than this. A call that times out is answered 504 (a write) or 503 (a read).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>What Orleans is given: <see cref="ResponseTimeout"/> less its once-a-second check.</summary>
    private TimeSpan OrleansResponseTimeout => ResponseTimeout - TimeSpan.FromSeconds(1);

    /// <summary>How often a front end in client mode re-reads the gateways from the membership table.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a silo waits for a probe's answer; a silo is suspected after <see cref="MissedProbesLimit"/> of them.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1, 10)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>A silo's side, from <paramref name="configuration"/>: its calls' timeout and how quickly it and its peers declare a dead silo.</summary>
    public static void Apply(ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        Bind(silo.Services, configuration);
        silo.Services.AddOptions<SiloMessagingOptions>().Configure<IOptions<FailoverOptions>>((o, f) => o.ResponseTimeout = f.Value.OrleansResponseTimeout);
        silo.Services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<FailoverOptions>>((o, f) =>
            (o.ProbeTimeout, o.NumMissedProbesLimit) = (f.Value.ProbeTimeout, f.Value.MissedProbesLimit));
    }

    /// <summary>A front end's side, from <paramref name="configuration"/>: its calls' timeout and how quickly it learns the gateways.</summary>
    public static void Apply(IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        Bind(client.Services, configuration);
        client.Services.AddOptions<ClientMessagingOptions>().Configure<IOptions<FailoverOptions>>((o, f) => o.ResponseTimeout = f.Value.OrleansResponseTimeout);
        client.Services.AddOptions<GatewayOptions>().Configure<IOptions<FailoverOptions>>((o, f) => o.GatewayListRefreshPeriod = f.Value.GatewayListRefreshPeriod);
    }

    private static void Bind(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<FailoverOptions>(configuration.GetSection(SiloOptions.Section));
    }
}
