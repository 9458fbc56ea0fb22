namespace ConversationEngine.Twilio.Messages;

/// <summary>
/// One message to create through <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>.
/// Exactly one of <see cref="From"/> and <see cref="MessagingServiceSid"/>, and at least one of
/// <see cref="Body"/>, <see cref="MediaUrls"/> and <see cref="ContentSid"/>, must be given.
/// </summary>
public sealed record OutboundMessageRequest
{
    /// <summary>Twilio's limit on <c>MediaUrl</c> parameters per message.</summary>
    public const int MaxMediaUrls = 10;

    /// <summary>Twilio's limits on <c>ValidityPeriod</c> (error 21624 outside them).</summary>
    public const int MinValidityPeriod = 1;

    /// <inheritdoc cref="MinValidityPeriod"/>
    public const int MaxValidityPeriod = 36000;

    /// <summary>The recipient: an E.164 number or a channel address such as <c>whatsapp:+15552229999</c>.</summary>
    public required string To { get; init; }

    /// <summary>The sender: a number, short code, alphanumeric ID or channel address of the account.</summary>
    public string? From { get; init; }

    /// <summary>The Messaging Service (<c>MG…</c>) whose sender pool picks the sender.</summary>
    public string? MessagingServiceSid { get; init; }

    /// <summary>The text, up to 1,600 characters.</summary>
    public string? Body { get; init; }

    /// <summary>Public URLs of media to attach (sent as repeated <c>MediaUrl</c>), at most ten.</summary>
    public IReadOnlyList<string> MediaUrls { get; init; } = [];

    /// <summary>Where Twilio posts this message's status callbacks; overrides the service's.</summary>
    public string? StatusCallback { get; init; }

    /// <summary>A Content template (<c>HX…</c>) to send instead of, or with, a body.</summary>
    public string? ContentSid { get; init; }

    /// <summary>The template's variables as a JSON object string; needs <see cref="ContentSid"/>.</summary>
    public string? ContentVariables { get; init; }

    /// <summary>Seconds the message may wait in Twilio's queue before it is dropped (1–36000).</summary>
    public int? ValidityPeriod { get; init; }

    /// <summary>Whether Twilio replaces Unicode look-alikes with GSM-7 characters.</summary>
    public bool? SmartEncoded { get; init; }

    /// <summary>Refuses a request Twilio would refuse for its shape, before any call is made.</summary>
    /// <exception cref="ArgumentException">The request breaks one of the rules above; the message says which.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(To))
        {
            throw new ArgumentException("'To' is required.", nameof(To));
        }

        if (string.IsNullOrEmpty(From) == string.IsNullOrEmpty(MessagingServiceSid))
        {
            throw new ArgumentException("Exactly one of 'From' and 'MessagingServiceSid' must be given.", nameof(From));
        }

        var mediaUrls = MediaUrls ?? [];
        if (string.IsNullOrEmpty(Body) && mediaUrls.Count == 0 && string.IsNullOrEmpty(ContentSid))
        {
            throw new ArgumentException("One of 'Body', 'MediaUrls' and 'ContentSid' must be given.", nameof(Body));
        }

        if (mediaUrls.Count > MaxMediaUrls)
        {
            throw new ArgumentException($"At most {MaxMediaUrls} media URLs may be sent with one message.", nameof(MediaUrls));
        }

        if (mediaUrls.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Media URLs must not be empty.", nameof(MediaUrls));
        }

        if (!string.IsNullOrEmpty(ContentVariables) && string.IsNullOrEmpty(ContentSid))
        {
            throw new ArgumentException("'ContentVariables' needs 'ContentSid'.", nameof(ContentVariables));
        }

        if (ValidityPeriod is < MinValidityPeriod or > MaxValidityPeriod)
        {
            throw new ArgumentException(
                $"'ValidityPeriod' must be between {MinValidityPeriod} and {MaxValidityPeriod} seconds.", nameof(ValidityPeriod));
        }
    }

    /// <summary>The request as Twilio's form parameters, PascalCase, media repeated, unset ones left out.</summary>
    internal List<KeyValuePair<string, string>> ToFormParameters()
    {
        var form = new List<KeyValuePair<string, string>>();
        Add("To", To);
        Add("From", From);
        Add("MessagingServiceSid", MessagingServiceSid);
        Add("Body", Body);
        foreach (var url in MediaUrls ?? [])
        {
            Add("MediaUrl", url);
        }

        Add("StatusCallback", StatusCallback);
        Add("ContentSid", ContentSid);
        Add("ContentVariables", ContentVariables);
        Add("ValidityPeriod", ValidityPeriod?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Twilio's helper libraries send booleans in lower case.
        Add("SmartEncoded", SmartEncoded switch { true => "true", false => "false", null => null });
        return form;

        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                form.Add(new(name, value));
            }
        }
    }
}
