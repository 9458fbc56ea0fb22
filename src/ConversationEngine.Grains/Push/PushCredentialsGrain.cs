using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;

namespace ConversationEngine.Push;

/// <summary>A credential with its secrets, as stored; only <see cref="Credential"/> leaves the grain.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.StoredPushCredential")]
public sealed record StoredPushCredential
{
    [Id(0)] public required PushCredential Credential { get; init; }
    [Id(1)] public string? Certificate { get; init; }
    [Id(2)] public string? PrivateKey { get; init; }
    [Id(3)] public string? ApiKey { get; init; }
    [Id(4)] public string? Secret { get; init; }

    /// <summary>Keeps secrets out of anything that prints the record.</summary>
    public override string ToString() => $"StoredPushCredential {{ Credential = {Credential} }}";
}

[GenerateSerializer]
[Alias("ConversationEngine.PushCredentialsState")]
public sealed class PushCredentialsState
{
    [Id(0)] public List<StoredPushCredential> Credentials { get; set; } = [];
}

public sealed class PushCredentialsGrain(
    [PersistentState("credentials", "store")] IPersistentState<PushCredentialsState> store,
    TimeProvider time) : Grain, IPushCredentialsGrain
{
    /// <summary>Twilio's limit for FriendlyName.</summary>
    public const int FriendlyNameMaxLength = 64;

    /// <summary>The engine's bound on a certificate, key or secret (a PEM certificate is a few KB).</summary>
    public const int SecretMaxLength = 16 * 1024;

    private static readonly string[] Types = ["apn", "gcm", "fcm"];

    private List<StoredPushCredential> Credentials => store.State.Credentials;

    public async Task<PushCredential> CreateAsync(PushCredentialChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Sid is { } reserved && Credentials.Find(c => c.Credential.Sid == reserved) is { } created)
        {
            return created.Credential;
        }

        var type = Type(change.Type ?? throw Errors.Missing("Type"));
        var now = time.UtcNowToSecond();
        var credential = Apply(new StoredPushCredential
        {
            Credential = new PushCredential { Sid = change.Sid ?? Sids.New(Sids.Credential), Type = type, DateCreated = now, DateUpdated = now },
        }, change);
        Credentials.Add(credential);
        await store.WriteOrRevertAsync(() => Credentials.Remove(credential));
        return credential.Credential;
    }

    public async Task<PushCredential> UpdateAsync(string sid, PushCredentialChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var position = Position(sid);
        var current = Credentials[position];
        var updated = Apply(current, change);
        updated = updated with { Credential = updated.Credential with { DateUpdated = time.UtcNowToSecond() } };
        Credentials[position] = updated;
        await store.WriteOrRevertAsync(() => Credentials[position] = current);
        return updated.Credential;
    }

    public async Task DeleteAsync(string sid)
    {
        var position = Position(sid);
        var removed = Credentials[position];
        Credentials.RemoveAt(position);
        await store.WriteOrRevertAsync(() => Credentials.Insert(position, removed));
    }

    public Task<PushCredential?> FindAsync(string sid) => Task.FromResult(Credentials.Find(c => c.Credential.Sid == sid)?.Credential);

    public Task<Page<PushCredential>> ListAsync(long start, int max) =>
        Task.FromResult(Page.Slice(Credentials.Select(c => c.Credential).ToList(), start, max));

    private int Position(string sid) =>
        Credentials.FindIndex(c => c.Credential.Sid == sid) is var position and >= 0 ? position : throw Errors.Unknown($"Credential {sid}");

    private static string Type(string type) =>
        Types.Contains(type) ? type : throw Errors.Invalid("Type", $"'{type}' is not one of {string.Join(", ", Types)}");

    /// <summary>Validates every value before any is taken, so a refused update changes nothing.</summary>
    private static StoredPushCredential Apply(StoredPushCredential current, PushCredentialChange change) => current with
    {
        Credential = current.Credential with
        {
            Type = change.Type is null ? current.Credential.Type : Type(change.Type),
            FriendlyName = FieldRules.Bounded(change.FriendlyName, "FriendlyName", FriendlyNameMaxLength) ?? current.Credential.FriendlyName,
            Sandbox = change.Sandbox ?? current.Credential.Sandbox,
        },
        Certificate = FieldRules.Bounded(change.Certificate, "Certificate", SecretMaxLength) ?? current.Certificate,
        PrivateKey = FieldRules.Bounded(change.PrivateKey, "PrivateKey", SecretMaxLength) ?? current.PrivateKey,
        ApiKey = FieldRules.Bounded(change.ApiKey, "ApiKey", SecretMaxLength) ?? current.ApiKey,
        Secret = FieldRules.Bounded(change.Secret, "Secret", SecretMaxLength) ?? current.Secret,
    };
}
