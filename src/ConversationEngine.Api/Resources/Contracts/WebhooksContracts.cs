using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>UpdateConfigurationWebhook</c> (POST <c>/v1/Configuration/Webhooks</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateConfigurationWebhookRequest
{
    [FromForm(Name = "Method"), Description("The HTTP method to be used when sending a webhook request.")]
    public string? Method { get; init; }

    [FromForm(Name = "Filters"), Description("The list of webhook event triggers that are enabled for this Service: `onMessageAdded`, `onMessageUpdated`, `onMessageRemoved`, `onMessageAdd`, `onMessageUpdate`, `onMessageRemove`, `onConversationUpdated`, `onConversationRemoved`, `onConversationAdd`, `onConversationAdded`, `onConversationRemove`, `onConversationUpdate`, `onConversationStateUpdated`, `onParticipantAdded`, `onParticipantUpdated`, `onParticipantRemoved`, `onParticipantAdd`, `onParticipantRemove`, `onParticipantUpdate`, `onDeliveryUpdated`, `onUserAdded`, `onUserUpdate`, `onUserUpdated`")]
    public IReadOnlyList<string>? Filters { get; init; }

    [FromForm(Name = "PreWebhookUrl"), Description("The absolute url the pre-event webhook request should be sent to.")]
    public string? PreWebhookUrl { get; init; }

    [FromForm(Name = "PostWebhookUrl"), Description("The absolute url the post-event webhook request should be sent to.")]
    public string? PostWebhookUrl { get; init; }

    [FromForm(Name = "Target"), AllowedValues("webhook", "flex"), Description("The routing target of the webhook. Can be ordinary or route internally to Flex")]
    public string? Target { get; init; }
}

/// <summary>What <c>ListConversationScopedWebhook</c> (GET <c>/v1/Conversations/{ConversationSid}/Webhooks</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListConversationScopedWebhookRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this webhook.")]
    public string? ConversationSid { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 5), Description("How many resources to return in each list page. The default is 5, and the maximum is 5.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>CreateConversationScopedWebhook</c> (POST <c>/v1/Conversations/{ConversationSid}/Webhooks</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateConversationScopedWebhookRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this webhook.")]
    public string? ConversationSid { get; init; }

    [FromForm(Name = "Target"), Required, AllowedValues("webhook", "trigger", "studio"), Description("The target of this webhook: `webhook`, `studio`, `trigger`")]
    public string? Target { get; init; }

    [FromForm(Name = "Configuration.Url"), Description("The absolute url the webhook request should be sent to.")]
    public string? ConfigurationUrl { get; init; }

    [FromForm(Name = "Configuration.Method"), AllowedValues("get", "post")]
    public string? ConfigurationMethod { get; init; }

    [FromForm(Name = "Configuration.Filters"), Description("The list of events, firing webhook event for this Conversation.")]
    public IReadOnlyList<string>? ConfigurationFilters { get; init; }

    [FromForm(Name = "Configuration.Triggers"), Description("The list of keywords, firing webhook event for this Conversation.")]
    public IReadOnlyList<string>? ConfigurationTriggers { get; init; }

    [FromForm(Name = "Configuration.FlowSid"), Description("The studio flow SID, where the webhook should be sent to.")]
    public string? ConfigurationFlowSid { get; init; }

    [FromForm(Name = "Configuration.ReplayAfter"), Description("The message index for which and it's successors the webhook will be replayed. Not set by default")]
    public int? ConfigurationReplayAfter { get; init; }
}

/// <summary>What <c>FetchConversationScopedWebhook</c> (GET <c>/v1/Conversations/{ConversationSid}/Webhooks/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchConversationScopedWebhookRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this webhook.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>UpdateConversationScopedWebhook</c> (POST <c>/v1/Conversations/{ConversationSid}/Webhooks/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateConversationScopedWebhookRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this webhook.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }

    [FromForm(Name = "Configuration.Url"), Description("The absolute url the webhook request should be sent to.")]
    public string? ConfigurationUrl { get; init; }

    [FromForm(Name = "Configuration.Method"), AllowedValues("get", "post")]
    public string? ConfigurationMethod { get; init; }

    [FromForm(Name = "Configuration.Filters"), Description("The list of events, firing webhook event for this Conversation.")]
    public IReadOnlyList<string>? ConfigurationFilters { get; init; }

    [FromForm(Name = "Configuration.Triggers"), Description("The list of keywords, firing webhook event for this Conversation.")]
    public IReadOnlyList<string>? ConfigurationTriggers { get; init; }

    [FromForm(Name = "Configuration.FlowSid"), Description("The studio flow SID, where the webhook should be sent to.")]
    public string? ConfigurationFlowSid { get; init; }
}

/// <summary>What <c>DeleteConversationScopedWebhook</c> (DELETE <c>/v1/Conversations/{ConversationSid}/Webhooks/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteConversationScopedWebhookRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this webhook.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>UpdateServiceWebhookConfiguration</c> (POST <c>/v1/Services/{ChatServiceSid}/Configuration/Webhooks</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateServiceWebhookConfigurationRequest
{
    [FromForm(Name = "PreWebhookUrl"), Description("The absolute url the pre-event webhook request should be sent to.")]
    public string? PreWebhookUrl { get; init; }

    [FromForm(Name = "PostWebhookUrl"), Description("The absolute url the post-event webhook request should be sent to.")]
    public string? PostWebhookUrl { get; init; }

    [FromForm(Name = "Filters"), Description("The list of events that your configured webhook targets will receive. Events not configured here will not fire. Possible values are `onParticipantAdd`, `onParticipantAdded`, `onDeliveryUpdated`, `onConversationUpdated`, `onConversationRemove`, `onParticipantRemove`, `onConversationUpdate`, `onMessageAdd`, `onMessageRemoved`, `onParticipantUpdated`, `onConversationAdded`, `onMessageAdded`, `onConversationAdd`, `onConversationRemoved`, `onParticipantUpdate`, `onMessageRemove`, `onMessageUpdated`, `onParticipantRemoved`, `onMessageUpdate` or `onConversationStateUpdated`.")]
    public IReadOnlyList<string>? Filters { get; init; }

    [FromForm(Name = "Method"), Description("The HTTP method to be used when sending a webhook request. One of `GET` or `POST`.")]
    public string? Method { get; init; }
}
