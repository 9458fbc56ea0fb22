namespace ConversationEngine.Delivery;

/// <summary>The <c>Delivery</c> configuration section: how outbound messages leave the engine.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>The account whose numbers and pools the engine sends from (the host sets it).</summary>
    public string? AccountSid { get; set; }

    /// <summary>Where Twilio posts status callbacks: <c>{PublicBaseUrl}/webhooks/twilio/status</c> (the host sets it).</summary>
    public string? StatusCallbackUrl { get; set; }

    /// <summary>
    /// How often an outbox with undelivered entries is retried (its reminder's period); it also
    /// bounds how soon deliveries resume after a crash. Orleans' minimum is one minute; below that is for tests.
    /// </summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Twilio's ValidityPeriod default (36000 s): a delivery still not accepted this long after its
    /// message was added fails with 30001 instead of being tried again. A pool's own ValidityPeriod wins.
    /// </summary>
    public int ValidityPeriodSeconds { get; set; } = 36000;

    /// <summary>An alphanumeric SMS sender ID for one-way sends when no pool decides (seed 000's middle tier).</summary>
    public string? SenderId { get; set; }

    /// <summary>The number for sends when neither a pool nor a sender ID decides.</summary>
    public string? DefaultNumber { get; set; }

    /// <summary>Default messages (segments) per second by sender type, for senders without their own.</summary>
    public MpsDefaults Mps { get; set; } = new();
}

/// <summary>Twilio's documented defaults (reference §7.4); each can be set per sender too.</summary>
public sealed class MpsDefaults
{
    /// <summary>A US or Canadian long code.</summary>
    public double LongCode { get; set; } = 1;

    /// <summary>A long code anywhere else.</summary>
    public double InternationalLongCode { get; set; } = 10;

    public double TollFree { get; set; } = 3;
    public double ShortCode { get; set; } = 100;
    public double Alpha { get; set; } = 10;
    public double WhatsApp { get; set; } = 80;
}
