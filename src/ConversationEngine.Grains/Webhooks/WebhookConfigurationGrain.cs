using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;

namespace ConversationEngine.Webhooks;

[GenerateSerializer]
[Alias("ConversationEngine.WebhookConfigurationState")]
public sealed class WebhookConfigurationState
{
    [Id(0)] public WebhookConfiguration Configuration { get; set; } = new();

    /// <summary>When the post-event URL was set after having none: events recorded before are not sent to it.</summary>
    [Id(1)] public DateTimeOffset PostSince { get; set; }
}

/// <summary>
/// The account's (key <c>AC…</c>) or a service's (key <c>IS…</c>) webhook configuration. Filters
/// hold pre- and post-action names alike; each target takes the ones of its kind.
/// </summary>
public sealed class WebhookConfigurationGrain(
    [PersistentState("webhooks", "store")] IPersistentState<WebhookConfigurationState> store,
    TimeProvider time) : Grain, IWebhookConfigurationGrain
{
    private static readonly string[] AccountTargets = ["webhook", "flex"];

    private bool IsAccount => this.GetPrimaryKeyString().StartsWith(Sids.Account, StringComparison.Ordinal);

    public Task<WebhookConfiguration> GetAsync() => Task.FromResult(store.State.Configuration);

    public async Task<WebhookConfiguration> UpdateAsync(UpdateWebhookConfiguration update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var current = store.State.Configuration;
        var updated = current with
        {
            PreWebhookUrl = Url(update.PreWebhookUrl, current.PreWebhookUrl, "PreWebhookUrl"),
            PostWebhookUrl = Url(update.PostWebhookUrl, current.PostWebhookUrl, "PostWebhookUrl"),
            Method = update.Method is null ? current.Method : WebhookRules.Method(update.Method, "Method"),
            Filters = update.Filters is null ? current.Filters : WebhookRules.Filters(update.Filters, WebhookRules.AllEvents, "Filters"),
            Target = Target(update.Target) ?? current.Target,
        };
        var since = store.State.PostSince;
        if (current.PostWebhookUrl is null && updated.PostWebhookUrl is not null)
        {
            // A new subscription starts now; another URL for an existing one keeps its start.
            store.State.PostSince = time.GetUtcNow();
        }

        store.State.Configuration = updated;
        await store.WriteOrRevertAsync(() => (store.State.Configuration, store.State.PostSince) = (current, since));
        return updated;
    }

    public Task ClearAsync() => store.ClearStateAsync();

    public Task<WebhookTarget?> PostTargetAsync()
    {
        var configuration = store.State.Configuration;
        return Task.FromResult(configuration.PostWebhookUrl is { } url
            ? new WebhookTarget
            {
                Id = IsAccount ? "account" : "service",
                Url = url,
                Method = configuration.Method,
                Filters = configuration.Filters.Where(WebhookRules.IsPostAction).ToList(),
                Kind = configuration.Target,
                Since = store.State.PostSince,
            }
            : null);
    }

    public Task<PreActionTarget?> PreTargetAsync()
    {
        var configuration = store.State.Configuration;
        return Task.FromResult(configuration.PreWebhookUrl is { } url
            ? new PreActionTarget
            {
                Url = url,
                Method = configuration.Method,
                Filters = configuration.Filters.Where(WebhookRules.IsPreAction).ToList(),
            }
            : null);
    }

    /// <summary>Null leaves the URL, an empty one clears it.</summary>
    private static string? Url(string? update, string? current, string parameter) => update switch
    {
        null => current,
        "" => null,
        _ => WebhookRules.Url(update, parameter),
    };

    private string? Target(string? target)
    {
        if (target is null)
        {
            return null;
        }

        if (!IsAccount)
        {
            throw Errors.Invalid("Target", "is set on the account's webhook configuration only");
        }

        var lower = target.ToLowerInvariant();
        return AccountTargets.Contains(lower) ? lower : throw Errors.Invalid("Target", $"'{target}' is not webhook or flex");
    }
}
