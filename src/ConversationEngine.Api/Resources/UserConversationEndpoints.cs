using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Conversations;
using ConversationEngine.Events;
using ConversationEngine.Indexes;
using ConversationEngine.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>A user's conversation (<c>user_conversation</c>), snake_case on the wire.</summary>
public sealed record UserConversationResource(
    string AccountSid,
    string ChatServiceSid,
    string ConversationSid,
    long UnreadMessagesCount,
    long? LastReadMessageIndex,
    string ParticipantSid,
    string UserSid,
    string? FriendlyName,
    string ConversationState,
    Dictionary<string, string> Timers,
    string Attributes,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string? CreatedBy,
    string NotificationLevel,
    string? UniqueName,
    string Url,
    Dictionary<string, string> Links);

/// <summary>
/// <c>/v1/Users/{UserSid}/Conversations</c>: the conversations a user takes part in, each seen
/// through the user's chat participant. A user's conversations are its identity's participant
/// conversations in the service, so the list reads that identity's index, not the service. The
/// read horizon lives on the participant (an update here sets it there, as a participant update
/// would); leaving is removing that participant.
/// </summary>
public static class UserConversationEndpoints
{
    /// <summary>The spec's page size limit for user conversations.</summary>
    public const int MaxPageSize = 50;

    public static IEndpointRouteBuilder MapUserConversationEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/Users/{UserSid}/Conversations").WithTags("UserConversations");
            group.MapGet("/", ListAsync).WithName(name("ListUserConversation")).Takes<ListUserConversationRequest>().Lists<UserConversationResource>("conversations");
            group.MapGet("/{ConversationSid}", FetchAsync).WithName(name("FetchUserConversation")).Takes<FetchUserConversationRequest>();
            group.MapPost("/{ConversationSid}", UpdateAsync).WithName(name("UpdateUserConversation")).Takes<UpdateUserConversationRequest>();
            group.MapDelete("/{ConversationSid}", DeleteAsync).WithName(name("DeleteUserConversation")).Takes<DeleteUserConversationRequest>();
        }

        return routes;
    }

    public static async Task<Ok<UserConversationResource>> FetchAsync(string userSid, string conversationSid, ConversationLookup lookup, ServiceScope scope, ResourceLinks links)
    {
        var user = await UserAsync(userSid, lookup);
        var (_, state) = await ReadStateAsync(user, conversationSid, lookup);
        return TypedResults.Ok(Resource(state, user, scope, links));
    }

    public static async Task<Ok<UserConversationResource>> UpdateAsync(string userSid, string conversationSid, HttpRequest request, ConversationLookup lookup, ServiceScope scope, ResourceLinks links, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var user = await UserAsync(userSid, lookup);
        var (grain, state) = await ReadStateAsync(user, conversationSid, lookup);
        var level = form.Value("NotificationLevel");
        if (level is not (null or "default" or "muted"))
        {
            throw Errors.Invalid("NotificationLevel", "must be default or muted");
        }

        var requested = new UpdateParticipant
        {
            LastReadMessageIndex = form.Number("LastReadMessageIndex"),
            LastReadTimestamp = form.Date("LastReadTimestamp"),
            NotificationLevel = level,
        };

        // The same change as a participant update of the horizon, so the same hooks hear of it.
        await gate.AskAsync(request, hooks, PreActionEvents.ParticipantUpdate, state.Participant.ChatServiceSid, () => PreActionEvents.ParticipantChangeParameters(state.Participant, requested));
        await grain.UpdateParticipantAsync(state.Participant.Sid, requested);

        // Read back in one turn, so the count matches the horizon just stored.
        var updated = await grain.GetReadStateAsync(state.Participant.Sid) ?? throw Errors.Unknown("The resource");
        return TypedResults.Ok(Resource(updated, user, scope, links));
    }

    public static async Task<NoContent> DeleteAsync(string userSid, string conversationSid, HttpRequest request, ConversationLookup lookup, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var user = await UserAsync(userSid, lookup);
        var (grain, state) = await ReadStateAsync(user, conversationSid, lookup);
        await gate.AskAsync(request, hooks, PreActionEvents.ParticipantRemove, state.Participant.ChatServiceSid, () => PreActionEvents.ParticipantChangeParameters(state.Participant));
        await grain.RemoveParticipantAsync(state.Participant.Sid);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(string userSid, HttpRequest request, ConversationLookup lookup, ServiceScope scope, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);

        var user = await UserAsync(userSid, lookup);
        var index = lookup.Grains.GetGrain<IParticipantConversationsGrain>(IndexKeys.ParticipantIdentity(user.ChatServiceSid, user.Identity));

        var (found, next, previous) = await ParticipantIndexPages.ReadAsync(index, paging,
            async e => await ResolveAsync(lookup, index, e, user.Identity) is { } state ? Resource(state, user, scope, links) : null);
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["conversations"] = found,
            ["meta"] = paging.Meta("conversations", links.V1($"{scope.PathPrefix}/Users/{user.Sid}/Conversations"), null, next, previous),
        }, TwilioJson.Options);
    }

    /// <summary>
    /// The entry with its read state, or null to leave it out: a conversation still initializing,
    /// a participant renamed since, or one gone (dropped from the index here, as its SID is never reused).
    /// </summary>
    private static async Task<ParticipantReadState?> ResolveAsync(ConversationLookup lookup, IParticipantConversationsGrain index, ParticipantConversationEntry entry, string identity)
    {
        var state = await lookup.Grains.GetGrain<IConversationGrain>(entry.ConversationSid).GetReadStateAsync(entry.ParticipantSid);
        if (state is null || state.Participant.Sid != entry.ParticipantSid)
        {
            await index.RemoveAsync(entry.ParticipantSid);
            return null;
        }

        return state.Participant.Identity == identity && state.Conversation.State != ConversationStates.Initializing ? state : null;
    }

    /// <summary>The user the path names, by SID or identity, in the request's service; 404 when there is none.</summary>
    private static async Task<UserSnapshot> UserAsync(string sidOrIdentity, ConversationLookup lookup)
    {
        var serviceSid = await lookup.ServiceSidAsync();
        var user = Sids.IsValid(sidOrIdentity, Sids.User)
            ? await lookup.Grains.GetGrain<IUserGrain>(sidOrIdentity).GetAsync()
            : await lookup.Grains.GetGrain<IUserIdentityGrain>(UserKeys.Identity(serviceSid, sidOrIdentity)).GetUserAsync();
        return user is not null && user.ChatServiceSid == serviceSid ? user : throw Errors.Unknown("The resource");
    }

    /// <summary>The conversation the path names (SID or unique name) and the user's participant in it; 404 when the user is not in it.</summary>
    private static async Task<(IConversationGrain Grain, ParticipantReadState State)> ReadStateAsync(UserSnapshot user, string conversationSid, ConversationLookup lookup)
    {
        var grain = await lookup.GrainAsync(conversationSid);
        return await grain.GetReadStateAsync(user.Identity) is { } state && state.Participant.Identity == user.Identity
            ? (grain, state)
            : throw Errors.Unknown("The resource");
    }

    private static UserConversationResource Resource(ParticipantReadState state, UserSnapshot user, ServiceScope scope, ResourceLinks links)
    {
        var (c, p) = (state.Conversation, state.Participant);
        var conversation = links.Conversation(c);
        return new UserConversationResource(
            links.AccountSid, c.ChatServiceSid, c.Sid, state.UnreadMessagesCount, p.LastReadMessageIndex, p.Sid, user.Sid,
            c.FriendlyName, c.State, conversation.Timers, c.Attributes, c.DateCreated, c.DateUpdated, null,
            p.NotificationLevel ?? "default", c.UniqueName,
            links.V1($"{scope.PathPrefix}/Users/{user.Sid}/Conversations/{c.Sid}"),
            new Dictionary<string, string>
            {
                ["participant"] = links.ParticipantsUrl(c.Sid) + "/" + p.Sid,
                ["conversation"] = conversation.Url,
            });
    }
}
