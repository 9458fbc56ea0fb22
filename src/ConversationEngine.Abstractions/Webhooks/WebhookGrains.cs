using Orleans.Concurrency;

namespace ConversationEngine.Webhooks;

/// <summary>
/// Where post-action events of a conversation go: the account's and the service's post-event URL,
/// and each of the conversation's scoped webhooks. An event fires to a target only when its name
/// (onMessageAdded, onConversationStateUpdated…) is among the target's filters.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.WebhookTarget")]
public sealed record WebhookTarget
{
    /// <summary>"account", "service", or the scoped webhook's SID (<c>WH…</c>): names the target's delivery queue.</summary>
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Url { get; init; }

    /// <summary>POST (form-encoded body) or GET (parameters in the query).</summary>
    [Id(2)] public string Method { get; init; } = "POST";

    /// <summary>Post-action event names that fire; an event not listed does not.</summary>
    [Id(3)] public IReadOnlyList<string> Filters { get; init; } = [];

    /// <summary>For a scoped webhook of target <c>trigger</c>: the words that make onMessageAdded fire.</summary>
    [Id(4)] public IReadOnlyList<string> Triggers { get; init; } = [];

    /// <summary>webhook, trigger or studio (scoped); webhook or flex (account).</summary>
    [Id(5)] public string Kind { get; init; } = "webhook";

    /// <summary>When the target got its URL: events recorded before are not sent to it (bar <see cref="ReplayAfter"/>).</summary>
    [Id(6)] public DateTimeOffset Since { get; init; }

    /// <summary>A scoped webhook's Configuration.ReplayAfter: onMessageAdded of earlier messages from this index on are sent too.</summary>
    [Id(7)] public long? ReplayAfter { get; init; }
}

/// <summary>Where pre-action hooks (onMessageAdd, onConversationAdd…) of the account or a service are called.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.PreActionTarget")]
public sealed record PreActionTarget
{
    [Id(0)] public required string Url { get; init; }
    [Id(1)] public string Method { get; init; } = "POST";

    /// <summary>Pre-action event names that are called; one not listed is not.</summary>
    [Id(2)] public IReadOnlyList<string> Filters { get; init; } = [];
}

/// <summary>
/// The account's (<c>/v1/Configuration/Webhooks</c>) or a service's
/// (<c>/v1/Services/{IS}/Configuration/Webhooks</c>) webhook configuration.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.WebhookConfiguration")]
public sealed record WebhookConfiguration
{
    [Id(0)] public string? PreWebhookUrl { get; init; }
    [Id(1)] public string? PostWebhookUrl { get; init; }
    [Id(2)] public string Method { get; init; } = "POST";
    [Id(3)] public IReadOnlyList<string> Filters { get; init; } = [];

    /// <summary>Account level only: webhook or flex.</summary>
    [Id(4)] public string Target { get; init; } = "webhook";
}

/// <summary>An update: null leaves a value; an empty URL clears it.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.UpdateWebhookConfiguration")]
public sealed record UpdateWebhookConfiguration
{
    [Id(0)] public string? PreWebhookUrl { get; init; }
    [Id(1)] public string? PostWebhookUrl { get; init; }
    [Id(2)] public string? Method { get; init; }
    [Id(3)] public IReadOnlyList<string>? Filters { get; init; }
    [Id(4)] public string? Target { get; init; }
}

/// <summary>
/// The webhook configuration of the account (key <c>AC…</c>) or of a conversation service (key
/// <c>IS…</c>): one grain type for both levels.
/// </summary>
[Alias("ConversationEngine.IWebhookConfigurationGrain")]
public interface IWebhookConfigurationGrain : IGrainWithStringKey
{
    [ReadOnly]
    [Alias("Get")]
    Task<WebhookConfiguration> GetAsync();

    [Alias("Update")]
    Task<WebhookConfiguration> UpdateAsync(UpdateWebhookConfiguration update);

    /// <summary>The post-event target (Id "account" or "service" by the key's prefix), or null without a PostWebhookUrl.</summary>
    [ReadOnly]
    [Alias("PostTarget")]
    Task<WebhookTarget?> PostTargetAsync();

    /// <summary>The pre-event target, or null without a PreWebhookUrl.</summary>
    [ReadOnly]
    [Alias("PreTarget")]
    Task<PreActionTarget?> PreTargetAsync();

    /// <summary>Forgets the configuration (its service was deleted).</summary>
    [Alias("Clear")]
    Task ClearAsync();
}

/// <summary>A conversation-scoped webhook (<c>/v1/Conversations/{CH}/Webhooks/{WH}</c>).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ScopedWebhook")]
public sealed record ScopedWebhook
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string ConversationSid { get; init; }

    /// <summary>webhook, trigger or studio.</summary>
    [Id(2)] public required string Target { get; init; }
    [Id(3)] public string? Url { get; init; }
    [Id(4)] public string Method { get; init; } = "POST";
    [Id(5)] public IReadOnlyList<string> Filters { get; init; } = [];
    [Id(6)] public IReadOnlyList<string> Triggers { get; init; } = [];
    [Id(7)] public string? FlowSid { get; init; }

    /// <summary>The message index from which existing messages were replayed at creation, if asked.</summary>
    [Id(8)] public long? ReplayAfter { get; init; }
    [Id(9)] public required DateTimeOffset DateCreated { get; init; }
    [Id(10)] public required DateTimeOffset DateUpdated { get; init; }

    /// <summary>The instant it was created (<see cref="DateCreated"/> is to the second): its target's <see cref="WebhookTarget.Since"/>.</summary>
    [Id(11)] public DateTimeOffset Since { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.ScopedWebhookCommand")]
public sealed record ScopedWebhookCommand
{
    [Id(0)] public string? Target { get; init; }
    [Id(1)] public string? Url { get; init; }
    [Id(2)] public string? Method { get; init; }
    [Id(3)] public IReadOnlyList<string>? Filters { get; init; }
    [Id(4)] public IReadOnlyList<string>? Triggers { get; init; }
    [Id(5)] public string? FlowSid { get; init; }
    [Id(6)] public long? ReplayAfter { get; init; }

    /// <summary>On create, the SID an idempotency key reserved: a webhook already there under it is returned as it is.</summary>
    [Id(7)] public string? Sid { get; init; }
}

/// <summary>A conversation's scoped webhooks (key <c>CH…</c>), at most five.</summary>
[Alias("ConversationEngine.IConversationWebhooksGrain")]
public interface IConversationWebhooksGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<ScopedWebhook> CreateAsync(ScopedWebhookCommand command);

    [ReadOnly]
    [Alias("List")]
    Task<IReadOnlyList<ScopedWebhook>> ListAsync();

    [ReadOnly]
    [Alias("Get")]
    Task<ScopedWebhook?> GetAsync(string webhookSid);

    [Alias("Update")]
    Task<ScopedWebhook> UpdateAsync(string webhookSid, ScopedWebhookCommand command);

    [Alias("Delete")]
    Task DeleteAsync(string webhookSid);

    /// <summary>
    /// The conversation was deleted: its webhooks are gone for clients at once (list and fetch
    /// find none, create refuses), and stay targets until the queues have had time to deliver
    /// what it recorded before (its onConversationRemoved above all); then they are forgotten.
    /// </summary>
    [Alias("Clear")]
    Task ClearAsync();

    /// <summary>The post-event targets of the scoped webhooks (Id = the webhook's SID).</summary>
    [ReadOnly]
    [Alias("Targets")]
    Task<IReadOnlyList<WebhookTarget>> TargetsAsync();
}
