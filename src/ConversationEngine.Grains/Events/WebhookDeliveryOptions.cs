using System.ComponentModel.DataAnnotations;

namespace ConversationEngine.Events;

/// <summary>
/// The <c>Webhooks</c> configuration section: how Conversations post-event webhooks are delivered.
/// The host sets the account and the token that signs them (the account's auth token, which the
/// receiving app verifies <c>X-Twilio-Signature</c> with).
/// </summary>
public sealed class WebhookDeliveryOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// The key of the clock webhook queues judge retry windows by: the host's <see cref="TimeProvider"/>
    /// unless a test moves this one alone (moving the host's would move Orleans' own timers too).
    /// </summary>
    public const string Clock = "webhooks";

    /// <summary>The account whose configuration applies and whose AccountSid the webhooks carry (the host sets it).</summary>
    public string? AccountSid { get; set; }

    /// <summary>The account's auth token: signs every webhook (the host sets it; never logged).</summary>
    public string? AuthToken { get; set; }

    /// <summary>How long a failing delivery is retried before it is kept as failed (Twilio Event Streams' 4 hours).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(4);

    /// <summary>The first retry's delay; each next one doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one request may take (Twilio gives a webhook 5 seconds... to 15 for generic ones).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A sequence number missing from a feed is waited for this long (its change may still be
    /// committing); after that it belonged to a change that failed, and the queue passes over it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan HoleGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far back a starting silo looks for feeds whose queues may have been cut short.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan ResumeLookback { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How often a silo looks for recent feeds whose queues may have lost a notification (a silo that died).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
