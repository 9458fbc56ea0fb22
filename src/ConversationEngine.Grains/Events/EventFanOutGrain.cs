using ConversationEngine.Webhooks;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ConversationEngine.Events;

/// <summary>
/// Tells each post-event target's queue of a conversation that its feed grew. The targets (the
/// account's and the service's post-event URL, the conversation's scoped webhooks) are read on
/// every notification, so a target set up a moment ago gets the very next event. A user's feed
/// (<c>US…</c>) fans out the same way, to the account's and the service's targets.
/// </summary>
[StatelessWorker]
public sealed class EventFanOutGrain(IGrainFactory grains, IOptions<WebhookDeliveryOptions> options) : Grain, IEventFanOutGrain
{
    public async Task NotifyAsync(string chatServiceSid, long sequence)
    {
        // A conversation's agents' live streams first: a one-way hint, whatever the webhook targets do.
        if (Sids.IsValid(this.GetPrimaryKeyString(), Sids.Conversation))
        {
            grains.GetGrain<Live.IConversationLiveGrain>(this.GetPrimaryKeyString()).NotifyAsync(sequence).Ignore();
        }

        foreach (var queue in await QueuesAsync(chatServiceSid))
        {
            await grains.GetGrain<IWebhookQueueGrain>(queue).NotifyAsync(sequence);
        }
    }

    public async Task<IReadOnlyList<string>> QueuesAsync(string chatServiceSid)
    {
        var conversationSid = this.GetPrimaryKeyString();
        var targets = await WebhookTargets.PostTargetsAsync(grains, options.Value.AccountSid, chatServiceSid, conversationSid);
        return targets.Select(t => WebhookTargets.QueueKey(conversationSid, chatServiceSid, t.Id)).ToList();
    }
}

/// <summary>Finds a conversation's post-event targets, and one target again by the id its queue knows it by.</summary>
public static class WebhookTargets
{
    public const string Account = "account";
    public const string Service = "service";

    /// <summary>A queue's key: <c>CH…|IS…|target</c>.</summary>
    public static string QueueKey(string conversationSid, string chatServiceSid, string targetId) => $"{conversationSid}|{chatServiceSid}|{targetId}";

    public static (string ConversationSid, string ChatServiceSid, string TargetId) ParseQueueKey(string key)
    {
        var parts = key.Split('|');
        return parts.Length == 3 ? (parts[0], parts[1], parts[2]) : throw new ArgumentException($"Not a webhook queue key: {key}", nameof(key));
    }

    public static async Task<IReadOnlyList<WebhookTarget>> PostTargetsAsync(IGrainFactory grains, string? accountSid, string chatServiceSid, string conversationSid)
    {
        var account = accountSid is null ? Task.FromResult<WebhookTarget?>(null) : grains.GetGrain<IWebhookConfigurationGrain>(accountSid).PostTargetAsync();
        var service = grains.GetGrain<IWebhookConfigurationGrain>(chatServiceSid).PostTargetAsync();
        var scoped = ScopedTargetsAsync(grains, conversationSid);
        await Task.WhenAll(account, service, scoped);
        return [.. new[] { await account, await service }.OfType<WebhookTarget>(), .. await scoped];
    }

    /// <summary>The target a queue delivers to, as configured now; null once it is gone.</summary>
    public static async Task<WebhookTarget?> FindAsync(IGrainFactory grains, string? accountSid, string chatServiceSid, string conversationSid, string targetId) => targetId switch
    {
        Account => accountSid is null ? null : await grains.GetGrain<IWebhookConfigurationGrain>(accountSid).PostTargetAsync(),
        Service => await grains.GetGrain<IWebhookConfigurationGrain>(chatServiceSid).PostTargetAsync(),
        _ => (await ScopedTargetsAsync(grains, conversationSid)).FirstOrDefault(t => t.Id == targetId),
    };

    /// <summary>A conversation's scoped webhooks; a user's feed (<c>US…</c>) has none, only the account's and service's targets.</summary>
    private static Task<IReadOnlyList<WebhookTarget>> ScopedTargetsAsync(IGrainFactory grains, string feedKey) =>
        Sids.IsValid(feedKey, Sids.Conversation)
            ? grains.GetGrain<IConversationWebhooksGrain>(feedKey).TargetsAsync()
            : Task.FromResult<IReadOnlyList<WebhookTarget>>([]);
}
