using Orleans.Concurrency;

namespace ConversationEngine.Users;

/// <summary>The two role scopes: a <c>service</c> role is a user's, a <c>conversation</c> role a participant's.</summary>
public static class RoleTypes
{
    public const string Conversation = "conversation";
    public const string Service = "service";
}

[GenerateSerializer]
[Alias("ConversationEngine.RoleSnapshot")]
public sealed record RoleSnapshot
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string ChatServiceSid { get; init; }
    [Id(2)] public required string FriendlyName { get; init; }
    [Id(3)] public required string Type { get; init; }
    [Id(4)] public required IReadOnlyList<string> Permissions { get; init; }
    [Id(5)] public required DateTimeOffset DateCreated { get; init; }
    [Id(6)] public required DateTimeOffset DateUpdated { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.CreateRole")]
public sealed record CreateRole
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public string? FriendlyName { get; init; }
    [Id(2)] public string? Type { get; init; }
    [Id(3)] public required IReadOnlyList<string> Permissions { get; init; }
}

/// <summary>The roles a service starts with, as its configuration names them.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.DefaultRoles")]
public sealed record DefaultRoles
{
    [Id(0)] public required string ServiceAdmin { get; init; }
    [Id(1)] public required string ServiceUser { get; init; }
    [Id(2)] public required string ConversationAdmin { get; init; }
    [Id(3)] public required string ConversationUser { get; init; }
}

/// <summary>
/// The roles of one conversation service (<c>RL…</c>), keyed by the service SID. A service holds
/// few roles, so one grain keeps them all; Twilio's default roles are made on first use.
/// </summary>
[Alias("ConversationEngine.IServiceRolesGrain")]
public interface IServiceRolesGrain : IGrainWithStringKey
{
    /// <summary>The default roles, made on the first call.</summary>
    [Alias("GetDefaults")]
    Task<DefaultRoles> GetDefaultsAsync();

    [Alias("Create")]
    Task<RoleSnapshot> CreateAsync(CreateRole command);

    [Alias("Get")]
    Task<RoleSnapshot?> GetAsync(string roleSid);

    /// <summary>Replaces the role's permissions.</summary>
    [Alias("Update")]
    Task<RoleSnapshot> UpdateAsync(string roleSid, IReadOnlyList<string> permissions);

    [Alias("Delete")]
    Task DeleteAsync(string roleSid);

    [Alias("List")]
    Task<Page<RoleSnapshot>> ListAsync(long start, int pageSize);

    /// <summary>
    /// Deletes every role, the defaults included, for good: the service is being deleted, and a
    /// later call finds no roles (404) rather than making the defaults again. Deleting again changes nothing.
    /// </summary>
    [Alias("DeleteAll")]
    Task DeleteAllAsync();

    /// <summary>Refuses (400) unless <paramref name="roleSid"/> names a role of this service of <paramref name="type"/>.</summary>
    [ReadOnly]
    [Alias("Check")]
    Task CheckAsync(string roleSid, string type);
}
