using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;

namespace ConversationEngine.Push;

[GenerateSerializer]
[Alias("ConversationEngine.NotificationConfigurationState")]
public sealed class NotificationConfigurationState
{
    [Id(0)] public NotificationConfiguration Configuration { get; set; } = new();
}

public sealed class NotificationConfigurationGrain(
    [PersistentState("notifications", "store")] IPersistentState<NotificationConfigurationState> store) : Grain, INotificationConfigurationGrain
{
    /// <summary>The engine's bound on a template (Twilio documents none; a push payload holds about 4 KB).</summary>
    public const int TemplateMaxLength = 4 * 1024;

    public Task<NotificationConfiguration> GetAsync() => Task.FromResult(store.State.Configuration);

    public async Task<NotificationConfiguration> UpdateAsync(NotificationConfigurationChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var current = store.State.Configuration;
        var updated = new NotificationConfiguration
        {
            NewMessage = Apply(current.NewMessage, change.NewMessage, "NewMessage"),
            NewMessageBadgeCountEnabled = change.NewMessageBadgeCountEnabled ?? current.NewMessageBadgeCountEnabled,
            NewMessageWithMedia = Apply(current.NewMessageWithMedia, change.NewMessageWithMedia, "NewMessage.WithMedia"),
            AddedToConversation = Apply(current.AddedToConversation, change.AddedToConversation, "AddedToConversation"),
            RemovedFromConversation = Apply(current.RemovedFromConversation, change.RemovedFromConversation, "RemovedFromConversation"),
            LogEnabled = change.LogEnabled ?? current.LogEnabled,
        };
        store.State.Configuration = updated;
        await store.WriteOrRevertAsync(() => store.State.Configuration = current);
        return updated;
    }

    public async Task ClearAsync()
    {
        if (store.RecordExists)
        {
            await store.ClearStateAsync();
        }
    }

    private static PushNotificationSetting Apply(PushNotificationSetting current, PushNotificationSettingChange change, string prefix) => new()
    {
        Enabled = change.Enabled ?? current.Enabled,
        Template = Text(FieldRules.Bounded(change.Template, prefix + ".Template", TemplateMaxLength), current.Template),
        Sound = Text(FieldRules.Bounded(change.Sound, prefix + ".Sound"), current.Sound),
    };

    private static string? Text(string? change, string? current) => change switch
    {
        null => current,
        "" => null,
        _ => change,
    };
}
