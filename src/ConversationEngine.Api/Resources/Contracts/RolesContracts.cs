using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>CreateRole</c> (POST <c>/v1/Roles</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateRoleRequest
{
    [FromForm(Name = "FriendlyName"), Required, Description("A descriptive string that you create to describe the new resource. It can be up to 64 characters long.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "Type"), Required, AllowedValues("conversation", "service"), Description("The type of role. Can be: `conversation` for [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) roles or `service` for [Conversation Service](https://www.twilio.com/docs/conversations/api/service-resource) roles.")]
    public string? Type { get; init; }

    [FromForm(Name = "Permission"), Required, Description("A permission that you grant to the new role. Only one permission can be granted per parameter. To assign more than one permission, repeat this parameter for each permission value. The values for this parameter depend on the role's `type`.")]
    public IReadOnlyList<string>? Permission { get; init; }
}

/// <summary>What <c>ListRole</c> (GET <c>/v1/Roles</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListRoleRequest
{
    [FromQuery(Name = "PageSize"), Range(1, 50), Description("How many resources to return in each list page. The default is 50, and the maximum is 50.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>UpdateRole</c> (POST <c>/v1/Roles/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateRoleRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Role resource to update.")]
    public string? Sid { get; init; }

    [FromForm(Name = "Permission"), Required, Description("A permission that you grant to the role. Only one permission can be granted per parameter. To assign more than one permission, repeat this parameter for each permission value. Note that the update action replaces all previously assigned permissions with those defined in the update action. To remove a permission, do not include it in the subsequent update action. The values for this parameter depend on the role's `type`.")]
    public IReadOnlyList<string>? Permission { get; init; }
}

/// <summary>What <c>DeleteRole</c> (DELETE <c>/v1/Roles/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteRoleRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Role resource to delete.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>FetchRole</c> (GET <c>/v1/Roles/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchRoleRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The SID of the Role resource to fetch.")]
    public string? Sid { get; init; }
}
