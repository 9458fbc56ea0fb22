using System.ComponentModel.DataAnnotations;

namespace ConversationEngine.Media;

/// <summary>The <c>Media</c> configuration section: where media content lives and how it is reached.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>Content as files under <see cref="Directory"/>.</summary>
    public const string DirectoryStore = "Directory";

    /// <summary>Content in the PostgreSQL database of <c>Storage:ConnectionString</c>.</summary>
    public const string DatabaseStore = "Database";

    /// <summary>
    /// <c>Directory</c> or <c>Database</c>; unset: a directory with SQLite (the embedded default),
    /// the database with PostgreSQL (every silo and front end reaches it). A cluster may use
    /// <c>Directory</c> when every process mounts the same shared directory.
    /// </summary>
    [RegularExpression("^(Directory|Database)$", ErrorMessage = "Media:Store must be Directory or Database")]
    public string? Store { get; set; }

    /// <summary>The directory for <c>Directory</c>; unset: <c>media</c> under <c>Engine:DataDirectory</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>
    /// The largest upload accepted (20413 beyond it). 100 MiB: WhatsApp's document limit, the
    /// largest any channel delivers; chat participants get anything up to it.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// How long a signed content URL (<c>links.content_direct_temporary</c>, the <c>MediaUrl</c>s
    /// handed to Twilio) opens the content. Twilio fetches media when it sends, which a queued
    /// message may do some time after it was accepted: an hour by default.
    /// </summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The base URL signed content URLs start with (the host sets it from <c>Engine:PublicBaseUrl</c>).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// The secret signed URLs are keyed from (the host sets it from <c>Engine:AuthToken</c>, which
    /// every silo and front end share). Never logged or returned.
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>Attempts at fetching one inbound media item from Twilio before it is recorded as failed.</summary>
    [Range(1, 10)]
    public int InboundFetchAttempts { get; set; } = 3;

    /// <summary>How long one attempt at fetching an inbound media item may take (until its answer's headers; see <see cref="InboundFetchDeadline"/>).</summary>
    public TimeSpan InboundFetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long fetching all media of one inbound message may take, every attempt and the bodies
    /// included. Media are fetched while Twilio waits for the webhook's answer, and Twilio gives
    /// up at 15 seconds: an item not in by then is recorded as failed (11200) and the message lands.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Media:InboundFetchDeadline must be between 1 second and 10 minutes")]
    public TimeSpan InboundFetchDeadline { get; set; } = TimeSpan.FromSeconds(12);
}
