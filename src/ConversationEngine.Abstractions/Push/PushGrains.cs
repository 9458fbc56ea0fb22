using Orleans.Concurrency;

namespace ConversationEngine.Push;

/// <summary>
/// A push credential (<c>CR…</c>) as it may be shown: its secrets (certificate, private key, API
/// key, secret) stay inside <see cref="IPushCredentialsGrain"/> and are never part of this record.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.PushCredential")]
public sealed record PushCredential
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string Type { get; init; }
    [Id(2)] public string? FriendlyName { get; init; }
    [Id(3)] public bool Sandbox { get; init; }
    [Id(4)] public required DateTimeOffset DateCreated { get; init; }
    [Id(5)] public required DateTimeOffset DateUpdated { get; init; }
}

/// <summary>A create (Type required) or update (null leaves a value) of a push credential.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.PushCredentialChange")]
public sealed record PushCredentialChange
{
    [Id(0)] public string? Type { get; init; }
    [Id(1)] public string? FriendlyName { get; init; }
    [Id(2)] public string? Certificate { get; init; }
    [Id(3)] public string? PrivateKey { get; init; }
    [Id(4)] public bool? Sandbox { get; init; }
    [Id(5)] public string? ApiKey { get; init; }
    [Id(6)] public string? Secret { get; init; }

    /// <summary>On create, the SID an idempotency key reserved: a credential already there under it is returned as it is.</summary>
    [Id(7)] public string? Sid { get; init; }

    /// <summary>Keeps secrets out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"PushCredentialChange {{ Type = {Type}, FriendlyName = {FriendlyName}, Sandbox = {Sandbox}, Sid = {Sid} }}";
}

/// <summary>
/// The account's push credentials (<c>/v1/Credentials</c>), keyed by account SID. An account holds
/// a handful (one per app and platform), so one grain holds them all. The engine stores them and
/// sends no push notification with them.
/// </summary>
[Alias("ConversationEngine.IPushCredentialsGrain")]
public interface IPushCredentialsGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<PushCredential> CreateAsync(PushCredentialChange change);

    [Alias("Update")]
    Task<PushCredential> UpdateAsync(string sid, PushCredentialChange change);

    [Alias("Delete")]
    Task DeleteAsync(string sid);

    /// <summary>Null when there is none.</summary>
    [ReadOnly]
    [Alias("Find")]
    Task<PushCredential?> FindAsync(string sid);

    [ReadOnly]
    [Alias("List")]
    Task<Page<PushCredential>> ListAsync(long start, int max);
}

/// <summary>A push binding (<c>BS…</c>): one device of one user, registered for push in a service.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.PushBinding")]
public sealed record PushBinding
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string ChatServiceSid { get; init; }
    [Id(2)] public required string Identity { get; init; }
    [Id(3)] public required string BindingType { get; init; }
    [Id(4)] public required string Endpoint { get; init; }
    [Id(5)] public string? CredentialSid { get; init; }
    [Id(6)] public IReadOnlyList<string> MessageTypes { get; init; } = [];
    [Id(7)] public required DateTimeOffset DateCreated { get; init; }
    [Id(8)] public required DateTimeOffset DateUpdated { get; init; }
}

/// <summary>
/// A device's push registration, as Twilio's client SDKs make it (<c>setPushRegistrationId</c>):
/// the identity comes from the caller's access token, never from what the client says.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.PushBindingRegistration")]
public sealed record PushBindingRegistration
{
    [Id(0)] public required string Identity { get; init; }
    [Id(1)] public required string BindingType { get; init; }

    /// <summary>The app's installation on the device; one binding per identity, type and endpoint.</summary>
    [Id(2)] public required string Endpoint { get; init; }

    /// <summary>The device token (APNs, FCM, GCM): stored for a sender, never shown.</summary>
    [Id(3)] public string? Address { get; init; }
    [Id(4)] public string? CredentialSid { get; init; }

    /// <summary>Null: Twilio's default (new message, added to and removed from a conversation).</summary>
    [Id(5)] public IReadOnlyList<string>? MessageTypes { get; init; }
}

/// <summary>
/// A conversation service's push bindings (<c>/v1/Services/{IS}/Bindings</c>), keyed by service
/// SID. Twilio's REST API only reads and deletes them; they come from client SDK registrations,
/// which the engine has no endpoint for yet: <see cref="RegisterAsync"/> is the one way in, for
/// the agents' token-authenticated endpoints (issue 15) and tests.
/// </summary>
/// <remarks>
/// One grain per service holds every binding, so a list filters in memory: fine for thousands of
/// devices, not for millions (the state is written whole on each registration).
/// </remarks>
[Alias("ConversationEngine.IPushBindingsGrain")]
public interface IPushBindingsGrain : IGrainWithStringKey
{
    /// <summary>Creates the binding, or renews the one of the same identity, type and endpoint (same SID).</summary>
    [Alias("Register")]
    Task<PushBinding> RegisterAsync(PushBindingRegistration registration);

    [Alias("Delete")]
    Task DeleteAsync(string sid);

    /// <summary>Removes every binding: for the deletion of the service.</summary>
    [Alias("Clear")]
    Task ClearAsync();

    [ReadOnly]
    [Alias("Find")]
    Task<PushBinding?> FindAsync(string sid);

    /// <summary>In registration order; empty filters match everything.</summary>
    [ReadOnly]
    [Alias("List")]
    Task<Page<PushBinding>> ListAsync(IReadOnlyList<string> bindingTypes, IReadOnlyList<string> identities, long start, int max);
}

/// <summary>One push notification kind's settings (<c>new_message</c>, <c>added_to_conversation</c>…).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.PushNotificationSetting")]
public sealed record PushNotificationSetting
{
    [Id(0)] public bool Enabled { get; init; }
    [Id(1)] public string? Template { get; init; }
    [Id(2)] public string? Sound { get; init; }
}

/// <summary>A service's push notification configuration (<c>/v1/Services/{IS}/Configuration/Notifications</c>).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.NotificationConfiguration")]
public sealed record NotificationConfiguration
{
    [Id(0)] public PushNotificationSetting NewMessage { get; init; } = new();
    [Id(1)] public bool NewMessageBadgeCountEnabled { get; init; }
    [Id(2)] public PushNotificationSetting NewMessageWithMedia { get; init; } = new();
    [Id(3)] public PushNotificationSetting AddedToConversation { get; init; } = new();
    [Id(4)] public PushNotificationSetting RemovedFromConversation { get; init; } = new();
    [Id(5)] public bool LogEnabled { get; init; }
}

/// <summary>A change of one notification kind: null leaves a value, an empty text clears it.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.PushNotificationSettingChange")]
public sealed record PushNotificationSettingChange
{
    [Id(0)] public bool? Enabled { get; init; }
    [Id(1)] public string? Template { get; init; }
    [Id(2)] public string? Sound { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.NotificationConfigurationChange")]
public sealed record NotificationConfigurationChange
{
    [Id(0)] public PushNotificationSettingChange NewMessage { get; init; } = new();
    [Id(1)] public bool? NewMessageBadgeCountEnabled { get; init; }
    [Id(2)] public PushNotificationSettingChange NewMessageWithMedia { get; init; } = new();
    [Id(3)] public PushNotificationSettingChange AddedToConversation { get; init; } = new();
    [Id(4)] public PushNotificationSettingChange RemovedFromConversation { get; init; } = new();
    [Id(5)] public bool? LogEnabled { get; init; }
}

/// <summary>
/// A service's push notification configuration, keyed by service SID. Stored and served only:
/// the engine sends no push notifications.
/// </summary>
[Alias("ConversationEngine.INotificationConfigurationGrain")]
public interface INotificationConfigurationGrain : IGrainWithStringKey
{
    [ReadOnly]
    [Alias("Get")]
    Task<NotificationConfiguration> GetAsync();

    [Alias("Update")]
    Task<NotificationConfiguration> UpdateAsync(NotificationConfigurationChange change);

    /// <summary>Back to the defaults: for the deletion of the service.</summary>
    [Alias("Clear")]
    Task ClearAsync();
}
