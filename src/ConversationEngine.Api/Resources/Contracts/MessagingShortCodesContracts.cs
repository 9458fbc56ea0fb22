using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>MessagingCreateShortCode</c> (POST <c>/messaging/v1/Services/{ServiceSid}/ShortCodes</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingCreateShortCodeRequest
{
    [FromRoute(Name = "ServiceSid"), Required, Description("The SID of the [Service](https://www.twilio.com/docs/chat/rest/service-resource) to create the resource under.")]
    public string? ServiceSid { get; init; }

    [FromForm(Name = "ShortCodeSid"), Required, Description("The SID of the ShortCode resource being added to the Service.")]
    public string? ShortCodeSid { get; init; }
}

/// <summary>What <c>MessagingListShortCode</c> (GET <c>/messaging/v1/Services/{ServiceSid}/ShortCodes</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingListShortCodeRequest
{
    [FromRoute(Name = "ServiceSid"), Required, Description("The SID of the [Service](https://www.twilio.com/docs/chat/rest/service-resource) to read the resources from.")]
    public string? ServiceSid { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 1000), Description("How many resources to return in each list page. The default is 50, and the maximum is 1000.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>MessagingDeleteShortCode</c> (DELETE <c>/messaging/v1/Services/{ServiceSid}/ShortCodes/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingDeleteShortCodeRequest
{
    [FromRoute(Name = "ServiceSid"), Required, Description("The SID of the [Service](https://www.twilio.com/docs/chat/rest/service-resource) to delete the resource from.")]
    public string? ServiceSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The SID of the ShortCode resource to delete.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>MessagingFetchShortCode</c> (GET <c>/messaging/v1/Services/{ServiceSid}/ShortCodes/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingFetchShortCodeRequest
{
    [FromRoute(Name = "ServiceSid"), Required, Description("The SID of the [Service](https://www.twilio.com/docs/chat/rest/service-resource) to fetch the resource from.")]
    public string? ServiceSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The SID of the ShortCode resource to fetch.")]
    public string? Sid { get; init; }
}
