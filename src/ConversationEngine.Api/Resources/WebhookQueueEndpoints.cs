using ConversationEngine.Api.Http;
using ConversationEngine.Events;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// The operator's view of Conversations webhook delivery (not part of Twilio's API): each target's
/// queue of a conversation's events — how far it got, what it is retrying and why, what it gave
/// up on — and replay from a sequence number.
/// </summary>
public static class WebhookQueueEndpoints
{
    public static IEndpointRouteBuilder MapWebhookQueueEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/engine/v1").WithTags("Operator");
        group.MapGet("/WebhookQueues/{ConversationSid}", ListAsync).WithName("ListWebhookQueues");
        group.MapPost("/WebhookQueues/{ConversationSid}/{Target}/Replay", ReplayAsync).WithName("ReplayWebhookQueue");
        return routes;
    }

    /// <summary>The queues of the conversation's current targets (account, service, its scoped webhooks).</summary>
    public static async Task<IResult> ListAsync(string conversationSid, ConversationLookup lookup, ResourceLinks links)
    {
        var (grain, conversation) = await lookup.ExistingAsync(conversationSid);
        var queues = await lookup.Grains.GetGrain<IEventFanOutGrain>(grain.GetPrimaryKeyString()).QueuesAsync(conversation.ChatServiceSid);
        var statuses = await Task.WhenAll(queues.Select(q => lookup.Grains.GetGrain<IWebhookQueueGrain>(q).StatusAsync()));
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["conversation_sid"] = conversation.Sid,
            ["queues"] = statuses.Select(s => Queue(s, links)).ToList(),
        }, TwilioJson.Options);
    }

    /// <summary>Delivers the target's events again from <c>Sequence</c> on (failed ones included).</summary>
    public static async Task<IResult> ReplayAsync(string conversationSid, string target, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var sequence = form.Number("Sequence") ?? throw Errors.Missing("Sequence");
        if (sequence < 1)
        {
            throw Errors.Invalid("Sequence", "must be 1 or more");
        }

        var (grain, conversation) = await lookup.ExistingAsync(conversationSid);
        var key = (await lookup.Grains.GetGrain<IEventFanOutGrain>(grain.GetPrimaryKeyString()).QueuesAsync(conversation.ChatServiceSid))
            .FirstOrDefault(q => WebhookTargets.ParseQueueKey(q).TargetId == target)
            ?? throw Errors.Unknown("The resource");
        var queue = lookup.Grains.GetGrain<IWebhookQueueGrain>(key);
        await queue.ReplayAsync(sequence);
        return TypedResults.Json(Queue(await queue.StatusAsync(), links), TwilioJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static Dictionary<string, object?> Queue(WebhookQueueStatus s, ResourceLinks links) => new()
    {
        ["target"] = s.TargetId,
        ["delivered_through"] = s.DeliveredThrough,
        ["known_through"] = s.KnownThrough,
        ["attempts"] = s.Attempts,
        ["last_error"] = s.LastError,
        ["next_attempt"] = s.NextAttempt,
        ["failed"] = s.Failed.Select(f => new Dictionary<string, object?>
        {
            ["sequence"] = f.Sequence,
            ["event_type"] = f.Type,
            ["attempts"] = f.Attempts,
            ["last_error"] = f.LastError,
            ["gave_up"] = f.GaveUp,
        }).ToList(),
        ["url"] = links.Engine("/WebhookQueues/" + s.ConversationSid),
    };
}
