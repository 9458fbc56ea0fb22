using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>CreateConversationMessage</c> (POST <c>/v1/Conversations/{ConversationSid}/Messages</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateConversationMessageRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this message.")]
    public string? ConversationSid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "Author"), Description("The channel specific identifier of the message's author. Defaults to `system`.")]
    public string? Author { get; init; }

    [FromForm(Name = "Body"), Description("The content of the message, can be up to 1,600 characters long.")]
    public string? Body { get; init; }

    [FromForm(Name = "DateCreated"), Description("The date that this resource was created.")]
    public DateTimeOffset? DateCreated { get; init; }

    [FromForm(Name = "DateUpdated"), Description("The date that this resource was last updated. `null` if the message has not been edited.")]
    public DateTimeOffset? DateUpdated { get; init; }

    [FromForm(Name = "Attributes"), Description("A string metadata field you can use to store any data you wish. The string value must contain structurally valid JSON if specified. **Note** that if the attributes are not set \"{}\" will be returned.")]
    public string? Attributes { get; init; }

    [FromForm(Name = "MediaSid"), Description("The Media SID to be attached to the new Message.")]
    public string? MediaSid { get; init; }

    [FromForm(Name = "ContentSid"), Description("The unique ID of the multi-channel [Rich Content](https://www.twilio.com/docs/content) template, required for template-generated messages. **Note** that if this field is set, `Body` and `MediaSid` parameters are ignored.")]
    public string? ContentSid { get; init; }

    [FromForm(Name = "ContentVariables"), Description("A structurally valid JSON string that contains values to resolve Rich Content template variables.")]
    public string? ContentVariables { get; init; }

    [FromForm(Name = "Subject"), Description("The subject of the message, can be up to 256 characters long.")]
    public string? Subject { get; init; }
}

/// <summary>What <c>ListConversationMessage</c> (GET <c>/v1/Conversations/{ConversationSid}/Messages</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListConversationMessageRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for messages.")]
    public string? ConversationSid { get; init; }

    [FromQuery(Name = "Order"), AllowedValues("asc", "desc"), Description("The sort order of the returned messages. Can be: `asc` (ascending) or `desc` (descending), with `asc` as the default.")]
    public string? Order { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 100), Description("How many resources to return in each list page. The default is 50, and the maximum is 100.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>UpdateConversationMessage</c> (POST <c>/v1/Conversations/{ConversationSid}/Messages/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateConversationMessageRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this message.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "Author"), Description("The channel specific identifier of the message's author. Defaults to `system`.")]
    public string? Author { get; init; }

    [FromForm(Name = "Body"), Description("The content of the message, can be up to 1,600 characters long.")]
    public string? Body { get; init; }

    [FromForm(Name = "DateCreated"), Description("The date that this resource was created.")]
    public DateTimeOffset? DateCreated { get; init; }

    [FromForm(Name = "DateUpdated"), Description("The date that this resource was last updated. `null` if the message has not been edited.")]
    public DateTimeOffset? DateUpdated { get; init; }

    [FromForm(Name = "Attributes"), Description("A string metadata field you can use to store any data you wish. The string value must contain structurally valid JSON if specified. **Note** that if the attributes are not set \"{}\" will be returned.")]
    public string? Attributes { get; init; }

    [FromForm(Name = "Subject"), Description("The subject of the message, can be up to 256 characters long.")]
    public string? Subject { get; init; }
}

/// <summary>What <c>DeleteConversationMessage</c> (DELETE <c>/v1/Conversations/{ConversationSid}/Messages/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteConversationMessageRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this message.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }
}

/// <summary>What <c>FetchConversationMessage</c> (GET <c>/v1/Conversations/{ConversationSid}/Messages/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchConversationMessageRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this message.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }
}
