using System.Collections.Frozen;

namespace ConversationEngine.Twilio;

/// <summary>
/// A message status callback: Twilio's report that an outbound message moved to a new status.
/// Callbacks may arrive out of order.
/// </summary>
public sealed record StatusCallback
{
    private static readonly FrozenSet<string> Statuses = FrozenSet.Create(
        StringComparer.Ordinal,
        "queued", "sending", "sent", "failed", "delivered", "undelivered", "receiving", "received",
        "accepted", "scheduled", "read", "partially_delivered", "canceled");

    /// <summary>The message's SID (<c>SM…</c> or <c>MM…</c>).</summary>
    public required string MessageSid { get; init; }

    /// <summary>The new status, lower case, e.g. <c>delivered</c>.</summary>
    public required string MessageStatus { get; init; }

    /// <summary>Twilio's error code, present for failed and undelivered messages.</summary>
    public int? ErrorCode { get; init; }

    /// <summary>Twilio's error text, when it sends one.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The sending number or channel address.</summary>
    public required string From { get; init; }

    /// <summary>The recipient number or channel address.</summary>
    public required string To { get; init; }

    /// <summary>The sending account (<c>AC…</c>).</summary>
    public required string AccountSid { get; init; }

    /// <summary>The Messaging Service the message was sent through (<c>MG…</c>), if any.</summary>
    public string? MessagingServiceSid { get; init; }

    /// <summary>SMS/MMS delivery receipts: the carrier's completion time, <c>YYMMDDhhmm</c>.</summary>
    public string? RawDlrDoneDate { get; init; }

    /// <summary>RCS/WhatsApp: the channel's own explanation of a failure.</summary>
    public string? ChannelStatusMessage { get; init; }

    /// <summary>Reads a status callback's form fields; unknown fields are ignored.</summary>
    /// <param name="parameters">Every field of the request, by exact name.</param>
    /// <returns>The parsed callback.</returns>
    /// <exception cref="FormatException">
    /// MessageSid, MessageStatus, From, To or AccountSid is missing; MessageSid is not a SID;
    /// MessageStatus is not a known status; or ErrorCode is not an integer. The message names the parameter.
    /// </exception>
    public static StatusCallback Parse(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var fields = new FormFields(parameters);

        var messageSid = fields.Sid("MessageSid");
        var status = fields.Required("MessageStatus").ToLowerInvariant();
        if (!Statuses.Contains(status))
        {
            throw new FormatException(
                $"Parameter 'MessageStatus' must be one of {string.Join(", ", Statuses.Order(StringComparer.Ordinal))}, not '{status}'.");
        }

        return new StatusCallback
        {
            MessageSid = messageSid,
            MessageStatus = status,
            ErrorCode = fields.OptionalInt("ErrorCode"),
            ErrorMessage = fields.Optional("ErrorMessage"),
            From = fields.Required("From"),
            To = fields.Required("To"),
            AccountSid = fields.Required("AccountSid"),
            MessagingServiceSid = fields.Optional("MessagingServiceSid"),
            RawDlrDoneDate = fields.Optional("RawDlrDoneDate"),
            ChannelStatusMessage = fields.Optional("ChannelStatusMessage"),
        };
    }
}
