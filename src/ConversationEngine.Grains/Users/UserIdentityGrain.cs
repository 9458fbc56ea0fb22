using ConversationEngine.Rules;

namespace ConversationEngine.Users;

[GenerateSerializer]
[Alias("ConversationEngine.UserIdentityState")]
public sealed class UserIdentityState
{
    [Id(0)] public string? UserSid { get; set; }
}

/// <summary>
/// The identity's claim on its user. The claim is stored before the user, so a crash between the
/// two leaves a claim without a user: the next create or first use finds the user missing and
/// carries on (or starts again) rather than refusing the identity for good.
/// </summary>
public sealed class UserIdentityGrain(
    [PersistentState("identity", "store")] IPersistentState<UserIdentityState> store,
    IGrainFactory grains,
    TimeProvider time) : Grain, IUserIdentityGrain
{
    public async Task<UserSnapshot> CreateAsync(string identity, CreateUser command)
    {
        CheckIdentity(identity);
        if (await GetUserAsync() is { } existing)
        {
            return existing.Sid == command.Sid
                ? existing
                : throw Errors.Conflict(Errors.UserExists, $"User with identity '{identity}' already exists in the service");
        }

        // Drafted (and checked) before anything is stored: a refused create leaves no claim.
        var user = await UserDrafts.NewAsync(grains, identity, command, time.UtcNowToSecond());
        if (store.State.UserSid != user.Sid)
        {
            store.State.UserSid = user.Sid;
            await store.WriteStateAsync();
        }

        // Listed before it exists: a list skips an entry without its user, and a retry after a
        // crash finds the entry there and creates the user.
        await grains.GetGrain<IUserDirectoryGrain>(user.ChatServiceSid).AddAsync(user.Sid);
        return await grains.GetGrain<IUserGrain>(user.Sid).CreateAsync(user);
    }

    public async Task<UserSnapshot> EnsureAsync(string identity, string chatServiceSid) =>
        await GetUserAsync() ?? await CreateAsync(identity, new CreateUser
        {
            // A claim left by a crash is finished under its own SID.
            Sid = store.State.UserSid ?? Sids.New(Sids.User),
            ChatServiceSid = chatServiceSid,
        });

    public async Task<UserSnapshot?> GetUserAsync() =>
        store.State.UserSid is { } sid ? await grains.GetGrain<IUserGrain>(sid).GetAsync() : null;

    public async Task ReleaseAsync(string userSid)
    {
        if (store.State.UserSid == userSid)
        {
            await store.ClearStateAsync();
            store.State = new UserIdentityState();
        }
    }

    private static void CheckIdentity(string identity)
    {
        if (string.IsNullOrEmpty(FieldRules.Bounded(identity, "Identity")))
        {
            throw Errors.Missing("Identity");
        }
    }
}
