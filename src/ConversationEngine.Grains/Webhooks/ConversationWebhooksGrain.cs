using ConversationEngine.Events;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Webhooks;

[GenerateSerializer]
[Alias("ConversationEngine.ConversationWebhooksState")]
public sealed class ConversationWebhooksState
{
    [Id(0)] public List<ScopedWebhook> Webhooks { get; set; } = [];

    /// <summary>When the conversation was deleted: the webhooks are gone for clients, still targets for what it recorded before.</summary>
    [Id(1)] public DateTimeOffset? RemovedAt { get; set; }
}

/// <summary>
/// A conversation's scoped webhooks (key <c>CH…</c>), at most five, post-action events only.
/// Targets <c>webhook</c> and <c>trigger</c> are called by the engine; <c>studio</c> is kept and
/// shown as configured (Twilio's libraries create it), but the engine runs no Studio flow, so it
/// yields no target.
/// </summary>
/// <remarks>
/// When the conversation is deleted the webhooks vanish for clients at once, but stay targets for
/// a while: the queues still deliver what the conversation recorded before, its
/// onConversationRemoved above all (a queue whose target is gone drops its events). A reminder
/// forgets them for good once the queues have had their retry window and an hour more.
/// </remarks>
public sealed class ConversationWebhooksGrain(
    [PersistentState("scopedWebhooks", "store")] IPersistentState<ConversationWebhooksState> store,
    IOptions<WebhookDeliveryOptions> delivery,
    TimeProvider time) : Grain, IConversationWebhooksGrain, IRemindable
{
    public const int MaxWebhooks = 5;

    private const string ForgetReminder = "forget";

    private static readonly string[] Targets = ["webhook", "trigger", "studio"];

    private List<ScopedWebhook> Webhooks => store.State.Webhooks;

    public async Task<ScopedWebhook> CreateAsync(ScopedWebhookCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        RefuseRemoved();
        if (command.Sid is { } reserved && Webhooks.Find(w => w.Sid == reserved) is { } created)
        {
            return created;
        }

        var target = command.Target?.ToLowerInvariant() ?? throw Errors.Missing("Target");
        if (!Targets.Contains(target))
        {
            throw Errors.Invalid("Target", $"'{command.Target}' is not one of webhook, trigger, studio");
        }

        if (Webhooks.Count >= MaxWebhooks)
        {
            throw Errors.Invalid(Errors.InvalidParameter, $"A conversation can have at most {MaxWebhooks} scoped webhooks");
        }

        if (command.ReplayAfter is < 0)
        {
            throw Errors.Invalid("Configuration.ReplayAfter", "must be a message index (0 or more)");
        }

        var now = time.GetUtcNow();
        var webhook = Apply(new ScopedWebhook
        {
            Sid = command.Sid ?? Sids.New(Sids.Webhook),
            ConversationSid = this.GetPrimaryKeyString(),
            Target = target,
            ReplayAfter = command.ReplayAfter,
            DateCreated = time.UtcNowToSecond(),
            DateUpdated = time.UtcNowToSecond(),
            Since = now,
        }, command);
        Webhooks.Add(webhook);
        await store.WriteOrRevertAsync(() => Webhooks.Remove(webhook));
        return webhook;
    }

    public Task<IReadOnlyList<ScopedWebhook>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ScopedWebhook>>(store.State.RemovedAt is null ? [.. Webhooks] : []);

    public Task<ScopedWebhook?> GetAsync(string webhookSid) =>
        Task.FromResult(store.State.RemovedAt is null ? Webhooks.Find(w => w.Sid == webhookSid) : null);

    public async Task<ScopedWebhook> UpdateAsync(string webhookSid, ScopedWebhookCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var position = Position(webhookSid);
        var current = Webhooks[position];
        if (command.Target is { } target && !string.Equals(target, current.Target, StringComparison.OrdinalIgnoreCase))
        {
            throw Errors.Invalid("Target", "cannot be changed; delete the webhook and create another");
        }

        var updated = Apply(current, command) with { DateUpdated = time.UtcNowToSecond() };
        Webhooks[position] = updated;
        await store.WriteOrRevertAsync(() => Webhooks[position] = current);
        return updated;
    }

    public async Task DeleteAsync(string webhookSid)
    {
        var position = Position(webhookSid);
        var removed = Webhooks[position];
        Webhooks.RemoveAt(position);
        await store.WriteOrRevertAsync(() => Webhooks.Insert(position, removed));
    }

    public async Task ClearAsync()
    {
        if (!store.RecordExists || store.State.RemovedAt is not null)
        {
            return;
        }

        if (Webhooks.Count == 0)
        {
            await ForgetAsync();
            return;
        }

        // The reminder first: should the write fail, it still forgets the webhooks of a deleted conversation.
        var retention = delivery.Value.RetryWindow + TimeSpan.FromHours(1);
        await this.RegisterOrUpdateReminder(ForgetReminder, retention, retention);
        store.State.RemovedAt = time.GetUtcNow();
        await store.WriteOrRevertAsync(() => store.State.RemovedAt = null);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        if (reminderName == ForgetReminder && store.RecordExists)
        {
            await ForgetAsync();
        }
    }

    public Task<IReadOnlyList<WebhookTarget>> TargetsAsync() => Task.FromResult<IReadOnlyList<WebhookTarget>>(
        Webhooks.Where(w => w.Target is "webhook" or "trigger" && w.Url is not null).Select(w => new WebhookTarget
        {
            Id = w.Sid,
            Url = w.Url!,
            Method = w.Method,

            // A trigger is about the messages that carry its words: onMessageAdded is always among its events.
            Filters = w.Target == "trigger" && !w.Filters.Contains("onMessageAdded") ? [.. w.Filters, "onMessageAdded"] : w.Filters,
            Triggers = w.Triggers,
            Kind = w.Target,

            // Events before its creation reach it only by ReplayAfter; a later URL change keeps the subscription.
            Since = w.Since,
            ReplayAfter = w.ReplayAfter,
        }).ToList());

    /// <summary>The webhook with the command's changes (null leaves a field), valid for its target.</summary>
    private static ScopedWebhook Apply(ScopedWebhook current, ScopedWebhookCommand command)
    {
        var webhook = current with
        {
            Url = command.Url is null ? current.Url : WebhookRules.Url(command.Url, "Configuration.Url"),
            Method = command.Method is null ? current.Method : WebhookRules.Method(command.Method, "Configuration.Method"),
            Filters = command.Filters is null ? current.Filters : WebhookRules.Filters(command.Filters, WebhookRules.ConversationEvents, "Configuration.Filters"),
            Triggers = command.Triggers is null ? current.Triggers : Triggers(command.Triggers),
            FlowSid = FieldRules.Sid(command.FlowSid, Sids.StudioFlow, "Configuration.FlowSid") ?? current.FlowSid,
        };

        switch (webhook.Target)
        {
            case "webhook" when webhook.Url is null:
            case "trigger" when webhook.Url is null:
                throw Errors.Missing("Configuration.Url");
            case "trigger" when webhook.Triggers.Count == 0:
                throw Errors.Missing("Configuration.Triggers");
            case "studio" when webhook.FlowSid is null:
                throw Errors.Missing("Configuration.FlowSid");
            default:
                return webhook;
        }
    }

    private static List<string> Triggers(IEnumerable<string> values)
    {
        var triggers = values.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return triggers.Find(t => t.Length > FieldRules.NameMaxLength) is null
            ? triggers
            : throw Errors.Invalid("Configuration.Triggers", $"a trigger is at most {FieldRules.NameMaxLength} characters");
    }

    /// <summary>The row goes rather than staying behind empty; memory changes only once storage has.</summary>
    private async Task ForgetAsync()
    {
        await store.ClearStateAsync();
        store.State.Webhooks = [];
        store.State.RemovedAt = null;
    }

    private void RefuseRemoved()
    {
        if (store.State.RemovedAt is not null)
        {
            throw Errors.Unknown($"Conversation {this.GetPrimaryKeyString()}");
        }
    }

    private int Position(string webhookSid)
    {
        RefuseRemoved();
        var position = Webhooks.FindIndex(w => w.Sid == webhookSid);
        return position >= 0 ? position : throw Errors.Unknown($"Webhook {webhookSid}");
    }
}
