using System.Text.Json.Serialization;
using ConversationEngine.Conversations;
using ConversationEngine.Delivery;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// Conversations v1 JSON shapes (snake_case on the wire), as in Twilio's OpenAPI document. A
/// conversation's participants, messages, receipts and webhooks carry <c>chat_service_sid</c> only
/// when served under <c>/v1/Services/{ChatServiceSid}</c>, as the service twins' schemas do.
/// </summary>
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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ChatServiceSid,
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
    string? LastReadTimestamp,
    ConsentSummaryResource? Consent);

public sealed record MediaResource(string Sid, long Size, string? ContentType, string? Filename, string? Url);

public sealed record MessageResource(
    string AccountSid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ChatServiceSid,
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

public sealed record ReceiptResource(
    string AccountSid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ChatServiceSid,
    string ConversationSid,
    string Sid,
    string MessageSid,
    string? ChannelMessageSid,
    string ParticipantSid,
    string? Status,
    int? ErrorCode,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string Url);

public sealed record AddressConfigurationResource(
    string Sid,
    string AccountSid,
    string Type,
    string Address,
    string? FriendlyName,
    Dictionary<string, object?> AutoCreation,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string Url,
    string? AddressCountry);

public sealed record ServiceConfigurationResource(
    string ChatServiceSid,
    string? DefaultConversationCreatorRoleSid,
    string? DefaultConversationRoleSid,
    string? DefaultChatServiceRoleSid,
    string Url,
    Dictionary<string, string> Links,
    bool ReachabilityEnabled);

/// <summary>
/// Maps snapshots to their wire shapes; every <c>url</c> is absolute, from the public base URL, in
/// the form the request used (a service's path answers with the service's URLs). One per request.
/// </summary>
public sealed class ResourceLinks(Microsoft.Extensions.Options.IOptions<Hosting.EngineOptions> options, ServiceScope scope)
{
    private static readonly string[] SummaryStatuses = ["sent", "delivered", "read", "failed", "undelivered"];

    private readonly string baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');

    public string AccountSid => options.Value.AccountSid!;

    public string V1(string path) => baseUrl + "/v1" + path;

    public string Engine(string path) => baseUrl + "/engine/v1" + path;

    /// <summary>The service the request's path names (its resources' <c>chat_service_sid</c>), or null on the short form.</summary>
    public string? NamedServiceSid => scope.NamedServiceSid;

    public string ConversationsUrl => V1(scope.NamedServiceSid is { } service ? $"/Services/{service}/Conversations" : "/Conversations");

    public string ConversationUrl(string sid) => ConversationsUrl + "/" + sid;

    public string ServiceUrl(string sid) => V1("/Services/" + sid);

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
            // Twilio also links "export" (its bulk exports), which the engine does not serve: a link
            // leads somewhere or is left out.
            new Dictionary<string, string>
            {
                ["participants"] = url + "/Participants",
                ["messages"] = url + "/Messages",
                ["webhooks"] = url + "/Webhooks",
            },
            []);
    }

    /// <param name="p">The participant.</param>
    /// <param name="consent">Its consent on its channel (an engine extension); null for a chat participant.</param>
    public ParticipantResource Participant(ParticipantSnapshot p, ConsentSummaryResource? consent = null)
    {
        object? binding = p.MessagingBinding switch
        {
            null => null,
            { Address: null } b => new Dictionary<string, string?> { ["type"] = b.Type, ["projected_address"] = b.ProjectedAddress },
            var b => new Dictionary<string, string?> { ["type"] = b.Type, ["address"] = b.Address, ["proxy_address"] = b.ProxyAddress },
        };
        return new ParticipantResource(
            AccountSid, NamedServiceSid, p.ConversationSid, p.Sid, p.Identity, p.Attributes, binding, p.RoleSid, p.DateCreated, p.DateUpdated,
            ParticipantsUrl(p.ConversationSid) + "/" + p.Sid,
            p.LastReadMessageIndex,
            p.LastReadTimestamp is { } read ? Http.TwilioJson.FormatDate(read) : null,
            consent);
    }

    public MessageResource Message(MessageSnapshot m, IReadOnlyList<DeliveryReceipt> receipts)
    {
        var url = MessagesUrl(m.ConversationSid) + "/" + m.Sid;
        return new MessageResource(
            AccountSid, NamedServiceSid, m.ConversationSid, m.Sid, m.Index, m.Author, m.Body,
            m.Media?.Select(x => new MediaResource(x.Sid, x.Size, x.ContentType, x.Filename, x.Url)).ToList(),
            m.Attributes, m.ParticipantSid, m.DateCreated, m.DateUpdated,
            DeliverySummary(receipts),
            url,
            // Twilio also links "channel_metadata", a resource the spec does not describe and the
            // engine does not serve: a link leads somewhere or is left out.
            new Dictionary<string, string>
            {
                ["delivery_receipts"] = url + "/Receipts",
            },
            m.ContentSid);
    }

    public ReceiptResource Receipt(DeliveryReceipt r) => new(
        AccountSid, NamedServiceSid, r.ConversationSid, r.Sid, r.MessageSid, r.ChannelMessageSid, r.ParticipantSid,
        DeliveryStatuses.ForReceipt(r.Status), r.ErrorCode, r.DateCreated, r.DateUpdated,
        ReceiptsUrl(r.ConversationSid, r.MessageSid) + "/" + r.Sid);

    public string ReceiptsUrl(string conversationSid, string messageSid) => MessagesUrl(conversationSid) + "/" + messageSid + "/Receipts";

    public AddressConfigurationResource AddressConfiguration(Inbound.AddressConfiguration c)
    {
        var autoCreation = new Dictionary<string, object?>
        {
            ["enabled"] = c.AutoCreationEnabled,
            ["type"] = c.AutoCreationType,
            ["conversation_service_sid"] = c.ConversationServiceSid,
        };
        if (c.AutoCreationType == "studio")
        {
            autoCreation["studio_flow_sid"] = c.StudioFlowSid;
            autoCreation["studio_retry_count"] = c.StudioRetryCount;
        }
        else
        {
            autoCreation["webhook_url"] = c.WebhookUrl;
            autoCreation["webhook_method"] = c.WebhookMethod;
            autoCreation["webhook_filters"] = c.WebhookFilters;
        }

        return new AddressConfigurationResource(
            c.Sid, AccountSid, c.Type, c.Address, c.FriendlyName, autoCreation, c.DateCreated, c.DateUpdated,
            V1("/Configuration/Addresses/" + c.Sid), c.AddressCountry);
    }

    /// <summary>
    /// The message's delivery summary: per status, whether all, some or none of its receipts have
    /// reached it (a delivered receipt was sent too; a read one was delivered), or null without receipts.
    /// </summary>
    private static Dictionary<string, object>? DeliverySummary(IReadOnlyList<DeliveryReceipt> receipts)
    {
        if (receipts.Count == 0)
        {
            return null;
        }

        var reached = receipts.Select(r => DeliveryStatuses.ForReceipt(r.Status) switch
        {
            "sent" => ["sent"],
            "delivered" => ["sent", "delivered"],
            "read" => ["sent", "delivered", "read"],
            "undelivered" => ["sent", "undelivered"],
            "failed" => ["failed"],
            _ => Array.Empty<string>(),
        }).ToList();
        var summary = new Dictionary<string, object> { ["total"] = receipts.Count };
        foreach (var status in SummaryStatuses)
        {
            var count = reached.Count(r => r.Contains(status));
            summary[status] = count == receipts.Count ? "all" : count > 0 ? "some" : "none";
        }

        return summary;
    }
}
