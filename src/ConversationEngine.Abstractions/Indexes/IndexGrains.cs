using Orleans.Concurrency;

namespace ConversationEngine.Indexes;

/// <summary>
/// A key that at most one conversation holds at a time. One activation per key serialises
/// competing claims across silos.
/// </summary>
[Alias("ConversationEngine.ISingleHolderIndexGrain")]
public interface ISingleHolderIndexGrain : IGrainWithStringKey
{
    /// <summary>Claims the key; returns null on success or the SID of the conversation holding it.</summary>
    [Alias("Claim")]
    Task<string?> ClaimAsync(string conversationSid);

    /// <summary>Releases the key if <paramref name="conversationSid"/> holds it.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string conversationSid);

    [ReadOnly]
    [Alias("GetHolder")]
    Task<string?> GetHolderAsync();
}

/// <summary>The one non-closed conversation holding an (Address, ProxyAddress) pair, keyed by <see cref="IndexKeys.Binding"/>.</summary>
[Alias("ConversationEngine.IBindingIndexGrain")]
public interface IBindingIndexGrain : ISingleHolderIndexGrain;

/// <summary>The conversation SID registered under a UniqueName, keyed by <see cref="IndexKeys.UniqueName"/>.</summary>
[Alias("ConversationEngine.IUniqueNameIndexGrain")]
public interface IUniqueNameIndexGrain : ISingleHolderIndexGrain;

public static class IndexKeys
{
    /// <summary><c>IS…/uniqueName</c>, hashed when the name cannot stand in a key as it is (<see cref="GrainKeys"/>).</summary>
    public static string UniqueName(string chatServiceSid, string uniqueName) => GrainKeys.Prefixed(chatServiceSid, uniqueName);

    /// <summary><c>address|proxyAddress</c>, hashed when either cannot stand in a key as it is (<see cref="GrainKeys"/>).</summary>
    public static string Binding(string address, string proxyAddress) => GrainKeys.Pair(address, proxyAddress);

    /// <summary><c>IS…/identity/identity</c>, hashed when the identity cannot stand in a key as it is (<see cref="GrainKeys"/>).</summary>
    public static string ParticipantIdentity(string chatServiceSid, string identity) => GrainKeys.Prefixed(chatServiceSid + "/identity", identity);

    /// <summary>Whether an index key is an identity's (<see cref="ParticipantIdentity"/>), not an address's.</summary>
    public static bool IsParticipantIdentity(string key) =>
        key.Length > 34 && (key.AsSpan(34).StartsWith("/identity/") || key.AsSpan(34).StartsWith("/identity#"));

    /// <summary><c>IS…/address/address</c> (a participant's <c>messaging_binding.address</c>), hashed likewise.</summary>
    public static string ParticipantAddress(string chatServiceSid, string address) => GrainKeys.Prefixed(chatServiceSid + "/address", address);

    public static string MessagePage(string conversationSid, long pageNumber) =>
        conversationSid + "/" + pageNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string DirectoryPage(string chatServiceSid, long pageNumber) =>
        chatServiceSid + "/conversations/" + pageNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
