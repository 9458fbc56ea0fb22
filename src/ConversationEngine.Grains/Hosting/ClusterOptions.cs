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

    /// <summary>The address other silos and clients reach this silo at (a container's own address); unset: the host's first.</summary>
    public string? AdvertisedIPAddress { get; set; }

    public bool IsClient => string.Equals(Mode, Client, StringComparison.OrdinalIgnoreCase);
}
