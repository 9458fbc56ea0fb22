using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>MessagingCreateService</c> (POST <c>/messaging/v1/Services</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingCreateServiceRequest
{
    [FromForm(Name = "FriendlyName"), Required, Description("A descriptive string that you create to describe the resource. It can be up to 64 characters long.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "InboundRequestUrl"), Description("The URL we call using `inbound_method` when a message is received by any phone number or short code in the Service. When this property is `null`, receiving inbound messages is disabled. All messages sent to the Twilio phone number or short code will not be logged and received on the Account. If the `use_inbound_webhook_on_number` field is enabled then the webhook url defined on the phone number will override the `inbound_request_url` defined for the Messaging Service.")]
    public string? InboundRequestUrl { get; init; }

    [FromForm(Name = "InboundMethod"), AllowedValues("GET", "POST"), Description("The HTTP method we should use to call `inbound_request_url`. Can be `GET` or `POST` and the default is `POST`.")]
    public string? InboundMethod { get; init; }

    [FromForm(Name = "FallbackUrl"), Description("The URL that we call using `fallback_method` if an error occurs while retrieving or executing the TwiML from the Inbound Request URL. If the `use_inbound_webhook_on_number` field is enabled then the webhook url defined on the phone number will override the `fallback_url` defined for the Messaging Service.")]
    public string? FallbackUrl { get; init; }

    [FromForm(Name = "FallbackMethod"), AllowedValues("GET", "POST"), Description("The HTTP method we should use to call `fallback_url`. Can be: `GET` or `POST`.")]
    public string? FallbackMethod { get; init; }

    [FromForm(Name = "StatusCallback"), Description("The URL we should call to [pass status updates](https://www.twilio.com/docs/sms/api/message-resource#message-status-values) about message delivery.")]
    public string? StatusCallback { get; init; }

    [FromForm(Name = "StickySender"), Description("Whether to enable [Sticky Sender](https://www.twilio.com/docs/messaging/services#sticky-sender) on the Service instance.")]
    public bool? StickySender { get; init; }

    [FromForm(Name = "MmsConverter"), Description("Whether to enable the [MMS Converter](https://www.twilio.com/docs/messaging/services#mms-converter) for messages sent through the Service instance.")]
    public bool? MmsConverter { get; init; }

    [FromForm(Name = "SmartEncoding"), Description("Whether to enable [Smart Encoding](https://www.twilio.com/docs/messaging/services#smart-encoding) for messages sent through the Service instance.")]
    public bool? SmartEncoding { get; init; }

    [FromForm(Name = "ScanMessageContent"), AllowedValues("inherit", "enable", "disable"), Description("Reserved.")]
    public string? ScanMessageContent { get; init; }

    [FromForm(Name = "FallbackToLongCode"), Description("[OBSOLETE] Former feature used to fallback to long code sender after certain short code message failures.")]
    public bool? FallbackToLongCode { get; init; }

    [FromForm(Name = "AreaCodeGeomatch"), Description("Whether to enable [Area Code Geomatch](https://www.twilio.com/docs/messaging/services#area-code-geomatch) on the Service Instance.")]
    public bool? AreaCodeGeomatch { get; init; }

    [FromForm(Name = "ValidityPeriod"), Description("How long, in seconds, messages sent from the Service are valid. Can be an integer from `1` to `36,000`. Default value is `36,000`.")]
    public int? ValidityPeriod { get; init; }

    [FromForm(Name = "SynchronousValidation"), Description("Reserved.")]
    public bool? SynchronousValidation { get; init; }

    [FromForm(Name = "Usecase"), Description("A string that describes the scenario in which the Messaging Service will be used. Possible values are `notifications`, `marketing`, `verification`, `discussion`, `poll`, `undeclared`.")]
    public string? Usecase { get; init; }

    [FromForm(Name = "UseInboundWebhookOnNumber"), Description("A boolean value that indicates either the webhook url configured on the phone number will be used or `inbound_request_url`/`fallback_url` url will be called when a message is received from the phone number. If this field is enabled then the webhook url defined on the phone number will override the `inbound_request_url`/`fallback_url` defined for the Messaging Service.")]
    public bool? UseInboundWebhookOnNumber { get; init; }
}

/// <summary>What <c>MessagingListService</c> (GET <c>/messaging/v1/Services</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingListServiceRequest
{
    [FromQuery(Name = "PageSize"), Range(1, 1000), Description("How many resources to return in each list page. The default is 50, and the maximum is 1000.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>MessagingUpdateService</c> (POST <c>/messaging/v1/Services/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingUpdateServiceRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Service resource to update.")]
    public string? Sid { get; init; }

    [FromForm(Name = "FriendlyName"), Description("A descriptive string that you create to describe the resource. It can be up to 64 characters long.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "InboundRequestUrl"), Description("The URL we call using `inbound_method` when a message is received by any phone number or short code in the Service. When this property is `null`, receiving inbound messages is disabled. All messages sent to the Twilio phone number or short code will not be logged and received on the Account. If the `use_inbound_webhook_on_number` field is enabled then the webhook url defined on the phone number will override the `inbound_request_url` defined for the Messaging Service.")]
    public string? InboundRequestUrl { get; init; }

    [FromForm(Name = "InboundMethod"), AllowedValues("GET", "POST"), Description("The HTTP method we should use to call `inbound_request_url`. Can be `GET` or `POST` and the default is `POST`.")]
    public string? InboundMethod { get; init; }

    [FromForm(Name = "FallbackUrl"), Description("The URL that we call using `fallback_method` if an error occurs while retrieving or executing the TwiML from the Inbound Request URL. If the `use_inbound_webhook_on_number` field is enabled then the webhook url defined on the phone number will override the `fallback_url` defined for the Messaging Service.")]
    public string? FallbackUrl { get; init; }

    [FromForm(Name = "FallbackMethod"), AllowedValues("GET", "POST"), Description("The HTTP method we should use to call `fallback_url`. Can be: `GET` or `POST`.")]
    public string? FallbackMethod { get; init; }

    [FromForm(Name = "StatusCallback"), Description("The URL we should call to [pass status updates](https://www.twilio.com/docs/sms/api/message-resource#message-status-values) about message delivery.")]
    public string? StatusCallback { get; init; }

    [FromForm(Name = "StickySender"), Description("Whether to enable [Sticky Sender](https://www.twilio.com/docs/messaging/services#sticky-sender) on the Service instance.")]
    public bool? StickySender { get; init; }

    [FromForm(Name = "MmsConverter"), Description("Whether to enable the [MMS Converter](https://www.twilio.com/docs/messaging/services#mms-converter) for messages sent through the Service instance.")]
    public bool? MmsConverter { get; init; }

    [FromForm(Name = "SmartEncoding"), Description("Whether to enable [Smart Encoding](https://www.twilio.com/docs/messaging/services#smart-encoding) for messages sent through the Service instance.")]
    public bool? SmartEncoding { get; init; }

    [FromForm(Name = "ScanMessageContent"), AllowedValues("inherit", "enable", "disable"), Description("Reserved.")]
    public string? ScanMessageContent { get; init; }

    [FromForm(Name = "FallbackToLongCode"), Description("[OBSOLETE] Former feature used to fallback to long code sender after certain short code message failures.")]
    public bool? FallbackToLongCode { get; init; }

    [FromForm(Name = "AreaCodeGeomatch"), Description("Whether to enable [Area Code Geomatch](https://www.twilio.com/docs/messaging/services#area-code-geomatch) on the Service Instance.")]
    public bool? AreaCodeGeomatch { get; init; }

    [FromForm(Name = "ValidityPeriod"), Description("How long, in seconds, messages sent from the Service are valid. Can be an integer from `1` to `36,000`. Default value is `36,000`.")]
    public int? ValidityPeriod { get; init; }

    [FromForm(Name = "SynchronousValidation"), Description("Reserved.")]
    public bool? SynchronousValidation { get; init; }

    [FromForm(Name = "Usecase"), Description("A string that describes the scenario in which the Messaging Service will be used. Possible values are `notifications`, `marketing`, `verification`, `discussion`, `poll`, `undeclared`.")]
    public string? Usecase { get; init; }

    [FromForm(Name = "UseInboundWebhookOnNumber"), Description("A boolean value that indicates either the webhook url configured on the phone number will be used or `inbound_request_url`/`fallback_url` url will be called when a message is received from the phone number. If this field is enabled then the webhook url defined on the phone number will override the `inbound_request_url`/`fallback_url` defined for the Messaging Service.")]
    public bool? UseInboundWebhookOnNumber { get; init; }
}

/// <summary>What <c>MessagingFetchService</c> (GET <c>/messaging/v1/Services/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingFetchServiceRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Service resource to fetch.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>MessagingDeleteService</c> (DELETE <c>/messaging/v1/Services/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingDeleteServiceRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Service resource to delete.")]
    public string? Sid { get; init; }
}
