using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>CreateConversationParticipant</c> (POST <c>/v1/Conversations/{ConversationSid}/Participants</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateConversationParticipantRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this participant.")]
    public string? ConversationSid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "Identity"), Description("A unique string identifier for the conversation participant as [Conversation User](https://www.twilio.com/docs/conversations/api/user-resource). This parameter is non-null if (and only if) the participant is using the Conversations SDK to communicate. Limited to 256 characters.")]
    public string? Identity { get; init; }

    [FromForm(Name = "MessagingBinding.Address"), Description("The address of the participant's device, e.g. a phone or WhatsApp number. Together with the Proxy address, this determines a participant uniquely. This field (with proxy_address) is only null when the participant is interacting from an SDK endpoint (see the 'identity' field).")]
    public string? MessagingBindingAddress { get; init; }

    [FromForm(Name = "MessagingBinding.ProxyAddress"), Description("The address of the Twilio phone number (or WhatsApp number) that the participant is in contact with. This field, together with participant address, is only null when the participant is interacting from an SDK endpoint (see the 'identity' field).")]
    public string? MessagingBindingProxyAddress { get; init; }

    [FromForm(Name = "DateCreated"), Description("The date that this resource was created.")]
    public DateTimeOffset? DateCreated { get; init; }

    [FromForm(Name = "DateUpdated"), Description("The date that this resource was last updated.")]
    public DateTimeOffset? DateUpdated { get; init; }

    [FromForm(Name = "Attributes"), Description("An optional string metadata field you can use to store any data you wish. The string value must contain structurally valid JSON if specified. **Note** that if the attributes are not set \"{}\" will be returned.")]
    public string? Attributes { get; init; }

    [FromForm(Name = "MessagingBinding.ProjectedAddress"), Description("The address of the Twilio phone number that is used in Group MMS. Communication mask for the Conversation participant with Identity.")]
    public string? MessagingBindingProjectedAddress { get; init; }

    [FromForm(Name = "RoleSid"), Description("The SID of a conversation-level [Role](https://www.twilio.com/docs/conversations/api/role-resource) to assign to the participant.")]
    public string? RoleSid { get; init; }
}

/// <summary>What <c>ListConversationParticipant</c> (GET <c>/v1/Conversations/{ConversationSid}/Participants</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListConversationParticipantRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for participants.")]
    public string? ConversationSid { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 100), Description("How many resources to return in each list page. The default is 50, and the maximum is 100.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>UpdateConversationParticipant</c> (POST <c>/v1/Conversations/{ConversationSid}/Participants/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateConversationParticipantRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this participant.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "DateCreated"), Description("The date that this resource was created.")]
    public DateTimeOffset? DateCreated { get; init; }

    [FromForm(Name = "DateUpdated"), Description("The date that this resource was last updated.")]
    public DateTimeOffset? DateUpdated { get; init; }

    [FromForm(Name = "Attributes"), Description("An optional string metadata field you can use to store any data you wish. The string value must contain structurally valid JSON if specified. **Note** that if the attributes are not set \"{}\" will be returned.")]
    public string? Attributes { get; init; }

    [FromForm(Name = "RoleSid"), Description("The SID of a conversation-level [Role](https://www.twilio.com/docs/conversations/api/role-resource) to assign to the participant.")]
    public string? RoleSid { get; init; }

    [FromForm(Name = "MessagingBinding.ProxyAddress"), Description("The address of the Twilio phone number that the participant is in contact with. 'null' value will remove it.")]
    public string? MessagingBindingProxyAddress { get; init; }

    [FromForm(Name = "MessagingBinding.ProjectedAddress"), Description("The address of the Twilio phone number that is used in Group MMS. 'null' value will remove it.")]
    public string? MessagingBindingProjectedAddress { get; init; }

    [FromForm(Name = "Identity"), Description("A unique string identifier for the conversation participant as [Conversation User](https://www.twilio.com/docs/conversations/api/user-resource). This parameter is non-null if (and only if) the participant is using the Conversations SDK to communicate. Limited to 256 characters.")]
    public string? Identity { get; init; }

    [FromForm(Name = "LastReadMessageIndex"), Description("Index of last “read” message in the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for the Participant.")]
    public int? LastReadMessageIndex { get; init; }

    [FromForm(Name = "LastReadTimestamp"), Description("Timestamp of last “read” message in the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for the Participant.")]
    public string? LastReadTimestamp { get; init; }
}

/// <summary>What <c>DeleteConversationParticipant</c> (DELETE <c>/v1/Conversations/{ConversationSid}/Participants/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteConversationParticipantRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this participant.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }
}

/// <summary>What <c>FetchConversationParticipant</c> (GET <c>/v1/Conversations/{ConversationSid}/Participants/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchConversationParticipantRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this participant.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource. Alternatively, you can pass a Participant's `identity` rather than the SID.")]
    public string? Sid { get; init; }
}
