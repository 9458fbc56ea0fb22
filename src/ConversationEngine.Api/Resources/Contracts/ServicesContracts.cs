using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>CreateService</c> (POST <c>/v1/Services</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateServiceRequest
{
    [FromForm(Name = "FriendlyName"), Required, Description("The human-readable name of this service, limited to 256 characters. Optional.")]
    public string? FriendlyName { get; init; }
}

/// <summary>What <c>ListService</c> (GET <c>/v1/Services</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListServiceRequest
{
    [FromQuery(Name = "PageSize"), Range(1, 100), Description("How many resources to return in each list page. The default is 50, and the maximum is 100.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>DeleteService</c> (DELETE <c>/v1/Services/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteServiceRequest
{
    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>FetchService</c> (GET <c>/v1/Services/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchServiceRequest
{
    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }
}
