using System.ComponentModel.DataAnnotations;

namespace ConversationEngine.Grains.Hosting;

/// <summary>The <c>Storage</c> configuration section: where grain state, reminders and (PostgreSQL) membership live.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";

    /// <summary><c>Sqlite</c> (embedded, one process) or <c>PostgreSql</c> (a cluster).</summary>
    [Required]
    [RegularExpression("^(Sqlite|PostgreSql)$", ErrorMessage = "Storage:Provider must be Sqlite or PostgreSql")]
    public string Provider { get; set; } = Sqlite;

    /// <summary>The Npgsql connection string, for <c>PostgreSql</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply the (idempotent, versioned) schema at start; off when it is applied by hand or by the database image.</summary>
    public bool ApplySchemaOnStart { get; set; } = true;

    public bool IsPostgres => string.Equals(Provider, PostgreSql, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The <c>Orleans</c> configuration section: this process's place in the cluster.</summary>
public sealed class SiloOptions
{
    public const string Section = "Orleans";
    public const string Embedded = "Embedded";
    public const string Client = "Client";

    /// <summary>
    /// For the front end: <c>Embedded</c> runs a silo in the process, <c>Client</c> joins an
    /// external cluster (PostgreSQL membership) as an Orleans client. Stand-alone silos ignore it.
    /// </summary>
    [RegularExpression("^(Embedded|Client)$", ErrorMessage = "Orleans:Mode must be Embedded or Client")]
    public string Mode { get; set; } = Embedded;

    [Required]
    public string ClusterId { get; set; } = "conversation-engine";

    /// <summary>Storage and reminders are keyed by it: keep it stable across restarts.</summary>
    [Required]
    public string ServiceId { get; set; } = "conversation-engine";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// The client gateway's port. Unset: 30000 for a silo of a PostgreSQL cluster (front ends in
    /// client mode connect there), none for the embedded SQLite host, whose front end calls its
    /// silo in-process and needs no open door (0 also means none).
    /// </summary>
    [Range(0, 65535)]
    public int? GatewayPort { get; set; }

    /// <summary>The gateway port a cluster silo opens: the configured one, else 30000.</summary>
    public int ClusterGatewayPort => GatewayPort ?? 30000;

    /// <summary>The gateway port the embedded SQLite host opens (on loopback): only a configured one.</summary>
    public int EmbeddedGatewayPort => GatewayPort ?? 0;

    /// <summary>
    /// The address other silos and clients reach this silo at (a container's own address); unset:
    /// <see cref="ListenAddress"/> when that is one address, else the host's address as Orleans
    /// picks it (the lowest IPv4 address of an interface that is up, loopback aside).
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// The address a cluster silo's ports are bound to; unset: the advertised address, so the silo
    /// and gateway ports are not opened on every interface. <c>0.0.0.0</c> binds every IPv4
    /// address, for a silo whose advertised address is not its own (NAT, port mapping).
    /// </summary>
    public string? ListenAddress { get; set; }

    public bool IsClient => string.Equals(Mode, Client, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The <c>Orleans:Tls</c> section: mutual TLS on the silo and gateway ports, on in every host of
/// the process once a certificate is named (a PFX file, or one in the OS certificate store).
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = "Orleans:Tls";

    /// <summary>A PKCS#12 (PFX) file with the certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX file's password; never logged, never shown in an error.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// A file holding the PFX file's password (a trailing line break is ignored), instead of
    /// <see cref="CertificatePassword"/>: how docker and Kubernetes hand out secrets.
    /// </summary>
    public string? CertificatePasswordFile { get; set; }

    /// <summary>The certificate in the store by its SHA-1 thumbprint (as Windows shows it), instead of a file.</summary>
    public string? Thumbprint { get; set; }

    /// <summary>The certificate in the store by subject name, instead of a file; the one expiring last wins.</summary>
    public string? Subject { get; set; }

    /// <summary>The store searched for <see cref="Thumbprint"/> or <see cref="Subject"/> (<c>My</c>, <c>Root</c>…).</summary>
    public string StoreName { get; set; } = nameof(System.Security.Cryptography.X509Certificates.StoreName.My);

    /// <summary><c>CurrentUser</c> or <c>LocalMachine</c>.</summary>
    public string StoreLocation { get; set; } = nameof(System.Security.Cryptography.X509Certificates.StoreLocation.CurrentUser);

    /// <summary>
    /// SHA-256 fingerprints (hex, colons allowed) of the other certificates a silo or front end may
    /// present, for rotation or one certificate per node. This process's own certificate is always trusted.
    /// </summary>
    public List<string> TrustedFingerprints { get; set; } = [];

    public bool FromFile => !string.IsNullOrWhiteSpace(CertificatePath);

    public bool FromStore => !string.IsNullOrWhiteSpace(Thumbprint) || !string.IsNullOrWhiteSpace(Subject);

    public bool IsEnabled => FromFile || FromStore;
}
