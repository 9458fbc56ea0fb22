using ConversationEngine.Rules;

namespace ConversationEngine.Users;

[GenerateSerializer]
[Alias("ConversationEngine.UserGrainState")]
public sealed class UserGrainState
{
    [Id(0)] public UserSnapshot? User { get; set; }
}

public sealed class UserGrain(
    [PersistentState("user", "store")] IPersistentState<UserGrainState> store,
    IGrainFactory grains,
    TimeProvider time) : Grain, IUserGrain
{
    public async Task<UserSnapshot> CreateAsync(UserSnapshot user)
    {
        if (store.State.User is { } existing)
        {
            return existing;
        }

        store.State.User = user;
        await store.WriteStateAsync();
        return user;
    }

    public Task<UserSnapshot?> GetAsync() => Task.FromResult(store.State.User);

    public async Task<UserSnapshot> UpdateAsync(UpdateUser update)
    {
        var current = store.State.User ?? throw Errors.Unknown("The resource");
        var roleSid = FieldRules.Sid(update.RoleSid, Sids.Role, "RoleSid");
        if (roleSid is not null)
        {
            await grains.GetGrain<IServiceRolesGrain>(current.ChatServiceSid).CheckAsync(roleSid, RoleTypes.Service);
        }

        var updated = current with
        {
            FriendlyName = update.FriendlyName is null ? current.FriendlyName : FieldRules.Bounded(update.FriendlyName, "FriendlyName"),
            Attributes = FieldRules.Attributes(update.Attributes, UserDrafts.AttributesMaxBytes, current.Attributes),
            RoleSid = roleSid ?? current.RoleSid,
            DateUpdated = time.UtcNowToSecond(),
        };
        store.State.User = updated;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.User = current;
            throw;
        }

        return updated;
    }

    public async Task<UserSnapshot?> DeleteAsync()
    {
        var user = store.State.User;
        if (user is not null)
        {
            await store.ClearStateAsync();
            store.State = new UserGrainState();
        }

        return user;
    }
}

/// <summary>How a create becomes a user: field rules applied, the service's default role filled.</summary>
internal static class UserDrafts
{
    /// <summary>Twilio's limit for user attributes, as for participants.</summary>
    public const int AttributesMaxBytes = 16 * 1024;

    public static async Task<UserSnapshot> NewAsync(IGrainFactory grains, string identity, CreateUser command, DateTimeOffset now)
    {
        var roleSid = FieldRules.Sid(command.RoleSid, Sids.Role, "RoleSid");
        if (roleSid is not null)
        {
            await grains.GetGrain<IServiceRolesGrain>(command.ChatServiceSid).CheckAsync(roleSid, RoleTypes.Service);
        }
        else
        {
            roleSid = (await ServiceDefaults.RolesAsync(grains, command.ChatServiceSid)).ServiceRole;
        }

        return new UserSnapshot
        {
            Sid = command.Sid,
            ChatServiceSid = command.ChatServiceSid,
            Identity = identity,
            FriendlyName = FieldRules.Bounded(command.FriendlyName, "FriendlyName"),
            Attributes = FieldRules.Attributes(command.Attributes, AttributesMaxBytes),
            RoleSid = roleSid,
            DateCreated = now,
            DateUpdated = now,
        };
    }
}
