using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>CreateConversation</c> (POST <c>/v1/Conversations</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateConversationRequest
{
    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "FriendlyName"), Description("The human-readable name of this conversation, limited to 256 characters. Optional.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "UniqueName"), Description("An application-defined string that uniquely identifies the resource. It can be used to address the resource in place of the resource's `sid` in the URL.")]
    public string? UniqueName { get; init; }

    [FromForm(Name = "DateCreated"), Description("The date that this resource was created.")]
    public DateTimeOffset? DateCreated { get; init; }

    [FromForm(Name = "DateUpdated"), Description("The date that this resource was last updated.")]
    public DateTimeOffset? DateUpdated { get; init; }

    [FromForm(Name = "MessagingServiceSid"), Description("The unique ID of the [Messaging Service](https://www.twilio.com/docs/messaging/api/service-resource) this conversation belongs to.")]
    public string? MessagingServiceSid { get; init; }

    [FromForm(Name = "Attributes"), Description("An optional string metadata field you can use to store any data you wish. The string value must contain structurally valid JSON if specified. **Note** that if the attributes are not set \"{}\" will be returned.")]
    public string? Attributes { get; init; }

    [FromForm(Name = "State"), AllowedValues("initializing", "inactive", "active", "closed"), Description("Current state of this conversation. Can be either `initializing`, `active`, `inactive` or `closed` and defaults to `active`")]
    public string? State { get; init; }

    [FromForm(Name = "Timers.Inactive"), Description("ISO8601 duration when conversation will be switched to `inactive` state. Minimum value for this timer is 1 minute.")]
    public string? TimersInactive { get; init; }

    [FromForm(Name = "Timers.Closed"), Description("ISO8601 duration when conversation will be switched to `closed` state. Minimum value for this timer is 10 minutes.")]
    public string? TimersClosed { get; init; }

    [FromForm(Name = "Bindings.Email.Address"), Description("The default email address that will be used when sending outbound emails in this conversation.")]
    public string? BindingsEmailAddress { get; init; }

    [FromForm(Name = "Bindings.Email.Name"), Description("The default name that will be used when sending outbound emails in this conversation.")]
    public string? BindingsEmailName { get; init; }
}

/// <summary>What <c>ListConversation</c> (GET <c>/v1/Conversations</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListConversationRequest
{
    [FromQuery(Name = "StartDate"), Description("Specifies the beginning of the date range for filtering Conversations based on their creation date. Conversations that were created on or after this date will be included in the results. The date must be in ISO8601 format, specifically starting at the beginning of the specified date (YYYY-MM-DDT00:00:00Z), for precise filtering. This parameter can be combined with other filters. If this filter is used, the returned list is sorted by latest conversation creation date in descending order.")]
    public string? StartDate { get; init; }

    [FromQuery(Name = "EndDate"), Description("Defines the end of the date range for filtering conversations by their creation date. Only conversations that were created on or before this date will appear in the results. The date must be in ISO8601 format, specifically capturing up to the end of the specified date (YYYY-MM-DDT23:59:59Z), to ensure that conversations from the entire end day are included. This parameter can be combined with other filters. If this filter is used, the returned list is sorted by latest conversation creation date in descending order.")]
    public string? EndDate { get; init; }

    [FromQuery(Name = "State"), AllowedValues("initializing", "inactive", "active", "closed"), Description("State for sorting and filtering list of Conversations. Can be `active`, `inactive` or `closed`")]
    public string? State { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 100), Description("How many resources to return in each list page. The default is 50, and the maximum is 100.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>UpdateConversation</c> (POST <c>/v1/Conversations/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateConversationRequest
{
    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource. Can also be the `unique_name` of the Conversation.")]
    public string? Sid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "FriendlyName"), Description("The human-readable name of this conversation, limited to 256 characters. Optional.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "DateCreated"), Description("The date that this resource was created.")]
    public DateTimeOffset? DateCreated { get; init; }

    [FromForm(Name = "DateUpdated"), Description("The date that this resource was last updated.")]
    public DateTimeOffset? DateUpdated { get; init; }

    [FromForm(Name = "Attributes"), Description("An optional string metadata field you can use to store any data you wish. The string value must contain structurally valid JSON if specified. **Note** that if the attributes are not set \"{}\" will be returned.")]
    public string? Attributes { get; init; }

    [FromForm(Name = "MessagingServiceSid"), Description("The unique ID of the [Messaging Service](https://www.twilio.com/docs/messaging/api/service-resource) this conversation belongs to.")]
    public string? MessagingServiceSid { get; init; }

    [FromForm(Name = "State"), AllowedValues("initializing", "inactive", "active", "closed"), Description("Current state of this conversation. Can be either `initializing`, `active`, `inactive` or `closed` and defaults to `active`")]
    public string? State { get; init; }

    [FromForm(Name = "Timers.Inactive"), Description("ISO8601 duration when conversation will be switched to `inactive` state. Minimum value for this timer is 1 minute.")]
    public string? TimersInactive { get; init; }

    [FromForm(Name = "Timers.Closed"), Description("ISO8601 duration when conversation will be switched to `closed` state. Minimum value for this timer is 10 minutes.")]
    public string? TimersClosed { get; init; }

    [FromForm(Name = "UniqueName"), Description("An application-defined string that uniquely identifies the resource. It can be used to address the resource in place of the resource's `sid` in the URL.")]
    public string? UniqueName { get; init; }

    [FromForm(Name = "Bindings.Email.Address"), Description("The default email address that will be used when sending outbound emails in this conversation.")]
    public string? BindingsEmailAddress { get; init; }

    [FromForm(Name = "Bindings.Email.Name"), Description("The default name that will be used when sending outbound emails in this conversation.")]
    public string? BindingsEmailName { get; init; }
}

/// <summary>What <c>DeleteConversation</c> (DELETE <c>/v1/Conversations/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteConversationRequest
{
    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource. Can also be the `unique_name` of the Conversation.")]
    public string? Sid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }
}

/// <summary>What <c>FetchConversation</c> (GET <c>/v1/Conversations/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchConversationRequest
{
    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource. Can also be the `unique_name` of the Conversation.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>UpdateUserConversation</c> (POST <c>/v1/Services/{ChatServiceSid}/Users/{UserSid}/Conversations/{ConversationSid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateUserConversationRequest
{
    [FromRoute(Name = "UserSid"), Required, Description("The unique SID identifier of the [User resource](https://www.twilio.com/docs/conversations/api/user-resource). This value can be either the `sid` or the `identity` of the User resource.")]
    public string? UserSid { get; init; }

    [FromRoute(Name = "ConversationSid"), Required, Description("The unique SID identifier of the Conversation. This value can be either the `sid` or the `unique_name` of the [Conversation resource](https://www.twilio.com/docs/conversations/api/conversation-resource).")]
    public string? ConversationSid { get; init; }

    [FromForm(Name = "NotificationLevel"), AllowedValues("default", "muted"), Description("The Notification Level of this User Conversation. One of `default` or `muted`.")]
    public string? NotificationLevel { get; init; }

    [FromForm(Name = "LastReadTimestamp"), Description("The date of the last message read in conversation by the user, given in ISO 8601 format.")]
    public DateTimeOffset? LastReadTimestamp { get; init; }

    [FromForm(Name = "LastReadMessageIndex"), Description("The index of the last Message in the Conversation that the Participant has read.")]
    public int? LastReadMessageIndex { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("Engine extension: with true, the change fires the pre- and post-action webhooks, as on Twilio's other writes.")]
    public string? XTwilioWebhookEnabled { get; init; }
}

/// <summary>What <c>DeleteUserConversation</c> (DELETE <c>/v1/Services/{ChatServiceSid}/Users/{UserSid}/Conversations/{ConversationSid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteUserConversationRequest
{
    [FromRoute(Name = "UserSid"), Required, Description("The unique SID identifier of the [User resource](https://www.twilio.com/docs/conversations/api/user-resource). This value can be either the `sid` or the `identity` of the User resource.")]
    public string? UserSid { get; init; }

    [FromRoute(Name = "ConversationSid"), Required, Description("The unique SID identifier of the Conversation. This value can be either the `sid` or the `unique_name` of the [Conversation resource](https://www.twilio.com/docs/conversations/api/conversation-resource).")]
    public string? ConversationSid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("Engine extension: with true, the change fires the pre- and post-action webhooks, as on Twilio's other writes.")]
    public string? XTwilioWebhookEnabled { get; init; }
}

/// <summary>What <c>FetchUserConversation</c> (GET <c>/v1/Services/{ChatServiceSid}/Users/{UserSid}/Conversations/{ConversationSid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchUserConversationRequest
{
    [FromRoute(Name = "UserSid"), Required, Description("The unique SID identifier of the [User resource](https://www.twilio.com/docs/conversations/api/user-resource). This value can be either the `sid` or the `identity` of the User resource.")]
    public string? UserSid { get; init; }

    [FromRoute(Name = "ConversationSid"), Required, Description("The unique SID identifier of the Conversation. This value can be either the `sid` or the `unique_name` of the [Conversation resource](https://www.twilio.com/docs/conversations/api/conversation-resource).")]
    public string? ConversationSid { get; init; }
}

/// <summary>What <c>ListUserConversation</c> (GET <c>/v1/Services/{ChatServiceSid}/Users/{UserSid}/Conversations</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListUserConversationRequest
{
    [FromRoute(Name = "UserSid"), Required, Description("The unique SID identifier of the [User resource](https://www.twilio.com/docs/conversations/api/user-resource). This value can be either the `sid` or the `identity` of the User resource.")]
    public string? UserSid { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 50), Description("How many resources to return in each list page. The default is 50, and the maximum is 50.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}
