using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Conversations;
using ConversationEngine.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary><c>/v1/Conversations/{ConversationSid}/Messages</c> and its twin under <c>/v1/Services/{ChatServiceSid}</c>.</summary>
public static class MessageEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapMessageEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/Conversations/{ConversationSid}/Messages").WithTags("Messages");
            group.MapPost("/", CreateAsync).WithName(name("CreateConversationMessage")).Takes<CreateConversationMessageRequest>().Idempotent();
            group.MapGet("/", ListAsync).WithName(name("ListConversationMessage")).Takes<ListConversationMessageRequest>().Lists<MessageResource>("messages");
            group.MapGet("/{Sid}", FetchAsync).WithName(name("FetchConversationMessage")).Takes<FetchConversationMessageRequest>();
            group.MapPost("/{Sid}", UpdateAsync).WithName(name("UpdateConversationMessage")).Takes<UpdateConversationMessageRequest>();
            group.MapDelete("/{Sid}", DeleteAsync).WithName(name("DeleteConversationMessage")).Takes<DeleteConversationMessageRequest>();
        }

        return routes;
    }

    public static async Task<Created<MessageResource>> CreateAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var grain = await lookup.GrainAsync(conversationSid);
        var command = new AddMessage
        {
            Author = form.Value("Author"),
            Body = form.Value("Body"),
            Attributes = form.Value("Attributes"),
            MediaSids = form.Values("MediaSid"),
            ContentSid = form.Value("ContentSid"),
            ContentVariables = form.Value("ContentVariables"),
            Subject = form.Value("Subject"),
            DateCreated = form.Date("DateCreated"),
            DateUpdated = form.Date("DateUpdated"),
            Reservation = IdempotencyReservation.Of(request)?.Digits,
        };
        var decision = await gate.AskAsync(request, hooks, PreActionEvents.MessageAdd, async () =>
        {
            var conversation = await grain.GetAsync() ?? throw Errors.Unknown("The resource");
            return (conversation.ChatServiceSid, PreActionEvents.MessageAddParameters(conversation.Sid, command));
        });
        var message = await grain.AddMessageAsync(PreActionEvents.Apply(decision, command));
        var resource = links.Message(message, []);
        return TypedResults.Created(resource.Url, resource);
    }

    public static async Task<Ok<MessageResource>> FetchAsync(string conversationSid, string sid, ConversationLookup lookup, MessageReceipts receipts, ResourceLinks links)
    {
        var message = await lookup.MessageAsync(conversationSid, sid);
        return TypedResults.Ok(links.Message(message, await receipts.ForAsync(message)));
    }

    public static async Task<Ok<MessageResource>> UpdateAsync(string conversationSid, string sid, HttpRequest request, ConversationLookup lookup, MessageReceipts receipts, ResourceLinks links, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var grain = await lookup.GrainAsync(conversationSid);
        var requested = new UpdateMessage
        {
            Author = form.Value("Author"),
            Body = form.Value("Body"),
            Attributes = form.Value("Attributes"),
            Subject = form.Value("Subject"),
            DateCreated = form.Date("DateCreated"),
            DateUpdated = form.Date("DateUpdated"),
        };
        var decision = await gate.AskAsync(request, hooks, PreActionEvents.MessageUpdate, async () =>
        {
            var current = await ExistingAsync(grain, sid);
            return (current.ChatServiceSid, PreActionEvents.MessageChangeParameters(current, requested));
        });
        var message = await grain.UpdateMessageAsync(sid, PreActionEvents.Apply(decision, requested));
        return TypedResults.Ok(links.Message(message, await receipts.ForAsync(message)));
    }

    public static async Task<NoContent> DeleteAsync(string conversationSid, string sid, HttpRequest request, ConversationLookup lookup, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var grain = await lookup.GrainAsync(conversationSid);
        await gate.AskAsync(request, hooks, PreActionEvents.MessageRemove, async () =>
        {
            var current = await ExistingAsync(grain, sid);
            return (current.ChatServiceSid, PreActionEvents.MessageChangeParameters(current));
        });
        await grain.RemoveMessageAsync(sid);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, MessageReceipts receipts, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);
        var order = Form.Query(request, "Order") ?? "asc";
        if (order is not ("asc" or "desc"))
        {
            throw Errors.Invalid("Order", "must be asc or desc");
        }

        // One call: the list refuses a conversation that does not exist (404) by itself.
        var grain = await lookup.GrainAsync(conversationSid);
        var page = await grain.ListMessagesAsync(paging.Position, order == "desc", paging.PageSize);
        var filters = Form.Query(request, "Order") is null ? null : new Dictionary<string, string> { ["Order"] = order };
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["messages"] = (await receipts.ForAsync(page.Items)).Select(m => links.Message(m.Message, m.Receipts)).ToList(),
            ["meta"] = paging.Meta("messages", links.MessagesUrl(grain.GetPrimaryKeyString()), filters, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    private static async Task<MessageSnapshot> ExistingAsync(IConversationGrain grain, string messageSid) =>
        await grain.GetMessageAsync(messageSid) ?? throw Errors.Unknown("The resource");
}
