using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using ConversationEngine.Rules;
using ConversationEngine.Users;

namespace ConversationEngine.Api.Resources;

/// <summary>A participant's conversation (<c>participant_conversation</c>), snake_case on the wire.</summary>
public sealed record ParticipantConversationResource(
    string AccountSid,
    string ChatServiceSid,
    string ParticipantSid,
    string? ParticipantUserSid,
    string? ParticipantIdentity,
    Dictionary<string, string?>? ParticipantMessagingBinding,
    string ConversationSid,
    string? ConversationUniqueName,
    string? ConversationFriendlyName,
    string ConversationAttributes,
    DateTimeOffset ConversationDateCreated,
    DateTimeOffset ConversationDateUpdated,
    string? ConversationCreatedBy,
    string ConversationState,
    Dictionary<string, string> ConversationTimers,
    Dictionary<string, string> Links);

/// <summary>
/// <c>/v1/ParticipantConversations?Identity=…</c> or <c>?Address=…</c>: every conversation of the
/// service that identity or address takes part in, one entry per participant. It reads the
/// identity's or address's own index, then each listed conversation, so its cost follows that
/// participant's conversations, not the service's.
/// </summary>
public static class ParticipantConversationEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 50;

    public static IEndpointRouteBuilder MapParticipantConversationEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/ParticipantConversations").WithTags("ParticipantConversations");
            group.MapGet("/", ListAsync).WithName(name("ListParticipantConversation")).Takes<ListParticipantConversationRequest>().Lists<ParticipantConversationResource>("conversations");
        }

        return routes;
    }

    public static async Task<IResult> ListAsync(HttpRequest request, ServiceScope scope, ConversationLookup lookup, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);
        var (name, value) = (Form.Query(request, "Identity"), Form.Query(request, "Address")) switch
        {
            ({ Length: > 0 } identity, null) => ("Identity", identity),
            (null, { Length: > 0 } address) => ("Address", address),
            _ => throw Errors.Invalid("Identity or Address", "give exactly one of them, not empty"),
        };

        // Page links under the path the request came by: a named service's lists page within that service.
        var serviceSid = await lookup.ServiceSidAsync();
        var byIdentity = name == "Identity";
        var wanted = byIdentity ? value : Normalized(value);
        var index = lookup.Grains.GetGrain<IParticipantConversationsGrain>(byIdentity
            ? IndexKeys.ParticipantIdentity(serviceSid, wanted)
            : IndexKeys.ParticipantAddress(serviceSid, wanted));

        // The user a chat participant's identity names (created with the participant): for an
        // identity's list, looked up once for the page.
        var identityUser = byIdentity ? await UserSidAsync(lookup, serviceSid, wanted) : null;
        Func<string, Task<string?>> userOf = byIdentity ? _ => Task.FromResult(identityUser) : identity => UserSidAsync(lookup, serviceSid, identity);
        var (found, next, previous) = await ParticipantIndexPages.ReadAsync(index, paging,
            e => ResolveAsync(lookup, index, e, p => byIdentity ? p.Identity == wanted : p.MessagingBinding?.Address == wanted, userOf, links));
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["conversations"] = found,
            ["meta"] = paging.Meta("conversations", links.V1(scope.PathPrefix + "/ParticipantConversations"), new Dictionary<string, string> { [name] = value }, next, previous),
        }, TwilioJson.Options);
    }

    /// <summary>
    /// The entry as the client sees it, or null to leave it out: a conversation still
    /// initializing, a participant renamed since (its index moves it), or an entry whose
    /// conversation or participant is gone (dropped from the index here).
    /// </summary>
    private static async Task<ParticipantConversationResource?> ResolveAsync(
        ConversationLookup lookup, IParticipantConversationsGrain index, ParticipantConversationEntry entry, Func<ParticipantSnapshot, bool> matches, Func<string, Task<string?>> userOf, ResourceLinks links)
    {
        var grain = lookup.Grains.GetGrain<IConversationGrain>(entry.ConversationSid);
        var reading = grain.GetParticipantAsync(entry.ParticipantSid);
        var conversation = await grain.GetAsync();
        var participant = await reading;
        if (conversation is not { } c || participant is not { } p || p.Sid != entry.ParticipantSid)
        {
            // Participant SIDs are never reused, and entries are added only once their participant
            // is stored: one missing now has left for good.
            await index.RemoveAsync(entry.ParticipantSid);
            return null;
        }

        if (!matches(p) || c.State == ConversationStates.Initializing)
        {
            return null;
        }

        return Resource(c, p, p.Identity is { } identity ? await userOf(identity) : null, links);
    }

    /// <summary>The SID of the user an identity names in the service, or null when it names none.</summary>
    private static async Task<string?> UserSidAsync(ConversationLookup lookup, string serviceSid, string identity) =>
        (await lookup.Grains.GetGrain<IUserIdentityGrain>(UserKeys.Identity(serviceSid, identity)).GetUserAsync())?.Sid;

    private static ParticipantConversationResource Resource(ConversationSnapshot c, ParticipantSnapshot p, string? userSid, ResourceLinks links)
    {
        var conversation = links.Conversation(c);
        var binding = p.MessagingBinding is { } b
            ? new Dictionary<string, string?>
            {
                ["address"] = b.Address,
                ["proxy_address"] = b.ProxyAddress,
                ["type"] = b.Type,
                ["level"] = null,
                ["name"] = null,
                ["projected_address"] = b.ProjectedAddress,
            }
            : null;
        return new ParticipantConversationResource(
            links.AccountSid, c.ChatServiceSid, p.Sid, userSid, p.Identity, binding,
            c.Sid, c.UniqueName, c.FriendlyName, c.Attributes, c.DateCreated, c.DateUpdated, null, c.State, conversation.Timers,
            new Dictionary<string, string>
            {
                ["participant"] = links.ParticipantsUrl(c.Sid) + "/" + p.Sid,
                ["conversation"] = conversation.Url,
            });
    }

    /// <summary>The address as participants store it (E.164 for numbers); text that is no address stays as given and finds nothing.</summary>
    private static string Normalized(string address)
    {
        try
        {
            return ChannelAddress.Parse(address, "Address", Errors.InvalidParameter, allowShortCode: true).Value;
        }
        catch (EngineException)
        {
            return address;
        }
    }
}
