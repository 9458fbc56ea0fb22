using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>DeleteServiceBinding</c> (DELETE <c>/v1/Services/{ChatServiceSid}/Bindings/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteServiceBindingRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Binding resource to delete.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>FetchServiceBinding</c> (GET <c>/v1/Services/{ChatServiceSid}/Bindings/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchServiceBindingRequest
{
    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>ListServiceBinding</c> (GET <c>/v1/Services/{ChatServiceSid}/Bindings</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListServiceBindingRequest
{
    [FromQuery(Name = "BindingType"), AllowedValues("apn", "gcm", "fcm", "twilsock"), Description("The push technology used by the Binding resources to read. Can be: `apn`, `gcm`, `fcm`, or `twilsock`. See [push notification configuration](https://www.twilio.com/docs/chat/push-notification-configuration) for more info.")]
    public IReadOnlyList<string>? BindingType { get; init; }

    [FromQuery(Name = "Identity"), Description("The identity of a [Conversation User](https://www.twilio.com/docs/conversations/api/user-resource) this binding belongs to. See [access tokens](https://www.twilio.com/docs/conversations/create-tokens) for more details.")]
    public IReadOnlyList<string>? Identity { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 100), Description("How many resources to return in each list page. The default is 50, and the maximum is 100.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}
