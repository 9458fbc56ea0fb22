using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>MessagingListChannelSender</c> (GET <c>/messaging/v1/Services/{MessagingServiceSid}/ChannelSenders</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingListChannelSenderRequest
{
    [FromRoute(Name = "MessagingServiceSid"), Required, Description("The SID of the [Service](https://www.twilio.com/docs/chat/rest/service-resource) to read the resources from.")]
    public string? MessagingServiceSid { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 1000), Description("How many resources to return in each list page. The default is 50, and the maximum is 1000.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>MessagingFetchChannelSender</c> (GET <c>/messaging/v1/Services/{MessagingServiceSid}/ChannelSenders/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record MessagingFetchChannelSenderRequest
{
    [FromRoute(Name = "MessagingServiceSid"), Required, Description("The SID of the [Service](https://www.twilio.com/docs/chat/rest/service-resource) to fetch the resource from.")]
    public string? MessagingServiceSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The SID of the ChannelSender resource to fetch.")]
    public string? Sid { get; init; }
}
