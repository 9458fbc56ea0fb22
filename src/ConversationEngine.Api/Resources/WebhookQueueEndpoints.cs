using System.Text.Json.Serialization;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Events;
using Microsoft.AspNetCore.Http.HttpResults;

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
        group.MapGet("/WebhookQueues/{ConversationSid}", ListAsync).WithName("ListWebhookQueues").Takes<ListWebhookQueuesRequest>();
        group.MapPost("/WebhookQueues/{ConversationSid}/{Target}/Replay", ReplayAsync).WithName("ReplayWebhookQueue").Takes<ReplayWebhookQueueRequest>();
        return routes;
    }

    /// <summary>The queues of the conversation's current targets (account, service, its scoped webhooks).</summary>
    public static async Task<Ok<WebhookQueuesResource>> ListAsync(string conversationSid, ConversationLookup lookup, ResourceLinks links)
    {
        var (key, chatServiceSid) = await FeedAsync(conversationSid, lookup);
        var queues = await lookup.Grains.GetGrain<IEventFanOutGrain>(key).QueuesAsync(chatServiceSid);
        var statuses = await Task.WhenAll(queues.Select(q => lookup.Grains.GetGrain<IWebhookQueueGrain>(q).StatusAsync()));
        var user = Sids.IsValid(key, Sids.User);
        return TypedResults.Ok(new WebhookQueuesResource(user ? null : key, user ? key : null, statuses.Select(s => Queue(s, links)).ToList()));
    }

    /// <summary>Delivers the target's events again from <c>Sequence</c> on (failed ones included).</summary>
    public static async Task<Accepted<WebhookQueueResource>> ReplayAsync(string conversationSid, string target, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
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
        return TypedResults.Accepted((string?)null, Queue(await queue.StatusAsync(), links));
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

    private static WebhookQueueResource Queue(WebhookQueueStatus s, ResourceLinks links) => new(
        s.TargetId,
        s.DeliveredThrough,
        s.KnownThrough,
        s.Attempts,
        s.LastError,
        s.NextAttempt,
        s.Failed.Select(f => new FailedWebhookEventResource(f.Sequence, f.Type, f.Attempts, f.LastError, f.GaveUp)).ToList(),
        links.Engine("/WebhookQueues/" + s.ConversationSid));
}

/// <summary>The webhook queues of a conversation's (or a user's) event feed: <c>conversation_sid</c> or <c>user_sid</c>, never both.</summary>
public sealed record WebhookQueuesResource(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConversationSid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserSid,
    IReadOnlyList<WebhookQueueResource> Queues);

public sealed record WebhookQueueResource(
    string Target,
    long DeliveredThrough,
    long KnownThrough,
    int Attempts,
    string? LastError,
    DateTimeOffset? NextAttempt,
    IReadOnlyList<FailedWebhookEventResource> Failed,
    string Url);

public sealed record FailedWebhookEventResource(long Sequence, string EventType, int Attempts, string LastError, DateTimeOffset GaveUp);
