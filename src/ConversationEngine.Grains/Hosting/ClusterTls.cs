using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// Mutual TLS on the cluster's own ports: silo to silo, and front end (client) to gateway. Every
/// node presents the certificate <c>Orleans:Tls</c> names and accepts only peers presenting that
/// same certificate or one of <c>Orleans:Tls:TrustedFingerprints</c>, so knowing the cluster and
/// service ids no longer lets a plain Orleans client call grains past HTTP authentication.
/// </summary>
public static class ClusterTls
{
    /// <summary>TLS on this silo's silo and gateway ports and on its connections to other silos, when a certificate is configured.</summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return AddClusterPeers(builder.Services, configuration) is { } peers ? builder.UseTls(peers.Certificate, peers.Configure) : builder;
    }

    /// <summary>TLS on this client's connections to the gateways, when a certificate is configured.</summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return AddClusterPeers(builder.Services, configuration) is { } peers ? builder.UseTls(peers.Certificate, peers.Configure) : builder;
    }

    private static ClusterPeers? AddClusterPeers(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        var section = configuration.GetSection(ClusterTlsOptions.Section);
        services.AddValidatedOptions<ClusterTlsOptions>(section).ValidateWith<ClusterTlsOptions, ClusterTlsOptionsValidator>();
        var options = section.Get<ClusterTlsOptions>() ?? new ClusterTlsOptions();
        if (!options.IsEnabled)
        {
            return null;
        }

        // Orleans wants the certificate while the host is composed. One that cannot be used leaves
        // TLS unconfigured here, yet nothing listens: the validator above refuses the host at
        // start, naming the key, before the silo or client starts.
        if (ClusterCertificate.Load(options, TimeProvider.System.GetUtcNow()).Certificate is not { } certificate)
        {
            return null;
        }

        var peers = new ClusterPeers(certificate, options.TrustedFingerprints.Select(ClusterCertificate.Normalize), TimeProvider.System);
        services.TryAddSingleton(peers);
        return peers;
    }
}

/// <summary>This node's certificate and the certificates (by SHA-256 fingerprint) it accepts from peers.</summary>
internal sealed class ClusterPeers
{
    private readonly HashSet<string> trusted;
    private readonly TimeProvider time;

    public ClusterPeers(X509Certificate2 certificate, IEnumerable<string> trustedFingerprints, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Certificate = certificate;
        Fingerprint = ClusterCertificate.Fingerprint(certificate);
        trusted = [Fingerprint, .. trustedFingerprints];
        this.time = time;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The SHA-256 fingerprint of <see cref="Certificate"/>, which other nodes may list as trusted.</summary>
    public string Fingerprint { get; }

    public int TrustedOthers => trusted.Count - 1;

    /// <summary>Both ends of every connection present a certificate and check the other's.</summary>
    public void Configure(TlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (remote, _, _) => Accepts(remote);
    }

    /// <summary>
    /// A peer is accepted by the certificate itself, not by a chain or a host name: the cluster's
    /// certificate is typically self-signed and silos reach each other by IP. The handshake has
    /// already proven the peer holds that certificate's private key.
    /// </summary>
    public bool Accepts(X509Certificate2 remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var now = time.GetUtcNow().UtcDateTime;
        return trusted.Contains(ClusterCertificate.Fingerprint(remote))
            && now >= remote.NotBefore.ToUniversalTime()
            && now <= remote.NotAfter.ToUniversalTime();
    }
}

/// <summary>Finds the certificate <see cref="ClusterTlsOptions"/> names and says why it cannot serve, without ever showing the password.</summary>
internal static class ClusterCertificate
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>The certificate, or the problem that stops the host (by key).</summary>
    public static (X509Certificate2? Certificate, string? Problem) Load(ClusterTlsOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (key, (certificate, problem)) = options.FromFile
            ? ($"{ClusterTlsOptions.Section}:CertificatePath", FromFile(options))
            : (string.IsNullOrWhiteSpace(options.Thumbprint) ? $"{ClusterTlsOptions.Section}:Subject" : $"{ClusterTlsOptions.Section}:Thumbprint", FromStore(options));
        problem ??= Unusable(certificate!, now);
        if (problem is not null)
        {
            certificate?.Dispose();
            return (null, $"{key}: {problem}");
        }

        return (certificate, null);
    }

    /// <summary>The SHA-256 fingerprint in upper-case hex, as <see cref="Normalize"/> writes configured ones.</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    /// <summary>A fingerprint as people copy it (<c>openssl x509 -fingerprint -sha256</c>: colons, any case).</summary>
    public static string Normalize(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return fingerprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
    }

    private static (X509Certificate2?, string?) FromFile(ClusterTlsOptions options)
    {
        var path = options.CertificatePath!;
        var passwordFile = options.CertificatePasswordFile;
        var passwordKey = $"{ClusterTlsOptions.Section}:{(passwordFile is null ? nameof(options.CertificatePassword) : nameof(options.CertificatePasswordFile))}";
        if (!File.Exists(path))
        {
            return (null, $"no file at '{path}'");
        }

        if (passwordFile is not null && !File.Exists(passwordFile))
        {
            return (null, $"no password file at '{passwordFile}' ({passwordKey})");
        }

        try
        {
            var password = passwordFile is null ? options.CertificatePassword : File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
            return (X509CertificateLoader.LoadPkcs12FromFile(path, password), null);
        }
        catch (CryptographicException)
        {
            // Its message helps no operator; what does is which password was tried, by key, never by value.
            return (null, $"'{path}' could not be opened with {passwordKey} (a wrong password, or not a PKCS#12/PFX file)");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return (null, $"'{path}' or its password file could not be read ({error.Message})");
        }
    }

    private static (X509Certificate2?, string?) FromStore(ClusterTlsOptions options)
    {
        if (!Enum.TryParse<StoreName>(options.StoreName, ignoreCase: true, out var name) || !Enum.IsDefined(name))
        {
            return (null, $"{ClusterTlsOptions.Section}:StoreName '{options.StoreName}' is not a store ({string.Join(", ", Enum.GetNames<StoreName>())})");
        }

        if (!Enum.TryParse<StoreLocation>(options.StoreLocation, ignoreCase: true, out var location) || !Enum.IsDefined(location))
        {
            return (null, $"{ClusterTlsOptions.Section}:StoreLocation '{options.StoreLocation}' is not CurrentUser or LocalMachine");
        }

        try
        {
            using var store = new X509Store(name, location);
            store.Open(OpenFlags.ReadOnly);
            var thumbprint = string.IsNullOrWhiteSpace(options.Thumbprint) ? null : Normalize(options.Thumbprint);
            var all = store.Certificates;
            var matching = all
                .Where(c => thumbprint is not null
                    ? string.Equals(c.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase)
                    : string.Equals(c.GetNameInfo(X509NameType.SimpleName, forIssuer: false), options.Subject!.Trim(), StringComparison.OrdinalIgnoreCase))
                .ToList();
            // Several under one subject (a renewal): the one with a key that expires last.
            var chosen = matching.Where(c => c.HasPrivateKey).MaxBy(c => c.NotAfter) ?? matching.FirstOrDefault();
            foreach (var other in all.Where(c => !ReferenceEquals(c, chosen)))
            {
                other.Dispose();
            }

            return chosen is null
                ? (null, $"no certificate {thumbprint ?? options.Subject} in the {location}/{name} store")
                : (chosen, null);
        }
        catch (CryptographicException error)
        {
            return (null, $"the {location}/{name} store could not be opened ({error.Message})");
        }
    }

    private static string? Unusable(X509Certificate2 certificate, DateTimeOffset now)
    {
        if (!certificate.HasPrivateKey)
        {
            return $"the certificate {certificate.Subject} has no private key";
        }

        if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime())
        {
            return $"the certificate {certificate.Subject} is not valid before {certificate.NotBefore.ToUniversalTime():u}";
        }

        if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime())
        {
            return $"the certificate {certificate.Subject} expired on {certificate.NotAfter.ToUniversalTime():u}";
        }

        // Every node is a server (its ports) and a client (to other silos, to gateways).
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault()?.EnhancedKeyUsages;
        if (usages is not null && !(usages.OfType<Oid>().Any(u => u.Value == ServerAuthentication) && usages.OfType<Oid>().Any(u => u.Value == ClientAuthentication)))
        {
            return $"the certificate {certificate.Subject} must allow both server and client authentication (extended key usages serverAuth and clientAuth)";
        }

        return null;
    }
}
