using System.Text.RegularExpressions;
using ConversationEngine.Api.Http;
using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using ConversationEngine.Users;
using Microsoft.Extensions.Primitives;

namespace ConversationEngine.Api.Resources;

/// <summary>A caller acting as a user: the identity and service of its Access Token's chat grant.</summary>
public sealed record UserCaller(string Identity, string ChatServiceSid)
{
    /// <summary>The user the request acts as, or null for account credentials (which may do everything).</summary>
    public static UserCaller? Of(HttpContext context) =>
        context.User.FindFirst(AccessTokenAuthentication.IdentityClaim)?.Value is { } identity
        && context.User.FindFirst(AccessTokenAuthentication.ChatServiceSidClaim)?.Value is { } service
            ? new UserCaller(identity, service)
            : null;
}

/// <summary>
/// What a user (an Access Token caller) may do, operation by operation, with the permission names of
/// Twilio's roles. A user acts only in its token's service and only in conversations it takes part in
/// (joining is the exception); a permission is held when the participant's conversation role or the
/// user's service role grants it. Operations not listed here (services, roles and users management,
/// configuration, webhooks, credentials, the engine's own paths) need the account's credentials.
/// Refusals are 403 with 50107 (a command) or 50531 (reading a conversation the user is not in).
/// </summary>
public sealed partial class UserAccessFilter(IGrainFactory grains, ConversationLookup lookup) : IEndpointFilter
{
    private static readonly Dictionary<string, Func<UserAccessCheck, Task>> Rules = new(StringComparer.Ordinal)
    {
        ["CreateConversation"] = c => c.ServicePermissionAsync("createConversation"),
        ["FetchConversation"] = c => c.MemberAsync(),
        ["UpdateConversation"] = c => c.UpdateConversationAsync(),
        ["DeleteConversation"] = c => c.ConversationPermissionAsync("deleteConversation"),
        ["CreateConversationParticipant"] = c => c.AddParticipantAsync(),
        ["ListConversationParticipant"] = c => c.MemberAsync(),
        ["FetchConversationParticipant"] = c => c.MemberAsync(),
        ["UpdateConversationParticipant"] = c => c.UpdateParticipantAsync(),
        ["DeleteConversationParticipant"] = c => c.RemoveParticipantAsync(),
        ["CreateConversationMessage"] = c => c.SendMessageAsync(),
        ["ListConversationMessage"] = c => c.MemberAsync(),
        ["FetchConversationMessage"] = c => c.MemberAsync(),
        ["UpdateConversationMessage"] = c => c.EditMessageAsync(),
        ["DeleteConversationMessage"] = c => c.RemoveMessageAsync(),
        ["ListConversationMessageReceipt"] = c => c.MemberAsync(),
        ["FetchConversationMessageReceipt"] = c => c.MemberAsync(),
        ["FetchUser"] = _ => Task.CompletedTask,
        ["UpdateUser"] = c => c.UpdateUserAsync(),
        ["ListUserConversation"] = c => c.OwnUserAsync(),
        ["FetchUserConversation"] = c => c.OwnUserAsync(),
        ["UpdateUserConversation"] = c => c.UpdateUserConversationAsync(),
        ["DeleteUserConversation"] = c => c.LeaveUserConversationAsync(),
        ["ListParticipantConversation"] = c => c.OwnParticipantConversationsAsync(),
        ["FetchRole"] = _ => Task.CompletedTask,
        ["ListRole"] = _ => Task.CompletedTask,
        ["CreateConversationTransfer"] = c => c.TransferAsync(),
        ["CreateConversationReopen"] = c => c.ReopenAsync(),
        ["FetchConversationParticipantConsent"] = c => c.MemberAsync(),
    };

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (UserCaller.Of(context.HttpContext) is not { } caller)
        {
            return await next(context);
        }

        var name = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (name is null || !Rules.TryGetValue(Operation(name), out var rule))
        {
            throw Errors.AccountOnly($"this operation ({name})");
        }

        var request = context.HttpContext.Request;
        var named = request.RouteValues.TryGetValue(ServiceScope.RouteValue, out var value) ? value as string : null;
        if (!string.Equals(named ?? await lookup.DefaultServiceSidAsync(), caller.ChatServiceSid, StringComparison.Ordinal))
        {
            throw Errors.AccountOnly($"acting outside the token's Conversation Service {caller.ChatServiceSid}");
        }

        var check = new UserAccessCheck(caller, request, grains, await Form.ReadAsync(request));
        await check.UserAsync();
        await rule(check);
        return await next(context);
    }

    /// <summary>The short form's operationId for a twin under a service (<c>CreateServiceConversation</c> → <c>CreateConversation</c>).</summary>
    private static string Operation(string name) => ServiceTwin().Replace(name, "$1", 1);

    [GeneratedRegex("^(Create|List|Fetch|Update|Delete)Service(?=[A-Z])")]
    private static partial Regex ServiceTwin();
}

/// <summary>One user request's check: the caller, its request, and what the check has read so far.</summary>
internal sealed class UserAccessCheck(UserCaller caller, HttpRequest request, IGrainFactory grains, Form form)
{
    private IConversationGrain? conversation;
    private ParticipantSnapshot? self;
    private HashSet<string>? servicePermissions;
    private UserSnapshot? user;

    private string Route(string name) => request.RouteValues.TryGetValue(name, out var value) && value is string text ? text : "";

    public async Task ServicePermissionAsync(string permission)
    {
        if (!(await ServicePermissionsAsync()).Contains(permission))
        {
            throw Errors.NotPermitted(permission);
        }
    }

    /// <summary>The conversation the path names, with the caller as a participant; 403 (50531) when not in it.</summary>
    public async Task MemberAsync()
    {
        var grain = await ConversationAsync();
        self = await grain.GetParticipantAsync(caller.Identity)
            ?? throw new EngineException(ErrorKind.Forbidden, Errors.UserCannotRead, "User is not authorized to access the requested resource: not a participant of this conversation");
    }

    public async Task ConversationPermissionAsync(params string[] permissions)
    {
        if (self is null)
        {
            await MemberAsync();
        }

        var held = await ServicePermissionsAsync();
        var role = self!.RoleSid is { } roleSid ? await grains.GetGrain<IServiceRolesGrain>(caller.ChatServiceSid).GetAsync(roleSid) : null;
        role ??= await grains.GetGrain<IServiceRolesGrain>(caller.ChatServiceSid).GetAsync((await DefaultsAsync()).ConversationUser);
        foreach (var permission in permissions)
        {
            if (!held.Contains(permission) && role?.Permissions.Contains(permission, StringComparer.Ordinal) != true)
            {
                throw Errors.NotPermitted(permission);
            }
        }
    }

    public async Task UpdateConversationAsync()
    {
        Refuse("MessagingServiceSid", "Bindings.Email.Address", "Bindings.Email.Name");
        var needed = new List<string>();
        Need(needed, "editConversationName", "FriendlyName", "UniqueName");
        Need(needed, "editConversationAttributes", "Attributes");
        Need(needed, "deleteConversation", "State", "Timers.Inactive", "Timers.Closed");
        await ConversationPermissionAsync([.. needed]);
    }

    public async Task AddParticipantAsync()
    {
        Refuse("RoleSid", "DateCreated", "DateUpdated");
        var identity = form.Value("Identity");
        if (string.Equals(identity, caller.Identity, StringComparison.Ordinal))
        {
            await ConversationAsync();
            await ServicePermissionAsync("joinConversation");
            return;
        }

        await ConversationPermissionAsync(identity is null ? "addNonChatParticipant" : "addParticipant");
    }

    public async Task UpdateParticipantAsync()
    {
        Refuse("RoleSid", "Identity", "MessagingBinding.ProxyAddress", "MessagingBinding.ProjectedAddress", "DateCreated", "DateUpdated");
        await MemberAsync();
        var target = await TargetParticipantAsync();
        var own = target.Sid == self!.Sid;
        if (!own && (form.Has("LastReadMessageIndex") || form.Has("LastReadTimestamp")))
        {
            throw Errors.AccountOnly("moving another participant's read horizon");
        }

        var needed = new List<string>();
        Need(needed, own ? "editOwnParticipantAttributes" : "editAnyParticipantAttributes", "Attributes");
        await ConversationPermissionAsync([.. needed]);
    }

    public async Task RemoveParticipantAsync()
    {
        await MemberAsync();
        var target = await TargetParticipantAsync();
        await ConversationPermissionAsync(target.Sid == self!.Sid ? "leaveConversation" : "removeParticipant");
    }

    /// <summary>
    /// A transfer (an engine extension) adds the receiver and removes the giver: a member with
    /// <c>addParticipant</c> and, handing over itself, <c>leaveConversation</c>, else <c>removeParticipant</c>.
    /// </summary>
    public async Task TransferAsync()
    {
        Refuse("RoleSid");
        var leaving = string.Equals(form.Value("From"), caller.Identity, StringComparison.Ordinal);
        await ConversationPermissionAsync("addParticipant", leaving ? "leaveConversation" : "removeParticipant");
    }

    /// <summary>
    /// Reopening a closed conversation as a new one (an engine extension): the user was a participant
    /// of it (a closed conversation keeps its participants) and may create conversations.
    /// </summary>
    public async Task ReopenAsync()
    {
        await MemberAsync();
        await ServicePermissionAsync("createConversation");
    }

    /// <summary>
    /// Sending: the user is the author (an <c>Author</c> naming anyone else is refused, none is filled
    /// in with the identity); history import fields are the account's.
    /// </summary>
    public async Task SendMessageAsync()
    {
        Refuse("DateCreated", "DateUpdated");
        if (form.Value("Author") is { } author && !string.Equals(author, caller.Identity, StringComparison.Ordinal))
        {
            throw Errors.AccountOnly("sending as another author");
        }

        await ConversationPermissionAsync(form.Values("MediaSid").Count > 0 ? ["sendMessage", "sendMediaMessage"] : ["sendMessage"]);

        // A user sends only what it uploaded: another user's unsent item is not its to send (and
        // once attached, its uploader could no longer delete it). The same 50510 as an unknown SID.
        foreach (var sid in form.Values("MediaSid").Where(s => Sids.IsValid(s, Sids.Media)))
        {
            if (await grains.GetGrain<Media.IMediaGrain>(sid).GetAsync() is { } media && media.Author != caller.Identity)
            {
                throw Errors.Invalid(Errors.InvalidMediaSid, $"Media {sid} was not uploaded by {caller.Identity}");
            }
        }

        if (!form.Has("Author"))
        {
            var values = request.Form.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            values["Author"] = new StringValues(caller.Identity);
            request.Form = new FormCollection(values);
        }
    }

    public async Task EditMessageAsync()
    {
        Refuse("Author", "DateCreated", "DateUpdated");
        var own = await OwnMessageAsync();
        var needed = new List<string>();
        Need(needed, own ? "editOwnMessage" : "editAnyMessage", "Body", "Subject");
        Need(needed, own ? "editOwnMessageAttributes" : "editAnyMessageAttributes", "Attributes");
        await ConversationPermissionAsync([.. needed]);
    }

    public async Task RemoveMessageAsync() =>
        await ConversationPermissionAsync(await OwnMessageAsync() ? "deleteOwnMessage" : "deleteAnyMessage");

    public async Task UpdateUserAsync()
    {
        Refuse("RoleSid");
        var own = await IsOwnUserAsync(Route("Sid"));
        var needed = new List<string>();
        Need(needed, own ? "editOwnUserInfo" : "editAnyUserInfo", "FriendlyName", "Attributes");
        foreach (var permission in needed)
        {
            await ServicePermissionAsync(permission);
        }
    }

    public async Task OwnUserAsync()
    {
        if (!await IsOwnUserAsync(Route("UserSid")))
        {
            throw new EngineException(ErrorKind.Forbidden, Errors.UserCannotRead, "User is not authorized to access the requested resource: another user's conversations");
        }
    }

    public async Task UpdateUserConversationAsync()
    {
        await OwnUserAsync();
        if (form.Has("NotificationLevel"))
        {
            await ConversationPermissionAsync("editNotificationLevel");
        }
        else
        {
            await MemberAsync();
        }
    }

    public async Task LeaveUserConversationAsync()
    {
        await OwnUserAsync();
        await ConversationPermissionAsync("leaveConversation");
    }

    public Task OwnParticipantConversationsAsync()
    {
        var identity = Form.QueryValues(request, "Identity").ToString();
        return Form.QueryValues(request, "Address").Count > 0 || !string.Equals(identity, caller.Identity, StringComparison.Ordinal)
            ? throw Errors.AccountOnly("listing another participant's conversations")
            : Task.CompletedTask;
    }

    private async Task<bool> IsOwnUserAsync(string sidOrIdentity)
    {
        if (string.Equals(sidOrIdentity, caller.Identity, StringComparison.Ordinal))
        {
            return true;
        }

        return Sids.IsValid(sidOrIdentity, Sids.User)
            && (await UserAsync()).Sid == sidOrIdentity;
    }

    private async Task<bool> OwnMessageAsync()
    {
        await MemberAsync();
        var message = await conversation!.GetMessageAsync(Route("Sid")) ?? throw Errors.Unknown("The resource");
        return string.Equals(message.Author, caller.Identity, StringComparison.Ordinal);
    }

    private async Task<ParticipantSnapshot> TargetParticipantAsync() =>
        await conversation!.GetParticipantAsync(Route("Sid")) ?? throw Errors.Unknown("The resource");

    /// <summary>The conversation the path names in the caller's service (by SID or UniqueName); 404 when there is none there.</summary>
    private async Task<IConversationGrain> ConversationAsync()
    {
        if (conversation is not null)
        {
            return conversation;
        }

        // A conversation's own paths name it {Sid}; the paths below it, {ConversationSid}.
        var sidOrUniqueName = request.RouteValues.ContainsKey("ConversationSid") ? Route("ConversationSid") : Route("Sid");
        if (Sids.IsValid(sidOrUniqueName, Sids.Conversation))
        {
            var grain = grains.GetGrain<IConversationGrain>(sidOrUniqueName);
            return conversation = (await grain.GetAsync())?.ChatServiceSid == caller.ChatServiceSid ? grain : throw Errors.Unknown("The resource");
        }

        var holder = await grains.GetGrain<IUniqueNameIndexGrain>(IndexKeys.UniqueName(caller.ChatServiceSid, sidOrUniqueName)).GetHolderAsync();
        return conversation = holder is not null ? grains.GetGrain<IConversationGrain>(holder) : throw Errors.Unknown("The resource");
    }

    /// <summary>The caller's user, made with the service's defaults on first use (as Twilio does when a token first connects).</summary>
    public async Task<UserSnapshot> UserAsync() =>
        user ??= await grains.GetGrain<IUserIdentityGrain>(UserKeys.Identity(caller.ChatServiceSid, caller.Identity)).EnsureAsync(caller.Identity, caller.ChatServiceSid);

    private Task<DefaultRoles> DefaultsAsync() => grains.GetGrain<IServiceRolesGrain>(caller.ChatServiceSid).GetDefaultsAsync();

    private async Task<HashSet<string>> ServicePermissionsAsync()
    {
        if (servicePermissions is not null)
        {
            return servicePermissions;
        }

        var roles = grains.GetGrain<IServiceRolesGrain>(caller.ChatServiceSid);
        var roleSid = (await UserAsync()).RoleSid ?? (await DefaultsAsync()).ServiceUser;
        var role = await roles.GetAsync(roleSid);
        return servicePermissions = new HashSet<string>(role?.Permissions ?? [], StringComparer.Ordinal);
    }

    private void Need(List<string> needed, string permission, params string[] parameters)
    {
        if (parameters.Any(form.Has))
        {
            needed.Add(permission);
        }
    }

    /// <summary>Parameters only the account may send, whatever the user's roles.</summary>
    private void Refuse(params string[] parameters)
    {
        if (parameters.FirstOrDefault(form.Has) is { } parameter)
        {
            throw Errors.AccountOnly($"the {parameter} parameter");
        }
    }
}
