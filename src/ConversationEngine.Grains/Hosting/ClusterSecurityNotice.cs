using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// Says at start how a cluster member's Orleans ports are protected: the certificate it presents,
/// or, loudly, that anyone who reaches them can call grains. Registered by cluster silos and
/// front ends in client mode, not by the embedded host, whose silo is on loopback.
/// </summary>
internal sealed partial class ClusterSecurityNotice(IOptions<SiloOptions> silo, ILogger<ClusterSecurityNotice> logger, ClusterPeers? peers = null) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (peers is null)
        {
            LogNoTls(logger);
        }
        else
        {
            LogTls(logger, peers.Certificate.Subject, peers.Fingerprint, peers.TrustedOthers);
        }

        if (silo.Value.ListenAddress is { } listen && IPAddress.TryParse(listen, out var address)
            && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            LogEveryAddress(logger, listen);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Orleans:Tls names no certificate: the silo and gateway ports take any Orleans client that knows the cluster and service ids, past HTTP authentication. Keep them on a private network, or configure Orleans:Tls (README, Security).")]
    private static partial void LogNoTls(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Orleans ports use mutual TLS: presenting {Subject} (SHA-256 {Fingerprint}); peers are accepted with this certificate or one of {Others} more in Orleans:Tls:TrustedFingerprints")]
    private static partial void LogTls(ILogger logger, string subject, string fingerprint, int others);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Orleans:ListenAddress is {Address}: the silo and gateway ports are open on every interface of this host")]
    private static partial void LogEveryAddress(ILogger logger, string address);
}
