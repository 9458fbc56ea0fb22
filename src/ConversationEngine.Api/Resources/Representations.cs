using ConversationEngine.Conversations;

namespace ConversationEngine.Api.Resources;

/// <summary>Conversations v1 JSON shapes (snake_case on the wire), as in Twilio's OpenAPI document.</summary>
public sealed record ConversationResource(
    string AccountSid,
    string ChatServiceSid,
    string? MessagingServiceSid,
    string Sid,
    string? FriendlyName,
    string? UniqueName,
    string Attributes,
    string State,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    Dictionary<string, string> Timers,
    string Url,
    Dictionary<string, string> Links,
    Dictionary<string, object> Bindings);

public sealed record MessagingBindingResource(string Type, string? Address, string? ProxyAddress, string? ProjectedAddress);

public sealed record ParticipantResource(
    string AccountSid,
    string ConversationSid,
    string Sid,
    string? Identity,
    string Attributes,
    object? MessagingBinding,
    string? RoleSid,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string Url,
    long? LastReadMessageIndex,
    string? LastReadTimestamp);

public sealed record MediaResource(string Sid, long Size, string? ContentType, string? Filename);

public sealed record MessageResource(
    string AccountSid,
    string ConversationSid,
    string Sid,
    long Index,
    string Author,
    string? Body,
    IReadOnlyList<MediaResource>? Media,
    string Attributes,
    string? ParticipantSid,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    object? Delivery,
    string Url,
    Dictionary<string, string> Links,
    string? ContentSid);

public sealed record ConfigurationResource(
    string AccountSid,
    string DefaultChatServiceSid,
    string? DefaultMessagingServiceSid,
    string? DefaultInactiveTimer,
    string? DefaultClosedTimer,
    string Url,
    Dictionary<string, string> Links);

public sealed record ServiceConfigurationResource(
    string ChatServiceSid,
    string? DefaultConversationCreatorRoleSid,
    string? DefaultConversationRoleSid,
    string? DefaultChatServiceRoleSid,
    string Url,
    Dictionary<string, string> Links,
    bool ReachabilityEnabled);

/// <summary>Maps snapshots to their wire shapes; every <c>url</c> is absolute, from the public base URL.</summary>
public sealed class ResourceLinks(Microsoft.Extensions.Options.IOptions<Hosting.EngineOptions> options)
{
    private readonly string baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');

    public string AccountSid => options.Value.AccountSid!;

    public string V1(string path) => baseUrl + "/v1" + path;

    public string ConversationsUrl => V1("/Conversations");

    public string ConversationUrl(string sid) => V1("/Conversations/" + sid);

    public string ParticipantsUrl(string conversationSid) => ConversationUrl(conversationSid) + "/Participants";

    public string MessagesUrl(string conversationSid) => ConversationUrl(conversationSid) + "/Messages";

    public ConversationResource Conversation(ConversationSnapshot c)
    {
        var url = ConversationUrl(c.Sid);
        var timers = new Dictionary<string, string>();
        if (c.DateInactive is { } inactive)
        {
            timers["date_inactive"] = Http.TwilioJson.FormatDate(inactive);
        }

        if (c.DateClosed is { } closed)
        {
            timers["date_closed"] = Http.TwilioJson.FormatDate(closed);
        }

        return new ConversationResource(
            AccountSid, c.ChatServiceSid, c.MessagingServiceSid, c.Sid, c.FriendlyName, c.UniqueName, c.Attributes, c.State,
            c.DateCreated, c.DateUpdated, timers, url,
            new Dictionary<string, string>
            {
                ["participants"] = url + "/Participants",
                ["messages"] = url + "/Messages",
                ["webhooks"] = url + "/Webhooks",
                ["export"] = url + "/Export",
            },
            []);
    }

    public ParticipantResource Participant(ParticipantSnapshot p)
    {
        object? binding = p.MessagingBinding switch
        {
            null => null,
            { Address: null } b => new Dictionary<string, string?> { ["type"] = b.Type, ["projected_address"] = b.ProjectedAddress },
            var b => new Dictionary<string, string?> { ["type"] = b.Type, ["address"] = b.Address, ["proxy_address"] = b.ProxyAddress },
        };
        return new ParticipantResource(
            AccountSid, p.ConversationSid, p.Sid, p.Identity, p.Attributes, binding, p.RoleSid, p.DateCreated, p.DateUpdated,
            ParticipantsUrl(p.ConversationSid) + "/" + p.Sid,
            p.LastReadMessageIndex,
            p.LastReadTimestamp is { } read ? Http.TwilioJson.FormatDate(read) : null);
    }

    public MessageResource Message(MessageSnapshot m)
    {
        var url = MessagesUrl(m.ConversationSid) + "/" + m.Sid;
        return new MessageResource(
            AccountSid, m.ConversationSid, m.Sid, m.Index, m.Author, m.Body,
            m.Media?.Select(x => new MediaResource(x.Sid, x.Size, x.ContentType, x.Filename)).ToList(),
            m.Attributes, m.ParticipantSid, m.DateCreated, m.DateUpdated,
            Delivery: null,
            url,
            new Dictionary<string, string>
            {
                ["delivery_receipts"] = url + "/Receipts",
                ["channel_metadata"] = url + "/ChannelMetadata",
            },
            m.ContentSid);
    }
}
