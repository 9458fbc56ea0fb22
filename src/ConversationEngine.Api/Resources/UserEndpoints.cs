using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Events;
using ConversationEngine.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

public sealed record UserResource(
    string Sid,
    string AccountSid,
    string ChatServiceSid,
    string? RoleSid,
    string Identity,
    string? FriendlyName,
    string Attributes,
    bool? IsOnline,
    bool? IsNotifiable,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string Url,
    Dictionary<string, string> Links);

/// <summary>
/// <c>/v1/Users</c>: the users of the default conversation service, by SID or identity. The engine
/// has no presence or push registrations, so <c>is_online</c> and <c>is_notifiable</c> are null,
/// as Twilio answers while reachability is off.
/// </summary>
public static class UserEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 50;

    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/Users").WithTags("Users");
            group.MapPost("/", CreateAsync).WithName(name("CreateUser")).Takes<CreateUserRequest>().Idempotent();
            group.MapGet("/", ListAsync).WithName(name("ListUser")).Takes<ListUserRequest>().Lists<UserResource>("users");
            group.MapGet("/{Sid}", FetchAsync).WithName(name("FetchUser")).Takes<FetchUserRequest>();
            group.MapPost("/{Sid}", UpdateAsync).WithName(name("UpdateUser")).Takes<UpdateUserRequest>();
            group.MapDelete("/{Sid}", DeleteAsync).WithName(name("DeleteUser")).Takes<DeleteUserRequest>();
        }

        return routes;
    }

    public static async Task<Created<UserResource>> CreateAsync(HttpRequest request, ConversationLookup lookup, ServiceScope scope, ResourceLinks links)
    {
        WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var serviceSid = await lookup.ServiceSidAsync();
        var identity = form.Value("Identity");
        if (string.IsNullOrEmpty(identity))
        {
            throw Errors.Missing("Identity");
        }

        var user = await lookup.Grains.GetGrain<IUserIdentityGrain>(UserKeys.Identity(serviceSid, identity)).CreateAsync(identity, new CreateUser
        {
            Sid = IdempotencyReservation.Of(request)?.Sid(Sids.User) ?? Sids.New(Sids.User),
            ChatServiceSid = serviceSid,
            FriendlyName = form.Value("FriendlyName"),
            Attributes = form.Value("Attributes"),
            RoleSid = form.Value("RoleSid"),
        });
        var resource = Resource(user, scope, links);
        return TypedResults.Created(resource.Url, resource);
    }

    public static async Task<Ok<UserResource>> FetchAsync(string sid, ConversationLookup lookup, ServiceScope scope, ResourceLinks links)
    {
        var serviceSid = await lookup.ServiceSidAsync();
        var user = await ExistingAsync(sid, serviceSid, lookup);
        return TypedResults.Ok(Resource(user, scope, links, await IsOnlineAsync(user, lookup)));
    }

    public static async Task<Ok<UserResource>> UpdateAsync(string sid, HttpRequest request, ConversationLookup lookup, ServiceScope scope, ResourceLinks links, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var serviceSid = await lookup.ServiceSidAsync();
        var existing = await ExistingAsync(sid, serviceSid, lookup);
        var update = new UpdateUser
        {
            FriendlyName = form.Value("FriendlyName"),
            Attributes = form.Value("Attributes"),
            RoleSid = form.Value("RoleSid"),
        };

        // onUserUpdate may refuse the update (403 / 20403); Twilio names no user field it may modify.
        await gate.AskAsync(request, hooks, PreActionEvents.UserUpdate, serviceSid, () => PreActionEvents.UserUpdateParameters(existing, update));
        var user = await lookup.Grains.GetGrain<IUserGrain>(existing.Sid).UpdateAsync(update);
        return TypedResults.Ok(Resource(user, scope, links, await IsOnlineAsync(user, lookup)));
    }

    public static async Task<NoContent> DeleteAsync(string sid, HttpRequest request, ConversationLookup lookup)
    {
        WebhookHeader.Apply(request);
        var serviceSid = await lookup.ServiceSidAsync();
        var existing = await ExistingAsync(sid, serviceSid, lookup);

        // The user first: should a later step fail, the identity's claim and the list entry point
        // at no user, which both treat as absent.
        await lookup.Grains.GetGrain<IUserGrain>(existing.Sid).DeleteAsync();
        await lookup.Grains.GetGrain<IUserIdentityGrain>(UserKeys.Identity(serviceSid, existing.Identity)).ReleaseAsync(existing.Sid);
        await lookup.Grains.GetGrain<IUserDirectoryGrain>(serviceSid).RemoveAsync(existing.Sid);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(HttpRequest request, ConversationLookup lookup, ServiceScope scope, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);
        var serviceSid = await lookup.ServiceSidAsync();
        var directory = lookup.Grains.GetGrain<IUserDirectoryGrain>(serviceSid);
        var entries = await directory.RangeAsync(paging.Position ?? 0, paging.PageSize + 1);
        var users = await Task.WhenAll(entries.Take(paging.PageSize).Select(e => lookup.Grains.GetGrain<IUserGrain>(e.UserSid).GetAsync()));
        var next = entries.Count > paging.PageSize ? entries[paging.PageSize].Position : (long?)null;
        var previous = paging.Position is > 0 ? (long?)Math.Max(0, paging.Position.Value - paging.PageSize) : null;

        // A read returns null reachability in Twilio whatever the service's setting.
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["users"] = users.OfType<UserSnapshot>().Where(u => u.ChatServiceSid == serviceSid).Select(u => Resource(u, scope, links)).ToList(),
            ["meta"] = paging.Meta("users", links.V1(scope.PathPrefix + "/Users"), null, next, previous),
        }, TwilioJson.Options);
    }

    /// <summary>The user the path names, by SID or identity; 404 when there is none in the service.</summary>
    private static async Task<UserSnapshot> ExistingAsync(string sidOrIdentity, string serviceSid, ConversationLookup lookup)
    {
        var user = Sids.IsValid(sidOrIdentity, Sids.User)
            ? await lookup.Grains.GetGrain<IUserGrain>(sidOrIdentity).GetAsync()
            : await lookup.Grains.GetGrain<IUserIdentityGrain>(UserKeys.Identity(serviceSid, sidOrIdentity)).GetUserAsync();
        return user is not null && user.ChatServiceSid == serviceSid ? user : throw Errors.Unknown("The resource");
    }

    /// <summary>
    /// Whether the user is connected to a live stream, in a service with ReachabilityEnabled; null
    /// otherwise, and (as Twilio) in lists: only single-resource answers carry it.
    /// </summary>
    private static async Task<bool?> IsOnlineAsync(UserSnapshot user, ConversationLookup lookup) =>
        (await lookup.Grains.GetGrain<Accounts.IChatServiceGrain>(user.ChatServiceSid).GetConfigurationAsync()).ReachabilityEnabled
            ? await lookup.Grains.GetGrain<ConversationEngine.Live.IUserLiveGrain>(Indexes.IndexKeys.ParticipantIdentity(user.ChatServiceSid, user.Identity)).IsOnlineAsync()
            : null;

    private static UserResource Resource(UserSnapshot user, ServiceScope scope, ResourceLinks links, bool? isOnline = null)
    {
        var url = links.V1($"{scope.PathPrefix}/Users/{user.Sid}");
        return new UserResource(
            user.Sid, links.AccountSid, user.ChatServiceSid, user.RoleSid, user.Identity, user.FriendlyName, user.Attributes,
            isOnline, null, user.DateCreated, user.DateUpdated, url,
            new Dictionary<string, string> { ["user_conversations"] = url + "/Conversations" });
    }
}
