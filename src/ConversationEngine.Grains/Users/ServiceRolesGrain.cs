using ConversationEngine.Rules;

namespace ConversationEngine.Users;

[GenerateSerializer]
[Alias("ConversationEngine.ServiceRolesState")]
public sealed class ServiceRolesState
{
    [Id(0)] public DefaultRoles? Defaults { get; set; }

    /// <summary>In creation order, which is the list order.</summary>
    [Id(1)] public List<RoleSnapshot> Roles { get; set; } = [];

    /// <summary>The service was deleted: its roles are gone and are not made again.</summary>
    [Id(2)] public bool Deleted { get; set; }
}

public sealed class ServiceRolesGrain(
    [PersistentState("roles", "store")] IPersistentState<ServiceRolesState> store,
    TimeProvider time) : Grain, IServiceRolesGrain
{
    private const int FriendlyNameMaxLength = 64;

    private string ServiceSid => this.GetPrimaryKeyString();

    public async Task<DefaultRoles> GetDefaultsAsync()
    {
        await EnsureDefaultsAsync();
        return store.State.Defaults!;
    }

    public async Task<RoleSnapshot> CreateAsync(CreateRole command)
    {
        await EnsureDefaultsAsync();
        if (Find(command.Sid) is { } existing)
        {
            return existing;
        }

        var name = FieldRules.Bounded(command.FriendlyName, "FriendlyName", FriendlyNameMaxLength);
        if (string.IsNullOrEmpty(name))
        {
            throw Errors.Missing("FriendlyName");
        }

        var type = RolePermissions.CheckType(command.Type);
        var role = New(command.Sid, name, type, RolePermissions.Check(type, command.Permissions));
        store.State.Roles.Add(role);
        await WriteAsync(() => store.State.Roles.Remove(role));
        return role;
    }

    public async Task<RoleSnapshot?> GetAsync(string roleSid)
    {
        await EnsureDefaultsAsync();
        return Find(roleSid);
    }

    public async Task<RoleSnapshot> UpdateAsync(string roleSid, IReadOnlyList<string> permissions)
    {
        await EnsureDefaultsAsync();
        var position = store.State.Roles.FindIndex(r => r.Sid == roleSid);
        if (position < 0)
        {
            throw Errors.Unknown($"Role {roleSid}");
        }

        var current = store.State.Roles[position];
        var updated = current with
        {
            Permissions = RolePermissions.Check(current.Type, permissions),
            DateUpdated = time.UtcNowToSecond(),
        };
        store.State.Roles[position] = updated;
        await WriteAsync(() => store.State.Roles[position] = current);
        return updated;
    }

    public async Task DeleteAsync(string roleSid)
    {
        await EnsureDefaultsAsync();
        var position = store.State.Roles.FindIndex(r => r.Sid == roleSid);
        if (position < 0)
        {
            throw Errors.Unknown($"Role {roleSid}");
        }

        var removed = store.State.Roles[position];
        store.State.Roles.RemoveAt(position);
        await WriteAsync(() => store.State.Roles.Insert(position, removed));
    }

    public async Task<Page<RoleSnapshot>> ListAsync(long start, int pageSize)
    {
        await EnsureDefaultsAsync();
        return Page.Slice(store.State.Roles, start, pageSize);
    }

    public async Task CheckAsync(string roleSid, string type)
    {
        await EnsureDefaultsAsync();
        var role = Find(roleSid);
        if (role is null)
        {
            throw type == RoleTypes.Conversation
                ? Errors.Invalid(Errors.ConversationRoleNotFound, $"Conversation role {roleSid} was not found")
                : Errors.Invalid(Errors.RoleNotFound, $"Role {roleSid} was not found");
        }

        if (role.Type != type)
        {
            throw Errors.Invalid(Errors.InvalidRoleType, $"Role {roleSid} is a {role.Type} role; a {type} role is required");
        }
    }

    public async Task DeleteAllAsync()
    {
        if (store.State.Deleted)
        {
            return;
        }

        // A marker, not a cleared record: a call racing the service's deletion finds nothing
        // rather than making the default roles of a service that is gone.
        var previous = store.State;
        store.State = new ServiceRolesState { Deleted = true };
        await WriteAsync(() => store.State = previous);
    }

    private RoleSnapshot? Find(string roleSid) => store.State.Roles.Find(r => r.Sid == roleSid);

    private async Task EnsureDefaultsAsync()
    {
        if (store.State.Deleted)
        {
            throw Errors.Unknown($"Conversation Service {ServiceSid}");
        }

        if (store.State.Defaults is not null)
        {
            return;
        }

        var roles = new[]
        {
            New(Sids.New(Sids.Role), "service admin", RoleTypes.Service, RolePermissions.Service),
            New(Sids.New(Sids.Role), "service user", RoleTypes.Service, RolePermissions.ServiceUser),
            New(Sids.New(Sids.Role), "channel admin", RoleTypes.Conversation, RolePermissions.Conversation),
            New(Sids.New(Sids.Role), "channel user", RoleTypes.Conversation, RolePermissions.ConversationUser),
        };
        store.State.Roles.InsertRange(0, roles);
        store.State.Defaults = new DefaultRoles
        {
            ServiceAdmin = roles[0].Sid,
            ServiceUser = roles[1].Sid,
            ConversationAdmin = roles[2].Sid,
            ConversationUser = roles[3].Sid,
        };
        await WriteAsync(() =>
        {
            store.State.Roles.RemoveRange(0, roles.Length);
            store.State.Defaults = null;
        });
    }

    private RoleSnapshot New(string sid, string name, string type, IReadOnlyList<string> permissions)
    {
        var now = time.UtcNowToSecond();
        return new RoleSnapshot
        {
            Sid = sid,
            ChatServiceSid = ServiceSid,
            FriendlyName = name,
            Type = type,
            Permissions = permissions,
            DateCreated = now,
            DateUpdated = now,
        };
    }

    private async Task WriteAsync(Action undo)
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            undo();
            throw;
        }
    }
}
