using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace ConversationEngine.Twilio.Webhooks;

/// <summary>What the engine does with an action after its pre-action hook answered.</summary>
public enum PreActionVerdict
{
    /// <summary>Publish the action unmodified.</summary>
    Proceed,

    /// <summary>Publish it with the fields the hook returned replaced; the others unchanged.</summary>
    Modify,

    /// <summary>Refuse it; nothing is published.</summary>
    Reject,
}

/// <summary>
/// A pre-action hook's answer read by Twilio's table (Conversations webhooks, "pre-action
/// responses"): 200 with <c>{}</c> or an empty body proceeds; 200 with JSON of modifiable fields
/// modifies (missing fields unchanged); any 4xx or 5xx rejects; no answer within the timeout
/// proceeds unmodified.
/// </summary>
/// <remarks>
/// Where the table is silent, the engine decides, always for proceeding: a 200 whose body is not
/// JSON, not an object, or longer than the read cap proceeds unmodified (the hook accepted with its
/// status, and a body that cannot be read carries no changes, so a hook's bug does not stop all
/// traffic); so does any other 2xx, a 1xx or 3xx (only 4xx and 5xx reject; redirects are not
/// followed), and a hook that could not be reached at all (connection refused, DNS, TLS: no response,
/// like a timeout). Fields that cannot modify this event (<c>friendly_name</c> on a message) are
/// ignored; a JSON <c>null</c> leaves its field unchanged; a text field holding anything but a
/// string is ignored. <see cref="Note"/> says which of these applied.
/// </remarks>
public sealed record PreActionDecision
{
    private static readonly FrozenSet<string> ConversationEvents = FrozenSet.Create(StringComparer.Ordinal, "onConversationAdd", "onConversationUpdate");
    private static readonly FrozenSet<string> MessageEvents = FrozenSet.Create(StringComparer.Ordinal, "onMessageAdd", "onMessageUpdate");

    public required PreActionVerdict Verdict { get; init; }

    /// <summary>The hook's HTTP status; null when it was not called or did not answer.</summary>
    public int? StatusCode { get; init; }

    /// <summary>False when the target's filters do not include the event: nothing was sent.</summary>
    public bool Called { get; init; } = true;

    /// <summary>The hook did not answer within the timeout (the action proceeds, delayed by it).</summary>
    public bool TimedOut { get; init; }

    /// <summary>Modify, conversation events: the new friendly name.</summary>
    public string? FriendlyName { get; init; }

    /// <summary>Modify, message events: the new body.</summary>
    public string? Body { get; init; }

    /// <summary>Modify, message events: the new author.</summary>
    public string? Author { get; init; }

    /// <summary>Modify, message events: the new attributes, always as a string holding JSON (a JSON object returned is written compactly).</summary>
    public string? Attributes { get; init; }

    /// <summary>Why an answer was read as it was when the table does not say (unreadable body, ignored field, no connection).</summary>
    public string? Note { get; init; }

    /// <summary>Proceed, without a call: the target does not filter for the event.</summary>
    public static PreActionDecision NotCalled { get; } = new() { Verdict = PreActionVerdict.Proceed, Called = false };

    /// <summary>Reads <paramref name="outcome"/>, the hook's answer to <paramref name="eventType"/> (onMessageAdd…).</summary>
    public static PreActionDecision From(WebhookOutcome outcome, string eventType)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(eventType);
        if (outcome.StatusCode is not { } status)
        {
            return outcome.Failure == WebhookFailure.Timeout
                ? new() { Verdict = PreActionVerdict.Proceed, TimedOut = true }
                : new() { Verdict = PreActionVerdict.Proceed, Note = $"no answer ({outcome.Failure}): proceeding unmodified" };
        }

        if (status >= 400)
        {
            return new() { Verdict = PreActionVerdict.Reject, StatusCode = status };
        }

        var proceed = new PreActionDecision { Verdict = PreActionVerdict.Proceed, StatusCode = status };
        if (status is < 200 or >= 300)
        {
            return proceed with { Note = $"status {status} is neither success nor refusal: proceeding unmodified" };
        }

        if (string.IsNullOrWhiteSpace(outcome.Body))
        {
            return proceed;
        }

        if (outcome.BodyTruncated)
        {
            return proceed with { Note = "the answer is longer than the read cap: proceeding unmodified" };
        }

        try
        {
            using var document = JsonDocument.Parse(outcome.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? Modifications(document.RootElement, eventType, proceed)
                : proceed with { Note = "the answer is JSON but not an object: proceeding unmodified" };
        }
        catch (JsonException)
        {
            return proceed with { Note = "the answer is not JSON: proceeding unmodified" };
        }
    }

    private static PreActionDecision Modifications(JsonElement answer, string eventType, PreActionDecision proceed)
    {
        var ignored = new List<string>();
        var modified = proceed;
        var changed = false;
        foreach (var field in answer.EnumerateObject())
        {
            var applies = field.Name switch
            {
                "friendly_name" => ConversationEvents.Contains(eventType),
                "body" or "author" or "attributes" => MessageEvents.Contains(eventType),
                _ => false,
            };
            if (!applies)
            {
                ignored.Add(field.Name);
                continue;
            }

            if (field.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var value = field.Name == "attributes" ? AttributesText(field.Value) : Text(field.Value);
            if (value is null)
            {
                ignored.Add(field.Name);
                continue;
            }

            changed = true;
            modified = field.Name switch
            {
                "friendly_name" => modified with { FriendlyName = value },
                "body" => modified with { Body = value },
                "author" => modified with { Author = value },
                _ => modified with { Attributes = value },
            };
        }

        var note = ignored.Count == 0 ? null : $"ignored for {eventType}: {string.Join(", ", ignored)}";
        return changed ? modified with { Verdict = PreActionVerdict.Modify, Note = note } : proceed with { Note = note };
    }

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // Twilio keeps attributes as a string holding JSON; a hook may return either that string or the JSON itself.
    private static string? AttributesText(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
