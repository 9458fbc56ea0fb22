namespace ConversationEngine.Rules;

/// <summary>
/// What a Conversations webhook may be configured with: event names (Twilio's filters), absolute
/// http(s) URLs of at most 512 characters, GET or POST.
/// </summary>
public static class WebhookRules
{
    public const int UrlMaxLength = 512;

    /// <summary>Pre-action hooks: called before the change, which they may modify or reject (account and service level only).</summary>
    public static readonly IReadOnlyList<string> PreActionEvents =
    [
        "onMessageAdd", "onMessageUpdate", "onMessageRemove",
        "onConversationAdd", "onConversationUpdate", "onConversationRemove",
        "onParticipantAdd", "onParticipantUpdate", "onParticipantRemove",
        "onUserUpdate",
    ];

    /// <summary>Post-action events: told after the change.</summary>
    public static readonly IReadOnlyList<string> PostActionEvents =
    [
        "onMessageAdded", "onMessageUpdated", "onMessageRemoved",
        "onConversationAdded", "onConversationUpdated", "onConversationRemoved", "onConversationStateUpdated",
        "onParticipantAdded", "onParticipantUpdated", "onParticipantRemoved",
        "onDeliveryUpdated", "onUserAdded", "onUserUpdated",
    ];

    /// <summary>
    /// The post-action events of one existing conversation: what a conversation-scoped webhook (and
    /// an address configuration's auto-creation webhook, which becomes one) may filter on. A
    /// conversation's own creation and user events happen outside any one conversation.
    /// </summary>
    public static readonly IReadOnlyList<string> ConversationEvents =
    [
        "onMessageAdded", "onMessageUpdated", "onMessageRemoved",
        "onConversationUpdated", "onConversationStateUpdated", "onConversationRemoved",
        "onParticipantAdded", "onParticipantUpdated", "onParticipantRemoved",
        "onDeliveryUpdated",
    ];

    /// <summary>Account and service level: every event name, pre- and post-action.</summary>
    public static readonly IReadOnlyList<string> AllEvents = [.. PreActionEvents, .. PostActionEvents];

    /// <summary>The URL as given, when it is absolute http(s) and at most 512 characters (else 50372 / 20001).</summary>
    public static string Url(string value, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > UrlMaxLength)
        {
            throw Errors.Invalid(Errors.WebhookUrlTooLong, $"{parameter} is too long: at most {UrlMaxLength} characters");
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? value
            : throw Errors.Invalid(parameter, "must be an absolute http or https URL");
    }

    /// <summary>GET or POST in any case, stored upper-case.</summary>
    public static string Method(string value, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value);
        var method = value.ToUpperInvariant();
        return method is "GET" or "POST" ? method : throw Errors.Invalid(parameter, $"'{value}' is not GET or POST");
    }

    /// <summary>The filters as given, each once, when every one is among <paramref name="allowed"/> (else 50365).</summary>
    public static IReadOnlyList<string> Filters(IEnumerable<string> values, IReadOnlyList<string> allowed, string parameter)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(allowed);
        var filters = values.Distinct(StringComparer.Ordinal).ToList();
        if (filters.Find(f => !allowed.Contains(f)) is { } unknown)
        {
            throw Errors.Invalid(Errors.InvalidWebhookFilter, $"Invalid {parameter}: '{unknown}' is not one of {string.Join(", ", allowed)}");
        }

        return filters;
    }

    public static bool IsPreAction(string filter) => PreActionEvents.Contains(filter);

    public static bool IsPostAction(string filter) => PostActionEvents.Contains(filter);
}
