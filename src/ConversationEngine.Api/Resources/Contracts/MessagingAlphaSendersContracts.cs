using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>MessagingCreateAlphaSender</c> (POST <c>/messaging/v1/Services/{ServiceSid}/AlphaSenders</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingCreateAlphaSenderRequest
{
    [FromRoute(Name = "ServiceSid"), Required, Description("The SID of the [Service](https://www.twilio.com/docs/chat/rest/service-resource) to create the resource under.")]
    public string? ServiceSid { get; init; }

    [FromForm(Name = "AlphaSender"), Required, Description("The Alphanumeric Sender ID string. Can be up to 11 characters long. Valid characters are A-Z, a-z, 0-9, space, hyphen `-`, plus `+`, underscore `_` and ampersand `&`. This value cannot contain only numbers.")]
    public string? AlphaSender { get; init; }
}

/// <summary>What <c>MessagingListAlphaSender</c> (GET <c>/messaging/v1/Services/{ServiceSid}/AlphaSenders</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingListAlphaSenderRequest
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

/// <summary>What <c>MessagingFetchAlphaSender</c> (GET <c>/messaging/v1/Services/{ServiceSid}/AlphaSenders/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingFetchAlphaSenderRequest
{
    [FromRoute(Name = "ServiceSid"), Required, Description("The SID of the [Service](https://www.twilio.com/docs/chat/rest/service-resource) to fetch the resource from.")]
    public string? ServiceSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The SID of the AlphaSender resource to fetch.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>MessagingDeleteAlphaSender</c> (DELETE <c>/messaging/v1/Services/{ServiceSid}/AlphaSenders/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingDeleteAlphaSenderRequest
{
    [FromRoute(Name = "ServiceSid"), Required, Description("The SID of the [Service](https://www.twilio.com/docs/chat/rest/service-resource) to delete the resource from.")]
    public string? ServiceSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The SID of the AlphaSender resource to delete.")]
    public string? Sid { get; init; }
}
