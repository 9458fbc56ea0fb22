using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

public sealed record RoleResource(
    string Sid,
    string AccountSid,
    string ChatServiceSid,
    string FriendlyName,
    string Type,
    IReadOnlyList<string> Permissions,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string Url);

/// <summary><c>/v1/Roles</c>: the roles of the default conversation service.</summary>
public static class RoleEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 50;

    public static IEndpointRouteBuilder MapRoleEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/Roles").WithTags("Roles");
            group.MapPost("/", CreateAsync).WithName(name("CreateRole")).Takes<CreateRoleRequest>().Idempotent();
            group.MapGet("/", ListAsync).WithName(name("ListRole")).Takes<ListRoleRequest>().Lists<RoleResource>("roles");
            group.MapGet("/{Sid}", FetchAsync).WithName(name("FetchRole")).Takes<FetchRoleRequest>();
            group.MapPost("/{Sid}", UpdateAsync).WithName(name("UpdateRole")).Takes<UpdateRoleRequest>();
            group.MapDelete("/{Sid}", DeleteAsync).WithName(name("DeleteRole")).Takes<DeleteRoleRequest>();
        }

        return routes;
    }

    public static async Task<Created<RoleResource>> CreateAsync(HttpRequest request, ConversationLookup lookup, ServiceScope scope, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var roles = await RolesAsync(lookup);
        var role = await roles.CreateAsync(new CreateRole
        {
            Sid = IdempotencyReservation.Of(request)?.Sid(Sids.Role) ?? Sids.New(Sids.Role),
            FriendlyName = form.Value("FriendlyName"),
            Type = form.Value("Type"),
            Permissions = form.Values("Permission"),
        });
        var resource = Resource(role, scope, links);
        return TypedResults.Created(resource.Url, resource);
    }

    public static async Task<Ok<RoleResource>> FetchAsync(string sid, ConversationLookup lookup, ServiceScope scope, ResourceLinks links)
    {
        var roles = await RolesAsync(lookup);
        var role = await roles.GetAsync(sid) ?? throw Errors.Unknown("The resource");
        return TypedResults.Ok(Resource(role, scope, links));
    }

    public static async Task<Ok<RoleResource>> UpdateAsync(string sid, HttpRequest request, ConversationLookup lookup, ServiceScope scope, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var roles = await RolesAsync(lookup);
        var role = await roles.UpdateAsync(sid, form.Values("Permission"));
        return TypedResults.Ok(Resource(role, scope, links));
    }

    public static async Task<NoContent> DeleteAsync(string sid, ConversationLookup lookup)
    {
        var roles = await RolesAsync(lookup);
        await roles.DeleteAsync(sid);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(HttpRequest request, ConversationLookup lookup, ServiceScope scope, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);
        var roles = await RolesAsync(lookup);
        var page = await roles.ListAsync(paging.Position ?? 0, paging.PageSize);
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["roles"] = page.Items.Select(r => Resource(r, scope, links)).ToList(),
            ["meta"] = paging.Meta("roles", links.V1(scope.PathPrefix + "/Roles"), null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    /// <summary>The roles of the request's service (resolved once per request by <see cref="ConversationLookup"/>).</summary>
    private static async Task<IServiceRolesGrain> RolesAsync(ConversationLookup lookup) =>
        lookup.Grains.GetGrain<IServiceRolesGrain>(await lookup.ServiceSidAsync());

    private static RoleResource Resource(RoleSnapshot role, ServiceScope scope, ResourceLinks links) => new(
        role.Sid, links.AccountSid, role.ChatServiceSid, role.FriendlyName, role.Type, role.Permissions,
        role.DateCreated, role.DateUpdated, links.V1($"{scope.PathPrefix}/Roles/{role.Sid}"));
}
