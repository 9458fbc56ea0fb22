using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Conversations;
using ConversationEngine.Events;
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
            group.MapPost("/Transfer", TransferAsync).WithName($"Create{service}ConversationTransfer").Takes<CreateConversationTransferRequest>().Idempotent();
            group.MapPost("/Reopen", ReopenAsync).WithName($"Create{service}ConversationReopen").Takes<CreateConversationReopenRequest>().Idempotent();
        }

        return routes;
    }

    /// <summary>
    /// With <c>X-Twilio-Webhook-Enabled: true</c> the pre-action hooks are asked first, as for the
    /// three writes a transfer is made of: onParticipantAdd (the receiver), onParticipantRemove (the
    /// giver) and onMessageAdd (the system message, whose <c>body</c> a hook may change); any refusal
    /// refuses the transfer (403 / 20403) with nothing changed.
    /// </summary>
    public static async Task<Ok<TransferResource>> TransferAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var grain = await lookup.GrainAsync(conversationSid);
        var command = new TransferConversation
        {
            From = form.Value("From"),
            To = form.Value("To"),
            RoleSid = form.Value("RoleSid"),
            Body = form.Value("Body"),
            Reservation = IdempotencyReservation.Of(request)?.Digits,
        };
        if (hooks)
        {
            command = await AskHooksAsync(request, gate, grain, command);
        }

        var outcome = await grain.TransferAsync(command);
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
    public static async Task<Created<ConversationResource>> ReopenAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
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
        var command = new CreateConversation
        {
            ChatServiceSid = closed.ChatServiceSid,
            FriendlyName = closed.FriendlyName,
            Attributes = closed.Attributes,
            MessagingServiceSid = closed.MessagingServiceSid,
            InactiveTimer = configuration.DefaultInactiveTimer,
            ClosedTimer = configuration.DefaultClosedTimer,
            Reserved = reservation is not null,
        };

        // As any create: onConversationAdd may refuse it or change its friendly name.
        var decision = await gate.AskAsync(request, hooks, PreActionEvents.ConversationAdd, command.ChatServiceSid, () => PreActionEvents.ConversationAddParameters(command));
        var sid = reservation?.Sid(Sids.Conversation) ?? Sids.New(Sids.Conversation);
        var reopened = lookup.Grains.GetGrain<IConversationGrain>(sid);
        ConversationSnapshot conversation;
        try
        {
            conversation = await reopened.CreateWithParticipantsAsync(PreActionEvents.Apply(decision, command), participants);
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

    private static async Task<TransferConversation> AskHooksAsync(HttpRequest request, PreActionGate gate, IConversationGrain grain, TransferConversation command)
    {
        var conversation = await grain.GetAsync() ?? throw Errors.Unknown("The resource");
        var service = conversation.ChatServiceSid;
        await gate.AskAsync(request, true, PreActionEvents.ParticipantAdd, service,
            () => PreActionEvents.ParticipantAddParameters(conversation.Sid, new AddParticipant { Identity = command.To, RoleSid = command.RoleSid }));
        if (command.From is { } from && await grain.GetParticipantAsync(from) is { Identity: not null } leaving && leaving.Identity == from)
        {
            await gate.AskAsync(request, true, PreActionEvents.ParticipantRemove, service, () => PreActionEvents.ParticipantChangeParameters(leaving));
        }

        var notice = new AddMessage { Body = command.Body ?? $"Conversation transferred from {command.From} to {command.To}" };
        var decision = await gate.AskAsync(request, true, PreActionEvents.MessageAdd, service, () => PreActionEvents.MessageAddParameters(conversation.Sid, notice));
        return command with { Body = PreActionEvents.Apply(decision, notice).Body };
    }

    private static string ReopenedAttributes(string closedSid) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = ReopenedNotice, ["reopened_from"] = closedSid });
}
