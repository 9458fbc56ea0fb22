using ConversationEngine.Api.Http;
using ConversationEngine.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>A transfer as the API answers it: who handed over to whom, the conversation after it and the message recording it.</summary>
public sealed record TransferResource(
    string AccountSid,
    string ChatServiceSid,
    string ConversationSid,
    string From,
    string To,
    string ParticipantSid,
    string RemovedParticipantSid,
    string MessageSid,
    ConversationResource Conversation,
    MessageResource Message);

/// <summary>
/// The engine's own contact-center operations on a conversation (not Twilio's): hand it from one
/// agent to another, and reopen a closed one as a new conversation. Served at
/// <c>/engine/v1/Conversations/{ConversationSid}/…</c> (any conversation by SID, as the engine's
/// paths see every one) and at <c>/engine/v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/…</c>
/// (that service's only, the path a user of another service than the default acts on).
/// </summary>
public static class HandoverEndpoints
{
    /// <summary>The <c>type</c> in the attributes of a reopened conversation's first message.</summary>
    public const string ReopenedNotice = "reopened";

    public static IEndpointRouteBuilder MapHandoverEndpoints(this IEndpointRouteBuilder routes)
    {
        var twins = new (RouteGroupBuilder Group, string Scope)[]
        {
            (routes.MapGroup("/engine/v1"), ""),
            (routes.MapGroup("/engine/v1/Services/{" + ServiceScope.RouteValue + "}").AddEndpointFilter<ServiceScopeFilter>(), "Service"),
        };
        foreach (var (scope, service) in twins)
        {
            var group = scope.MapGroup("/Conversations/{ConversationSid}").WithTags("Operator");
            group.MapPost("/Transfer", TransferAsync).WithName($"Create{service}ConversationTransfer").Idempotent();
            group.MapPost("/Reopen", ReopenAsync).WithName($"Create{service}ConversationReopen").Idempotent();
        }

        return routes;
    }

    public static async Task<Ok<TransferResource>> TransferAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var grain = await lookup.GrainAsync(conversationSid);
        var outcome = await grain.TransferAsync(new TransferConversation
        {
            From = form.Value("From"),
            To = form.Value("To"),
            RoleSid = form.Value("RoleSid"),
            Body = form.Value("Body"),
            Reservation = IdempotencyReservation.Of(request)?.Digits,
        });
        var conversation = outcome.Conversation;
        return TypedResults.Ok(new TransferResource(
            links.AccountSid, conversation.ChatServiceSid, conversation.Sid, outcome.From, outcome.To, outcome.ParticipantSid, outcome.RemovedParticipantSid,
            outcome.Message.Sid, links.Conversation(conversation), links.Message(outcome.Message, [])));
    }

    /// <summary>
    /// A closed conversation again as a new one: same service, friendly name, attributes and
    /// messaging service, the account's default timers, the same participants (identities with their
    /// roles and attributes, bindings with their proxy addresses), and a first system message naming
    /// the closed one. A pair another open conversation holds now refuses it all (409 / 50416).
    /// </summary>
    public static async Task<Created<ConversationResource>> ReopenAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        WebhookHeader.Apply(request);
        var (grain, closed) = await lookup.ExistingAsync(conversationSid);
        if (closed.State != ConversationStates.Closed)
        {
            throw Errors.Invalid(Errors.InvalidParameter, $"Conversation {closed.Sid} is {closed.State}: only a closed conversation can be reopened");
        }

        var participants = new List<AddParticipant>();
        for (long? start = 0; start is { } position;)
        {
            var page = await grain.ListParticipantsAsync(position, ParticipantEndpoints.MaxPageSize);
            participants.AddRange(page.Items.Select(p => new AddParticipant
            {
                Identity = p.Identity,
                Address = p.MessagingBinding?.Address,
                ProxyAddress = p.MessagingBinding?.ProxyAddress,
                ProjectedAddress = p.MessagingBinding?.ProjectedAddress,
                Attributes = p.Attributes,
                RoleSid = p.RoleSid,
            }));
            start = page.Next;
        }

        var configuration = await lookup.ConfigurationAsync();
        var reservation = IdempotencyReservation.Of(request);
        var sid = reservation?.Sid(Sids.Conversation) ?? Sids.New(Sids.Conversation);
        var reopened = lookup.Grains.GetGrain<IConversationGrain>(sid);
        ConversationSnapshot conversation;
        try
        {
            conversation = await reopened.CreateWithParticipantsAsync(
                new CreateConversation
                {
                    ChatServiceSid = closed.ChatServiceSid,
                    FriendlyName = closed.FriendlyName,
                    Attributes = closed.Attributes,
                    MessagingServiceSid = closed.MessagingServiceSid,
                    InactiveTimer = configuration.DefaultInactiveTimer,
                    ClosedTimer = configuration.DefaultClosedTimer,
                    Reserved = reservation is not null,
                },
                participants);
        }
        catch (EngineException inUse) when (inUse.Code == Errors.BulkBindingInUse)
        {
            throw Errors.Conflict(Errors.BindingInUse, inUse.Message);
        }

        await reopened.AddNoticeAsync(new AddMessage
        {
            Body = $"Conversation reopened from {closed.Sid}",
            Attributes = ReopenedAttributes(closed.Sid),
            Reservation = reservation?.Digits,
        });
        var resource = links.Conversation(await reopened.GetAsync() ?? conversation);
        return TypedResults.Created(resource.Url, resource);
    }

    private static string ReopenedAttributes(string closedSid) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = ReopenedNotice, ["reopened_from"] = closedSid });
}
