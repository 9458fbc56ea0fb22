using Orleans.Concurrency;

namespace ConversationEngine.Inbound;

[GenerateSerializer]
[Alias("ConversationEngine.InboundMediaItem")]
public sealed record InboundMediaItem
{
    /// <summary>Twilio's URL for it (<c>MediaUrl{N}</c>).</summary>
    [Id(0)] public required string Url { get; init; }

    /// <summary>The type Twilio's answer gave, else the webhook's <c>MediaContentType{N}</c>.</summary>
    [Id(1)] public string? ContentType { get; init; }

    /// <summary>
    /// The ME… SID its content was fetched into the media store under (derived from the message
    /// and the item's position, so a redelivery reuses it); null in requests recorded before
    /// inbound media were fetched.
    /// </summary>
    [Id(2)] public string? Sid { get; init; }

    /// <summary>Bytes stored; 0 when the fetch failed.</summary>
    [Id(3)] public long Size { get; init; }

    [Id(4)] public string? Filename { get; init; }

    /// <summary>Set when the fetch failed for good: 11200 (retrieval failed) or 50512 (too large).</summary>
    [Id(5)] public int? ErrorCode { get; init; }

    [Id(6)] public string? ErrorMessage { get; init; }
}

/// <summary>A message Twilio delivered to one of our numbers (the webhook's fields the engine uses).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.InboundRequest")]
public sealed record InboundRequest
{
    [Id(0)] public required string MessageSid { get; init; }
    [Id(1)] public required string From { get; init; }
    [Id(2)] public required string To { get; init; }
    [Id(3)] public string? Body { get; init; }
    [Id(4)] public string? MessagingServiceSid { get; init; }
    [Id(5)] public IReadOnlyList<InboundMediaItem> Media { get; init; } = [];
    [Id(6)] public string? ProfileName { get; init; }
    [Id(7)] public string? WaId { get; init; }
    [Id(8)] public string? FromCountry { get; init; }
    [Id(9)] public required string AccountSid { get; init; }
}

public static class InboundOutcomes
{
    /// <summary>Appended to the conversation already holding the (From, To) pair.</summary>
    public const string Routed = "routed";

    /// <summary>A new conversation was created for it by an address configuration.</summary>
    public const string AutoCreated = "auto_created";

    /// <summary>No conversation and no auto-creation: kept for operators, not lost.</summary>
    public const string Unroutable = "unroutable";

    /// <summary>Refused by a pre-action hook (onMessageAdd, onConversationAdd): dropped, as Twilio drops it.</summary>
    public const string Rejected = "rejected";
}

[GenerateSerializer]
[Alias("ConversationEngine.InboundOutcome")]
public sealed record InboundOutcome
{
    [Id(0)] public required string MessageSid { get; init; }
    [Id(1)] public required string Outcome { get; init; }
    [Id(2)] public string? ConversationSid { get; init; }
    [Id(3)] public string? ConversationMessageSid { get; init; }
    [Id(4)] public KeywordActionResult Keyword { get; init; } = new();

    /// <summary>The text to answer with in TwiML, or null for an empty response.</summary>
    [Id(5)] public string? Reply { get; init; }
    [Id(6)] public required DateTimeOffset DateReceived { get; init; }
    [Id(7)] public string? Reason { get; init; }
    [Id(8)] public required InboundRequest Request { get; init; }

    /// <summary>
    /// An unroutable message's forwards to the Messaging Service's inbound and fallback URLs, one
    /// per attempt (Twilio's redeliveries of the message are forwarded again), oldest first.
    /// </summary>
    [Id(9)] public IReadOnlyList<InboundForward> Forwards { get; init; } = [];
}

/// <summary>One forward of an inbound message to the application's URL, or why none was made.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.InboundForward")]
public sealed record InboundForward
{
    /// <summary><c>inbound</c> (the service's InboundRequestUrl), <c>fallback</c> (its FallbackUrl) or <c>none</c> (see <see cref="Reason"/>).</summary>
    [Id(0)] public required string Target { get; init; }

    /// <summary>Scheme, host, port and path of the URL called (never its query or credentials); null when none was.</summary>
    [Id(1)] public string? Url { get; init; }
    [Id(2)] public string? Method { get; init; }

    /// <summary>The application's HTTP status; null when it did not answer (see <see cref="Failure"/>).</summary>
    [Id(3)] public int? StatusCode { get; init; }

    /// <summary>Why no answer came: timeout, connection, name_resolution, tls, protocol; null with a status.</summary>
    [Id(4)] public string? Failure { get; init; }
    [Id(5)] public long ElapsedMilliseconds { get; init; }

    /// <summary>The application answered TwiML and it was passed back to Twilio as the webhook's answer.</summary>
    [Id(6)] public bool AnsweredTwiML { get; init; }
    [Id(7)] public string? Reason { get; init; }
    [Id(8)] public required DateTimeOffset DateForwarded { get; init; }
    [Id(9)] public string? MessagingServiceSid { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.KeywordActionResult")]
public sealed record KeywordActionResult
{
    [Id(0)] public Contacts.KeywordAction Action { get; init; }
    [Id(1)] public bool? OptedOut { get; init; }

    /// <summary>The keyword as matched: Twilio's in upper case, a Messaging Service's as configured.</summary>
    [Id(2)] public string? Keyword { get; init; }

    /// <summary>The language of the Messaging Service's keyword rule it matched; null for Twilio's defaults.</summary>
    [Id(3)] public string? Language { get; init; }

    /// <summary>
    /// Twilio answers the keyword itself: one of its defaults with a Twilio account configured, or a
    /// service's own keyword the engine does not answer (Twilio's Advanced Opt-Out does).
    /// </summary>
    [Id(4)] public bool AnsweredByTwilio { get; init; }
}

/// <summary>
/// One inbound message, keyed by Twilio's MessageSid: processes it once, however often or
/// concurrently Twilio delivers it, and remembers the outcome.
/// </summary>
[Alias("ConversationEngine.IInboundMessageGrain")]
public interface IInboundMessageGrain : IGrainWithStringKey
{
    [Alias("Process")]
    Task<InboundOutcome> ProcessAsync(InboundRequest request);

    [ReadOnly]
    [Alias("Get")]
    Task<InboundOutcome?> GetAsync();

    /// <summary>
    /// Adds what came of forwarding the message (an unroutable one, by the front end) to its
    /// outcome; ignored before the message is processed. The most recent entries are kept.
    /// </summary>
    [Alias("RecordForwards")]
    Task RecordForwardsAsync(IReadOnlyList<InboundForward> forwards);
}

/// <summary>The account's log of inbound messages that no conversation took, keyed by account SID.</summary>
[Alias("ConversationEngine.IUnroutableLogGrain")]
public interface IUnroutableLogGrain : IGrainWithStringKey
{
    [Alias("Append")]
    Task AppendAsync(string messageSid);

    /// <summary>Message SIDs from position <paramref name="start"/>, newest last.</summary>
    [ReadOnly]
    [Alias("List")]
    Task<Page<string>> ListAsync(long start, int max);
}

/// <summary>Inbound behaviour the operator configures: replies to keywords and other messages.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.InboundSettings")]
public sealed record InboundSettings
{
    [Id(0)] public string? HelpReply { get; init; }
    [Id(1)] public string? OptOutReply { get; init; }
    [Id(2)] public string? OptInReply { get; init; }
    [Id(3)] public string? AutoReply { get; init; }
}
