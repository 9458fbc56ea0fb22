using System.Globalization;
using System.Text.Json;
using ConversationEngine.Conversations;
using ConversationEngine.Delivery;

namespace ConversationEngine.Events;

/// <summary>
/// The parameters Twilio's Conversations webhooks carry for each post-action event (reference
/// §4.3), besides AccountSid, EventType, Source and RetryCount, which delivery adds. A value that
/// is not set is left out, as Twilio does.
/// </summary>
public static class EventParameters
{
    public static List<KeyValuePair<string, string>> Conversation(ConversationSnapshot c, DateTimeOffset? removed = null)
    {
        var p = new Parameters()
            .Add("ConversationSid", c.Sid)
            .Add("DateCreated", c.DateCreated)
            .Add("DateUpdated", c.DateUpdated)
            .Add("FriendlyName", c.FriendlyName)
            .Add("UniqueName", c.UniqueName)
            .Add("Attributes", c.Attributes)
            .Add("ChatServiceSid", c.ChatServiceSid)
            .Add("MessagingServiceSid", c.MessagingServiceSid)
            .Add("State", c.State);
        return removed is { } at ? p.Add("DateRemoved", at).List : p.List;
    }

    public static List<KeyValuePair<string, string>> StateUpdated(ConversationSnapshot c, string from, string to, string reason, DateTimeOffset at) =>
        new Parameters()
            .Add("ChatServiceSid", c.ChatServiceSid)
            .Add("StateUpdated", at)
            .Add("StateFrom", from)
            .Add("StateTo", to)
            .Add("ConversationSid", c.Sid)
            .Add("Reason", reason)
            .Add("MessagingServiceSid", c.MessagingServiceSid)
            .List;

    public static List<KeyValuePair<string, string>> MessageAdded(MessageSnapshot m, ConversationSnapshot c) =>
        Message(m).Add("MessagingServiceSid", c.MessagingServiceSid).List;

    public static List<KeyValuePair<string, string>> MessageChanged(MessageSnapshot m, DateTimeOffset? removed = null)
    {
        var p = Message(m).Add("DateUpdated", m.DateUpdated);
        return removed is { } at ? p.Add("DateRemoved", at).List : p.List;
    }

    /// <summary>What every message event carries.</summary>
    private static Parameters Message(MessageSnapshot m) =>
        new Parameters()
            .Add("ConversationSid", m.ConversationSid)
            .Add("MessageSid", m.Sid)
            .Add("Index", m.Index.ToString(CultureInfo.InvariantCulture))
            .Add("DateCreated", m.DateCreated)
            .Add("Body", m.Body)
            .Add("Author", m.Author)
            .Add("ParticipantSid", m.ParticipantSid)
            .Add("Attributes", m.Attributes)
            .Add("Media", Media(m.Media));

    public static List<KeyValuePair<string, string>> Participant(ParticipantSnapshot p, string type, DateTimeOffset? removed = null)
    {
        var list = new Parameters()
            .Add("ConversationSid", p.ConversationSid)
            .Add("ParticipantSid", p.Sid)
            .Add("DateCreated", p.DateCreated);
        if (type != EventTypes.ParticipantAdded)
        {
            list.Add("DateUpdated", p.DateUpdated);
        }

        list.Add("Identity", p.Identity)
            .Add("RoleSid", p.RoleSid)
            .Add("Attributes", p.Attributes)
            .Add("MessagingBinding.ProxyAddress", p.MessagingBinding?.ProxyAddress)
            .Add("MessagingBinding.Address", p.MessagingBinding?.Address)
            .Add("MessagingBinding.ProjectedAddress", p.MessagingBinding?.ProjectedAddress)
            .Add("MessagingBinding.Type", p.MessagingBinding?.Type.ToUpperInvariant());
        if (type == EventTypes.ParticipantUpdated)
        {
            list.Add("LastReadMessageIndex", p.LastReadMessageIndex?.ToString(CultureInfo.InvariantCulture));
        }

        return removed is { } at ? list.Add("DateRemoved", at).List : list.List;
    }

    public static List<KeyValuePair<string, string>> DeliveryUpdated(DeliveryReceipt r, string chatServiceSid) =>
        new Parameters()
            .Add("ConversationSid", r.ConversationSid)
            .Add("ChatServiceSid", chatServiceSid)
            .Add("MessageSid", r.MessageSid)
            .Add("DeliveryReceiptSid", r.Sid)
            .Add("ChannelMessageSid", r.ChannelMessageSid)
            .Add("ParticipantSid", r.ParticipantSid)
            .Add("Status", r.Status)
            .Add("ErrorCode", (r.ErrorCode ?? 0).ToString(CultureInfo.InvariantCulture))
            .Add("DateCreated", r.DateCreated)
            .Add("DateUpdated", r.DateUpdated)
            .List;

    /// <summary>
    /// onUserAdded and onUserUpdated (with DateUpdated). Twilio's onUserUpdated also carries the
    /// user's online and notifiable flags: <c>IsOnline</c> when the change is the user's
    /// reachability (services with ReachabilityEnabled); the engine has no push, so
    /// <c>IsNotifiable</c> is null and, like every value not set, left out.
    /// </summary>
    public static List<KeyValuePair<string, string>> User(Users.UserSnapshot u, string type, bool? isOnline = null)
    {
        var list = new Parameters()
            .Add("ChatServiceSid", u.ChatServiceSid)
            .Add("UserSid", u.Sid)
            .Add("DateCreated", u.DateCreated);
        if (type == EventTypes.UserUpdated)
        {
            list.Add("DateUpdated", u.DateUpdated);
        }

        return list.Add("Identity", u.Identity)
            .Add("RoleSid", u.RoleSid)
            .Add("Attributes", u.Attributes)
            .Add("FriendlyName", u.FriendlyName)
            .Add("IsOnline", isOnline is { } online ? (online ? "true" : "false") : null)
            .List;
    }

    /// <summary>Twilio's webhook date form: ISO 8601 in UTC with milliseconds.</summary>
    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Media as Twilio sends it in webhooks: a stringified JSON array (null without media).</summary>
    private static string? Media(IReadOnlyList<MediaItem>? media) => media is not { Count: > 0 }
        ? null
        : JsonSerializer.Serialize(media.Select(m => new Dictionary<string, object?>
        {
            ["Sid"] = m.Sid,
            ["Filename"] = m.Filename,
            ["ContentType"] = m.ContentType,
            ["Size"] = m.Size,
        }));

    private sealed class Parameters
    {
        public List<KeyValuePair<string, string>> List { get; } = [];

        public Parameters Add(string name, string? value)
        {
            if (value is not null)
            {
                List.Add(new(name, value));
            }

            return this;
        }

        public Parameters Add(string name, DateTimeOffset value) => Add(name, Date(value));
    }
}
