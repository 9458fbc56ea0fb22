using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>UpdateConfiguration</c> (POST <c>/v1/Configuration</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateConfigurationRequest
{
    [FromForm(Name = "DefaultChatServiceSid"), Description("The SID of the default [Conversation Service](https://www.twilio.com/docs/conversations/api/service-resource) to use when creating a conversation.")]
    public string? DefaultChatServiceSid { get; init; }

    [FromForm(Name = "DefaultMessagingServiceSid"), Description("The SID of the default [Messaging Service](https://www.twilio.com/docs/messaging/api/service-resource) to use when creating a conversation.")]
    public string? DefaultMessagingServiceSid { get; init; }

    [FromForm(Name = "DefaultInactiveTimer"), Description("Default ISO8601 duration when conversation will be switched to `inactive` state. Minimum value for this timer is 1 minute.")]
    public string? DefaultInactiveTimer { get; init; }

    [FromForm(Name = "DefaultClosedTimer"), Description("Default ISO8601 duration when conversation will be switched to `closed` state. Minimum value for this timer is 10 minutes.")]
    public string? DefaultClosedTimer { get; init; }
}

/// <summary>What <c>UpdateServiceConfiguration</c> (POST <c>/v1/Services/{ChatServiceSid}/Configuration</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateServiceConfigurationRequest
{
    [FromForm(Name = "DefaultConversationCreatorRoleSid"), Description("The conversation-level role assigned to a conversation creator when they join a new conversation. See [Conversation Role](https://www.twilio.com/docs/conversations/api/role-resource) for more info about roles.")]
    public string? DefaultConversationCreatorRoleSid { get; init; }

    [FromForm(Name = "DefaultConversationRoleSid"), Description("The conversation-level role assigned to users when they are added to a conversation. See [Conversation Role](https://www.twilio.com/docs/conversations/api/role-resource) for more info about roles.")]
    public string? DefaultConversationRoleSid { get; init; }

    [FromForm(Name = "DefaultChatServiceRoleSid"), Description("The service-level role assigned to users when they are added to the service. See [Conversation Role](https://www.twilio.com/docs/conversations/api/role-resource) for more info about roles.")]
    public string? DefaultChatServiceRoleSid { get; init; }

    [FromForm(Name = "ReachabilityEnabled"), Description("Whether the [Reachability Indicator](https://www.twilio.com/docs/conversations/reachability) is enabled for this Conversations Service. The default is `false`.")]
    public bool? ReachabilityEnabled { get; init; }
}
