using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>CreateUser</c> (POST <c>/v1/Services/{ChatServiceSid}/Users</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateUserRequest
{
    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "Identity"), Required, Description("The application-defined string that uniquely identifies the resource's User within the [Conversation Service](https://www.twilio.com/docs/conversations/api/service-resource). This value is often a username or an email address, and is case-sensitive.")]
    public string? Identity { get; init; }

    [FromForm(Name = "FriendlyName"), Description("The string that you assigned to describe the resource.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "Attributes"), Description("The JSON Object string that stores application-specific data. If attributes have not been set, `{}` is returned.")]
    public string? Attributes { get; init; }

    [FromForm(Name = "RoleSid"), Description("The SID of a service-level [Role](https://www.twilio.com/docs/conversations/api/role-resource) to assign to the user.")]
    public string? RoleSid { get; init; }
}

/// <summary>What <c>ListUser</c> (GET <c>/v1/Services/{ChatServiceSid}/Users</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListUserRequest
{
    [FromQuery(Name = "PageSize"), Range(1, 50), Description("How many resources to return in each list page. The default is 50, and the maximum is 50.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>UpdateUser</c> (POST <c>/v1/Services/{ChatServiceSid}/Users/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateUserRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the User resource to update. This value can be either the `sid` or the `identity` of the User resource to update.")]
    public string? Sid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "FriendlyName"), Description("The string that you assigned to describe the resource.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "Attributes"), Description("The JSON Object string that stores application-specific data. If attributes have not been set, `{}` is returned.")]
    public string? Attributes { get; init; }

    [FromForm(Name = "RoleSid"), Description("The SID of a service-level [Role](https://www.twilio.com/docs/conversations/api/role-resource) to assign to the user.")]
    public string? RoleSid { get; init; }
}

/// <summary>What <c>DeleteUser</c> (DELETE <c>/v1/Services/{ChatServiceSid}/Users/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteUserRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the User resource to delete. This value can be either the `sid` or the `identity` of the User resource to delete.")]
    public string? Sid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }
}

/// <summary>What <c>FetchUser</c> (GET <c>/v1/Services/{ChatServiceSid}/Users/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchUserRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the User resource to fetch. This value can be either the `sid` or the `identity` of the User resource to fetch.")]
    public string? Sid { get; init; }
}
