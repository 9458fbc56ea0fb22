using ConversationEngine.Accounts;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Conversations;
using ConversationEngine.Users;
using ConversationEngine.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/v1/Services</c>: the account's conversation services (<c>IS…</c>), the default one among
/// them. Each holds its own conversations, unique names and configuration; its resources are
/// served under <c>/v1/Services/{ChatServiceSid}/…</c> by the endpoints of the short form.
/// </summary>
public static class ServiceEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 100;

    private const int FriendlyNameLength = 256;

    /// <summary>How many of a deleted service's conversations are deleted side by side.</summary>
    private const int DeleteBatch = 50;

    public static IEndpointRouteBuilder MapServiceEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/Services").WithTags("Services");
        group.MapPost("/", CreateAsync).WithName("CreateService").Takes<CreateServiceRequest>().Idempotent();
        group.MapGet("/", ListAsync).WithName("ListService").Takes<ListServiceRequest>().Lists<ServiceResource>("services");
        group.MapGet("/{Sid}", FetchAsync).WithName("FetchService").Takes<FetchServiceRequest>();
        group.MapDelete("/{Sid}", DeleteAsync).WithName("DeleteService").Takes<DeleteServiceRequest>();
        return routes;
    }

    public static async Task<Created<ServiceResource>> CreateAsync(HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var friendlyName = form.Value("FriendlyName") is { Length: > 0 } name ? name : throw Errors.Missing("FriendlyName");
        if (friendlyName.Length > FriendlyNameLength)
        {
            throw Errors.Invalid("FriendlyName", $"must be at most {FriendlyNameLength} characters");
        }

        var sid = IdempotencyReservation.Of(request)?.Sid(Sids.ChatService) ?? Sids.New(Sids.ChatService);
        var service = await Account(grains, links).CreateServiceAsync(sid, friendlyName);
        var resource = Resource(service, links);
        return TypedResults.Created(resource.Url, resource);
    }

    public static async Task<Ok<ServiceResource>> FetchAsync(string sid, IGrainFactory grains, ResourceLinks links) =>
        TypedResults.Ok(Resource(await ExistingAsync(sid, grains), links));

    public static async Task<IResult> ListAsync(HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);
        var page = Page.Slice(await Account(grains, links).ListServicesAsync(), paging.Position ?? 0, paging.PageSize);
        var services = await Task.WhenAll(page.Items.Select(sid => grains.GetGrain<IChatServiceGrain>(sid).GetAsync()));
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["services"] = services.OfType<ChatServiceSnapshot>().Select(s => Resource(s, links)).ToList(),
            ["meta"] = paging.Meta("services", links.V1("/Services"), null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    /// <summary>
    /// Deletes the service's conversations (with their messages, participants and webhooks), then
    /// its users (with their identities' claims), its roles, push bindings, notification settings,
    /// configuration and itself. The default service is refused before anything is deleted. Each
    /// step can be taken again, and the service goes last: a failure midway leaves a service that
    /// can be deleted again.
    /// </summary>
    public static async Task<NoContent> DeleteAsync(string sid, IGrainFactory grains, ConversationLookup lookup, ResourceLinks links)
    {
        await ExistingAsync(sid, grains);
        if (sid == await lookup.DefaultServiceSidAsync())
        {
            throw Errors.Invalid("Sid", $"{sid} is the account's default conversation service and cannot be deleted; make another service the default first (POST /v1/Configuration DefaultChatServiceSid)");
        }

        var list = grains.GetGrain<IConversationListGrain>(0);
        var query = new ConversationQuery { ChatServiceSid = sid };
        for (var start = 0L; ;)
        {
            var page = await list.ListAsync(query, start, descending: false, DeleteBatch);
            await Task.WhenAll(page.Select(e => DeleteConversationAsync(grains, e.Conversation.Sid)));
            if (page.Count < DeleteBatch)
            {
                break;
            }

            start = page[^1].Position + 1;
        }

        await DeleteUsersAsync(grains, sid);
        await grains.GetGrain<IServiceRolesGrain>(sid).DeleteAllAsync();
        await grains.GetGrain<Push.IPushBindingsGrain>(sid).ClearAsync();
        await grains.GetGrain<Push.INotificationConfigurationGrain>(sid).ClearAsync();
        await Account(grains, links).DeleteServiceAsync(sid);
        return TypedResults.NoContent();
    }

    private static async Task DeleteConversationAsync(IGrainFactory grains, string conversationSid)
    {
        var conversation = grains.GetGrain<IConversationGrain>(conversationSid);
        if (await conversation.GetAsync() is not null)
        {
            await conversation.DeleteAsync();
        }

        await grains.GetGrain<IConversationWebhooksGrain>(conversationSid).ClearAsync();
    }

    /// <summary>
    /// The service's users, a batch at a time from the head of its list (each leaves the list as it
    /// goes), then the list itself.
    /// </summary>
    private static async Task DeleteUsersAsync(IGrainFactory grains, string serviceSid)
    {
        var directory = grains.GetGrain<IUserDirectoryGrain>(serviceSid);
        for (var batch = await directory.RangeAsync(0, DeleteBatch); batch.Count > 0; batch = await directory.RangeAsync(0, DeleteBatch))
        {
            await Task.WhenAll(batch.Select(e => DeleteUserAsync(grains, serviceSid, e.UserSid)));
        }

        await directory.ClearAsync();
    }

    /// <summary>
    /// The identity's claim first, while the user still says which identity it is: should a later
    /// step fail, the next attempt finds the user and its list entry and finishes them.
    /// </summary>
    private static async Task DeleteUserAsync(IGrainFactory grains, string serviceSid, string userSid)
    {
        var user = grains.GetGrain<IUserGrain>(userSid);
        if (await user.GetAsync() is { } existing)
        {
            await grains.GetGrain<IUserIdentityGrain>(UserKeys.Identity(serviceSid, existing.Identity)).ReleaseAsync(userSid);
            await user.DeleteAsync();
        }

        await grains.GetGrain<IUserDirectoryGrain>(serviceSid).RemoveAsync(userSid);
    }

    private static IAccountGrain Account(IGrainFactory grains, ResourceLinks links) => grains.GetGrain<IAccountGrain>(links.AccountSid);

    private static async Task<ChatServiceSnapshot> ExistingAsync(string sid, IGrainFactory grains) =>
        Sids.IsValid(sid, Sids.ChatService) && await grains.GetGrain<IChatServiceGrain>(sid).GetAsync() is { } service
            ? service
            : throw Errors.Unknown($"Conversation Service {sid}");

    private static ServiceResource Resource(ChatServiceSnapshot service, ResourceLinks links)
    {
        var url = links.ServiceUrl(service.Sid);
        return new ServiceResource(
            links.AccountSid,
            service.Sid,
            service.FriendlyName,
            service.DateCreated,
            service.DateUpdated,
            url,
            new Dictionary<string, string>
            {
                ["conversations"] = url + "/Conversations",
                ["users"] = url + "/Users",
                ["roles"] = url + "/Roles",
                ["bindings"] = url + "/Bindings",
                ["configuration"] = url + "/Configuration",
                ["participant_conversations"] = url + "/ParticipantConversations",
                ["conversation_with_participants"] = url + "/ConversationWithParticipants",
            });
    }
}

/// <summary><c>conversations.v1.service</c>.</summary>
public sealed record ServiceResource(
    string AccountSid,
    string Sid,
    string FriendlyName,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string Url,
    Dictionary<string, string> Links);
