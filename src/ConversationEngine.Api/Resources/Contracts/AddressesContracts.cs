using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>ListConfigurationAddress</c> (GET <c>/v1/Configuration/Addresses</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListConfigurationAddressRequest
{
    [FromQuery(Name = "Type"), Description("Filter the address configurations by its type. This value can be one of: `whatsapp`, `sms`.")]
    public string? Type { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 50), Description("How many resources to return in each list page. The default is 50, and the maximum is 50.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>CreateConfigurationAddress</c> (POST <c>/v1/Configuration/Addresses</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateConfigurationAddressRequest
{
    [FromForm(Name = "Type"), Required, AllowedValues("sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat"), Description("Type of Address, value can be `whatsapp` or `sms`.")]
    public string? Type { get; init; }

    [FromForm(Name = "Address"), Required, Description("The unique address to be configured. The address can be a whatsapp address or phone number")]
    public string? Address { get; init; }

    [FromForm(Name = "FriendlyName"), Description("The human-readable name of this configuration, limited to 256 characters. Optional.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "AutoCreation.Enabled"), Description("Enable/Disable auto-creating conversations for messages to this address")]
    public bool? AutoCreationEnabled { get; init; }

    [FromForm(Name = "AutoCreation.Type"), AllowedValues("webhook", "studio", "default")]
    public string? AutoCreationType { get; init; }

    [FromForm(Name = "AutoCreation.ConversationServiceSid"), Description("Conversation Service for the auto-created conversation. If not set, the conversation is created in the default service.")]
    public string? AutoCreationConversationServiceSid { get; init; }

    [FromForm(Name = "AutoCreation.WebhookUrl"), Description("For type `webhook`, the url for the webhook request.")]
    public string? AutoCreationWebhookUrl { get; init; }

    [FromForm(Name = "AutoCreation.WebhookMethod"), AllowedValues("get", "post")]
    public string? AutoCreationWebhookMethod { get; init; }

    [FromForm(Name = "AutoCreation.WebhookFilters"), Description("The list of events, firing webhook event for this Conversation. Values can be any of the following: `onMessageAdded`, `onMessageUpdated`, `onMessageRemoved`, `onConversationUpdated`, `onConversationStateUpdated`, `onConversationRemoved`, `onParticipantAdded`, `onParticipantUpdated`, `onParticipantRemoved`, `onDeliveryUpdated`")]
    public IReadOnlyList<string>? AutoCreationWebhookFilters { get; init; }

    [FromForm(Name = "AutoCreation.StudioFlowSid"), Description("For type `studio`, the studio flow SID where the webhook should be sent to.")]
    public string? AutoCreationStudioFlowSid { get; init; }

    [FromForm(Name = "AutoCreation.StudioRetryCount"), Description("For type `studio`, number of times to retry the webhook request")]
    public int? AutoCreationStudioRetryCount { get; init; }

    [FromForm(Name = "AddressCountry"), Description("An ISO 3166-1 alpha-2n country code which the address belongs to. This is currently only applicable to short code addresses.")]
    public string? AddressCountry { get; init; }
}

/// <summary>What <c>FetchConfigurationAddress</c> (GET <c>/v1/Configuration/Addresses/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchConfigurationAddressRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Address Configuration resource. This value can be either the `sid` or the `address` of the configuration")]
    public string? Sid { get; init; }
}

/// <summary>What <c>UpdateConfigurationAddress</c> (POST <c>/v1/Configuration/Addresses/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateConfigurationAddressRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Address Configuration resource. This value can be either the `sid` or the `address` of the configuration")]
    public string? Sid { get; init; }

    [FromForm(Name = "FriendlyName"), Description("The human-readable name of this configuration, limited to 256 characters. Optional.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "AutoCreation.Enabled"), Description("Enable/Disable auto-creating conversations for messages to this address")]
    public bool? AutoCreationEnabled { get; init; }

    [FromForm(Name = "AutoCreation.Type"), AllowedValues("webhook", "studio", "default")]
    public string? AutoCreationType { get; init; }

    [FromForm(Name = "AutoCreation.ConversationServiceSid"), Description("Conversation Service for the auto-created conversation. If not set, the conversation is created in the default service.")]
    public string? AutoCreationConversationServiceSid { get; init; }

    [FromForm(Name = "AutoCreation.WebhookUrl"), Description("For type `webhook`, the url for the webhook request.")]
    public string? AutoCreationWebhookUrl { get; init; }

    [FromForm(Name = "AutoCreation.WebhookMethod"), AllowedValues("get", "post")]
    public string? AutoCreationWebhookMethod { get; init; }

    [FromForm(Name = "AutoCreation.WebhookFilters"), Description("The list of events, firing webhook event for this Conversation. Values can be any of the following: `onMessageAdded`, `onMessageUpdated`, `onMessageRemoved`, `onConversationUpdated`, `onConversationStateUpdated`, `onConversationRemoved`, `onParticipantAdded`, `onParticipantUpdated`, `onParticipantRemoved`, `onDeliveryUpdated`")]
    public IReadOnlyList<string>? AutoCreationWebhookFilters { get; init; }

    [FromForm(Name = "AutoCreation.StudioFlowSid"), Description("For type `studio`, the studio flow SID where the webhook should be sent to.")]
    public string? AutoCreationStudioFlowSid { get; init; }

    [FromForm(Name = "AutoCreation.StudioRetryCount"), Description("For type `studio`, number of times to retry the webhook request")]
    public int? AutoCreationStudioRetryCount { get; init; }
}

/// <summary>What <c>DeleteConfigurationAddress</c> (DELETE <c>/v1/Configuration/Addresses/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteConfigurationAddressRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Address Configuration resource. This value can be either the `sid` or the `address` of the configuration")]
    public string? Sid { get; init; }
}
