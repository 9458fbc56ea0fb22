using ConversationEngine.Api.Http;
using ConversationEngine.Events;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// The operator's view of Conversations webhook delivery (not part of Twilio's API): each target's
/// queue of a conversation's events, or of a user's (<c>US…</c>: its own feed) — how far it got,
/// what it is retrying and why, what it gave up on — and replay from a sequence number.
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
        var (key, chatServiceSid) = await FeedAsync(conversationSid, lookup);
        var queues = await lookup.Grains.GetGrain<IEventFanOutGrain>(key).QueuesAsync(chatServiceSid);
        var statuses = await Task.WhenAll(queues.Select(q => lookup.Grains.GetGrain<IWebhookQueueGrain>(q).StatusAsync()));
        return TypedResults.Json(new Dictionary<string, object?>
        {
            [Sids.IsValid(key, Sids.User) ? "user_sid" : "conversation_sid"] = key,
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

        var (feed, chatServiceSid) = await FeedAsync(conversationSid, lookup);
        var key = (await lookup.Grains.GetGrain<IEventFanOutGrain>(feed).QueuesAsync(chatServiceSid))
            .FirstOrDefault(q => WebhookTargets.ParseQueueKey(q).TargetId == target)
            ?? throw Errors.Unknown("The resource");
        var queue = lookup.Grains.GetGrain<IWebhookQueueGrain>(key);
        await queue.ReplayAsync(sequence);
        return TypedResults.Json(Queue(await queue.StatusAsync(), links), TwilioJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The feed the path names: a user's by its <c>US…</c> SID, else a conversation's (by SID or unique name); 404 when there is none.</summary>
    private static async Task<(string Key, string ChatServiceSid)> FeedAsync(string sid, ConversationLookup lookup)
    {
        if (Sids.IsValid(sid, Sids.User))
        {
            var user = await lookup.Grains.GetGrain<Users.IUserGrain>(sid).GetAsync() ?? throw Errors.Unknown("The resource");
            return (user.Sid, user.ChatServiceSid);
        }

        var (grain, conversation) = await lookup.ExistingAsync(sid);
        return (grain.GetPrimaryKeyString(), conversation.ChatServiceSid);
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
