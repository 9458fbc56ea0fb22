namespace ConversationEngine.Twilio.Messages;

/// <summary>
/// Where and as whom the engine sends outbound messages through Twilio's Messages API, and how
/// hard it tries. Bound from the <see cref="SectionName"/> configuration section.
/// </summary>
public sealed class TwilioMessagesOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Twilio";

    /// <summary>The account that sends (<c>AC…</c>); it is also the account in the request path.</summary>
    public string? AccountSid { get; set; }

    /// <summary>
    /// The account's auth token: it checks Twilio's webhook signatures, and authenticates sends when
    /// no API key is configured. Required with <see cref="AccountSid"/>, API key or not.
    /// </summary>
    public string? AuthToken { get; set; }

    /// <summary>An API key (<c>SK…</c>) of the account; preferred over the auth token when set with its secret.</summary>
    public string? ApiKeySid { get; set; }

    /// <summary>The API key's secret.</summary>
    public string? ApiKeySecret { get; set; }

    /// <summary>
    /// Scheme and host Twilio's API requests go to; a stand-in's address in tests. Anything else
    /// than the default sends every request for a <c>*.twilio.com</c> host here.
    /// </summary>
    public string BaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>How long one attempt may take before it is abandoned (and, attempts permitting, retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts in total, the first included; 1 disables retries.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's nominal delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between attempts. A <c>Retry-After</c> asking for more ends the retries, so
    /// the caller gets the retryable failure rather than a send that blocks for minutes.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the account's numbers, short codes and Messaging Services are imported again
    /// (the first time shortly after start); zero: only on demand.
    /// </summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>True when an account and either its auth token or an API key with its secret are set.</summary>
    public bool HasCredentials =>
        !string.IsNullOrEmpty(AccountSid)
        && (!string.IsNullOrEmpty(AuthToken) || UsesApiKey);

    /// <summary>True when sends authenticate with the API key rather than the auth token.</summary>
    public bool UsesApiKey => !string.IsNullOrEmpty(ApiKeySid) && !string.IsNullOrEmpty(ApiKeySecret);
}
