using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Conversations;
using ConversationEngine.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary><c>/v1/Conversations/{ConversationSid}/Participants</c> and its twin under <c>/v1/Services/{ChatServiceSid}</c>.</summary>
public static class ParticipantEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapParticipantEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/Conversations/{ConversationSid}/Participants").WithTags("Participants");
            group.MapPost("/", CreateAsync).WithName(name("CreateConversationParticipant")).Takes<CreateConversationParticipantRequest>().Idempotent();
            group.MapGet("/", ListAsync).WithName(name("ListConversationParticipant")).Takes<ListConversationParticipantRequest>().Lists<ParticipantResource>("participants");
            group.MapGet("/{Sid}", FetchAsync).WithName(name("FetchConversationParticipant")).Takes<FetchConversationParticipantRequest>();
            group.MapPost("/{Sid}", UpdateAsync).WithName(name("UpdateConversationParticipant")).Takes<UpdateConversationParticipantRequest>();
            group.MapDelete("/{Sid}", DeleteAsync).WithName(name("DeleteConversationParticipant")).Takes<DeleteConversationParticipantRequest>();
        }

        return routes;
    }

    public static async Task<Created<ParticipantResource>> CreateAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links, PreActionGate gate, IGrainFactory grains)
    {
        var hooks = WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var grain = await lookup.GrainAsync(conversationSid);
        var command = new AddParticipant
        {
            Identity = form.Value("Identity"),
            Address = form.Value("MessagingBinding.Address"),
            ProxyAddress = form.Value("MessagingBinding.ProxyAddress"),
            ProjectedAddress = form.Value("MessagingBinding.ProjectedAddress"),
            Attributes = form.Value("Attributes"),
            RoleSid = form.Value("RoleSid"),
            DateCreated = form.Date("DateCreated"),
            DateUpdated = form.Date("DateUpdated"),
            Sid = IdempotencyReservation.Of(request)?.Sid(Sids.Participant),
        };
        await gate.AskAsync(request, hooks, PreActionEvents.ParticipantAdd, async () =>
        {
            var conversation = await grain.GetAsync() ?? throw Errors.Unknown("The resource");
            return (conversation.ChatServiceSid, PreActionEvents.ParticipantAddParameters(conversation.Sid, command));
        });

        var participant = await grain.AddParticipantAsync(command);
        var resource = links.Participant(participant, await ParticipantConsent.ReadAsync(grains, grain, participant));
        return TypedResults.Created(resource.Url, resource);
    }

    public static async Task<Ok<ParticipantResource>> FetchAsync(string conversationSid, string sid, ConversationLookup lookup, ResourceLinks links, IGrainFactory grains)
    {
        var (grain, participant) = await lookup.ParticipantAsync(conversationSid, sid);
        return TypedResults.Ok(links.Participant(participant, await ParticipantConsent.ReadAsync(grains, grain, participant)));
    }

    public static async Task<Ok<ParticipantResource>> UpdateAsync(string conversationSid, string sid, HttpRequest request, ConversationLookup lookup, ResourceLinks links, PreActionGate gate, IGrainFactory grains)
    {
        var hooks = WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var grain = await lookup.GrainAsync(conversationSid);
        var requested = new UpdateParticipant
        {
            Identity = form.Value("Identity"),
            ProxyAddress = form.Value("MessagingBinding.ProxyAddress"),
            ProjectedAddress = form.Value("MessagingBinding.ProjectedAddress"),
            Attributes = form.Value("Attributes"),
            RoleSid = form.Value("RoleSid"),
            DateCreated = form.Date("DateCreated"),
            DateUpdated = form.Date("DateUpdated"),
            LastReadMessageIndex = form.Number("LastReadMessageIndex"),
            LastReadTimestamp = form.Date("LastReadTimestamp"),
        };

        // Nothing of a participant is modifiable: the hooks may only let the update through or reject it.
        await gate.AskAsync(request, hooks, PreActionEvents.ParticipantUpdate, async () =>
        {
            var current = await ExistingAsync(grain, sid);
            return (current.ChatServiceSid, PreActionEvents.ParticipantChangeParameters(current, requested));
        });
        var participant = await grain.UpdateParticipantAsync(sid, requested);
        return TypedResults.Ok(links.Participant(participant, await ParticipantConsent.ReadAsync(grains, grain, participant)));
    }

    public static async Task<NoContent> DeleteAsync(string conversationSid, string sid, HttpRequest request, ConversationLookup lookup, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var grain = await lookup.GrainAsync(conversationSid);
        await gate.AskAsync(request, hooks, PreActionEvents.ParticipantRemove, async () =>
        {
            var current = await ExistingAsync(grain, sid);
            return (current.ChatServiceSid, PreActionEvents.ParticipantChangeParameters(current));
        });
        await grain.RemoveParticipantAsync(sid);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links, IGrainFactory grains)
    {
        var paging = Paging.From(request, MaxPageSize);
        var (grain, conversation) = await lookup.ExistingAsync(conversationSid);
        var page = await grain.ListParticipantsAsync(paging.Position ?? 0, paging.PageSize);
        var consents = await Task.WhenAll(page.Items.Select(p => ParticipantConsent.ReadAsync(grains, conversation.MessagingServiceSid, p)));
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["participants"] = page.Items.Select((p, i) => links.Participant(p, consents[i])).ToList(),
            ["meta"] = paging.Meta("participants", links.ParticipantsUrl(conversation.Sid), null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    /// <summary>The participant by SID, as update and delete name it (only fetch also takes the identity).</summary>
    private static async Task<ParticipantSnapshot> ExistingAsync(IConversationGrain grain, string participantSid) =>
        await grain.GetParticipantAsync(participantSid) is { } participant && participant.Sid == participantSid
            ? participant
            : throw Errors.Unknown($"Participant {participantSid}");
}
