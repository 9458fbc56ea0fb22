using Orleans.Concurrency;

namespace ConversationEngine.Users;

[GenerateSerializer]
[Alias("ConversationEngine.UserSnapshot")]
public sealed record UserSnapshot
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string ChatServiceSid { get; init; }
    [Id(2)] public required string Identity { get; init; }
    [Id(3)] public string? FriendlyName { get; init; }
    [Id(4)] public required string Attributes { get; init; }
    [Id(5)] public string? RoleSid { get; init; }
    [Id(6)] public required DateTimeOffset DateCreated { get; init; }
    [Id(7)] public required DateTimeOffset DateUpdated { get; init; }
}

[GenerateSerializer]
[Alias("ConversationEngine.CreateUser")]
public sealed record CreateUser
{
    /// <summary>The SID the new user gets (reserved by an idempotency key, or new).</summary>
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string ChatServiceSid { get; init; }
    [Id(2)] public string? FriendlyName { get; init; }
    [Id(3)] public string? Attributes { get; init; }
    [Id(4)] public string? RoleSid { get; init; }
}

/// <summary>A user update; a null member leaves that field as it is.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.UpdateUser")]
public sealed record UpdateUser
{
    [Id(0)] public string? FriendlyName { get; init; }
    [Id(1)] public string? Attributes { get; init; }
    [Id(2)] public string? RoleSid { get; init; }
}

/// <summary>A user (<c>US…</c>), keyed by its SID.</summary>
[Alias("ConversationEngine.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Stores the user as drafted by its identity's index; the same user again changes nothing.</summary>
    [Alias("Create")]
    Task<UserSnapshot> CreateAsync(UserSnapshot user);

    [ReadOnly]
    [Alias("Get")]
    Task<UserSnapshot?> GetAsync();

    [Alias("Update")]
    Task<UserSnapshot> UpdateAsync(UpdateUser update);

    /// <summary>The user came online or went offline: an onUserUpdated event with <c>IsOnline</c> (nothing stored changes).</summary>
    [Alias("Reachability")]
    Task ReachabilityAsync(bool online);

    /// <summary>Deletes the user; returns what it was, or null when there was none.</summary>
    [Alias("Delete")]
    Task<UserSnapshot?> DeleteAsync();
}

/// <summary>
/// The user an identity names in a service, keyed by <see cref="UserKeys.Identity"/>: one activation
/// per identity serialises competing creates, so an identity names at most one user.
/// </summary>
[Alias("ConversationEngine.IUserIdentityGrain")]
public interface IUserIdentityGrain : IGrainWithStringKey
{
    /// <summary>Creates the user; 409 (50201) when the identity names another user already.</summary>
    [Alias("Create")]
    Task<UserSnapshot> CreateAsync(string identity, CreateUser command);

    /// <summary>The identity's user, created with the service's defaults when there is none (a chat participant's first use).</summary>
    [Alias("Ensure")]
    Task<UserSnapshot> EnsureAsync(string identity, string chatServiceSid);

    [Alias("GetUser")]
    Task<UserSnapshot?> GetUserAsync();

    /// <summary>Forgets the user if the identity names <paramref name="userSid"/>.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string userSid);
}

[GenerateSerializer]
[Alias("ConversationEngine.UserEntry")]
public sealed record UserEntry
{
    [Id(0)] public required long Position { get; init; }
    [Id(1)] public required string UserSid { get; init; }
}

/// <summary>The users of a service in creation order, keyed by the service SID, for listing.</summary>
[Alias("ConversationEngine.IUserDirectoryGrain")]
public interface IUserDirectoryGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(string userSid);

    [Alias("Remove")]
    Task RemoveAsync(string userSid);

    /// <summary>Forgets the list (the service is deleted, and its users with it).</summary>
    [Alias("Clear")]
    Task ClearAsync();

    /// <summary>Up to <paramref name="max"/> users from <paramref name="start"/> on.</summary>
    [ReadOnly]
    [Alias("Range")]
    Task<IReadOnlyList<UserEntry>> RangeAsync(long start, int max);
}

public static class UserKeys
{
    /// <summary><c>IS…/identity</c>, hashed when the identity cannot stand in a key as it is (<see cref="GrainKeys"/>).</summary>
    public static string Identity(string chatServiceSid, string identity) => GrainKeys.Prefixed(chatServiceSid + "/users", identity);
}
