namespace ConversationEngine.Senders;

/// <summary>
/// A Messaging Service's settings as Twilio's Messaging v1 resource has them: its defaults for a
/// new service and how a change applies, with Twilio's limits and codes. Pure.
/// </summary>
public static class MessagingServiceSettingsRules
{
    public const int FriendlyNameMaxLength = 64;
    public const int MaxValidityPeriod = 36_000;

    private static readonly string[] Methods = ["GET", "POST"];
    private static readonly string[] ScanModes = ["inherit", "enable", "disable"];
    private static readonly string[] Usecases = ["notifications", "marketing", "verification", "discussion", "poll", "undeclared"];

    /// <summary>Twilio's defaults for a new service.</summary>
    public static readonly MessagingServiceSettings Defaults = new()
    {
        InboundMethod = "POST",
        FallbackMethod = "POST",
        StickySender = true,
        MmsConverter = true,
        SmartEncoding = true,
        ScanMessageContent = "inherit",
        FallbackToLongCode = false,
        AreaCodeGeomatch = false,
        ValidityPeriod = MaxValidityPeriod,
        SynchronousValidation = false,
        Usecase = "undeclared",
        UseInboundWebhookOnNumber = false,
    };

    /// <summary>The change applied to <paramref name="current"/>: null leaves a field, an empty URL clears it.</summary>
    public static MessagingServiceSettings Apply(MessagingServiceSettings current, MessagingServiceSettings change)
    {
        if (change.FriendlyName is { Length: > FriendlyNameMaxLength })
        {
            throw Errors.Invalid("FriendlyName", $"must be at most {FriendlyNameMaxLength} characters");
        }

        if (change.ValidityPeriod is < 1 or > MaxValidityPeriod)
        {
            throw Errors.Invalid(Errors.InvalidValidityPeriod, $"ValidityPeriod must be between 1 and {MaxValidityPeriod} seconds");
        }

        return current with
        {
            FriendlyName = change.FriendlyName ?? current.FriendlyName,
            InboundRequestUrl = Url(change.InboundRequestUrl, current.InboundRequestUrl, "InboundRequestUrl"),
            InboundMethod = OneOf(change.InboundMethod?.ToUpperInvariant(), Methods, "InboundMethod") ?? current.InboundMethod,
            FallbackUrl = Url(change.FallbackUrl, current.FallbackUrl, "FallbackUrl"),
            FallbackMethod = OneOf(change.FallbackMethod?.ToUpperInvariant(), Methods, "FallbackMethod") ?? current.FallbackMethod,
            StatusCallback = Url(change.StatusCallback, current.StatusCallback, "StatusCallback"),
            StickySender = change.StickySender ?? current.StickySender,
            MmsConverter = change.MmsConverter ?? current.MmsConverter,
            SmartEncoding = change.SmartEncoding ?? current.SmartEncoding,
            ScanMessageContent = OneOf(change.ScanMessageContent?.ToLowerInvariant(), ScanModes, "ScanMessageContent") ?? current.ScanMessageContent,
            FallbackToLongCode = change.FallbackToLongCode ?? current.FallbackToLongCode,
            AreaCodeGeomatch = change.AreaCodeGeomatch ?? current.AreaCodeGeomatch,
            ValidityPeriod = change.ValidityPeriod ?? current.ValidityPeriod,
            SynchronousValidation = change.SynchronousValidation ?? current.SynchronousValidation,
            Usecase = OneOf(change.Usecase?.ToLowerInvariant(), Usecases, "Usecase") ?? current.Usecase,
            UseInboundWebhookOnNumber = change.UseInboundWebhookOnNumber ?? current.UseInboundWebhookOnNumber,
        };
    }

    private static string? OneOf(string? value, string[] allowed, string parameter) =>
        value is null || allowed.Contains(value)
            ? value
            : throw Errors.Invalid(parameter, $"'{value}' is not one of {string.Join(", ", allowed)}");

    private static string? Url(string? value, string? current, string parameter)
    {
        if (value is null)
        {
            return current;
        }

        if (value.Length == 0)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? value
            : throw Errors.Invalid(parameter, "must be an absolute http(s) URL");
    }
}
