using ConversationEngine.Conversations;

namespace ConversationEngine.Indexes;

/// <summary>
/// One conversation's claims on the single-holder indexes: its unique name within its service and
/// the (address, proxy address) pairs of its participants.
/// </summary>
internal sealed class IndexClaims(IGrainFactory grains, string conversationSid)
{
    public async Task ClaimUniqueNameAsync(string chatServiceSid, string uniqueName)
    {
        var holder = await ClaimAsync(UniqueName(chatServiceSid, uniqueName), holder => holder is null);
        if (holder is not null)
        {
            throw Errors.Conflict(Errors.UniqueNameTaken, $"A conversation with UniqueName '{uniqueName}' already exists: {holder}");
        }
    }

    public Task ReleaseUniqueNameAsync(string chatServiceSid, string uniqueName) =>
        UniqueName(chatServiceSid, uniqueName).ReleaseAsync(conversationSid);

    public async Task ClaimBindingAsync(string pairKey)
    {
        var holder = await ClaimAsync(Binding(pairKey), holder => holder is null || holder.State == ConversationStates.Closed);
        if (holder is not null)
        {
            throw Errors.Conflict(Errors.BindingInUse, $"A binding for this participant and proxy address already exists in Conversation {holder}");
        }
    }

    public Task ReleaseBindingAsync(string pairKey) => Binding(pairKey).ReleaseAsync(conversationSid);

    public async Task ReleaseBindingsAsync(IEnumerable<ParticipantSnapshot> participants)
    {
        foreach (var pair in participants.Select(p => p.MessagingBinding?.PairKey).OfType<string>())
        {
            await ReleaseBindingAsync(pair);
        }
    }

    /// <summary>
    /// Claims an index key; returns null on success or the holder's SID. A holder that no longer
    /// holds by right (gone, or closed by a timer whose reminder has not run yet) loses the key
    /// first: a late reminder or a crash midway through a delete must not keep a key taken. Its
    /// own release later finds another holder and does nothing.
    /// </summary>
    /// <remarks>
    /// The one call between two conversations: the claimant asks the holder, by
    /// <see cref="IConversationGrain.PeekAsync"/>, how it stands. Peek is always interleaved and
    /// calls nothing itself, so two conversations claiming each other's keys at once cannot wait
    /// on each other.
    /// </remarks>
    private async Task<string?> ClaimAsync(ISingleHolderIndexGrain index, Func<ConversationSnapshot?, bool> forfeits)
    {
        var holder = await index.ClaimAsync(conversationSid);
        if (holder is null || !forfeits(await grains.GetGrain<IConversationGrain>(holder).PeekAsync()))
        {
            return holder;
        }

        await index.ReleaseAsync(holder);
        return await index.ClaimAsync(conversationSid);
    }

    private IBindingIndexGrain Binding(string pairKey) => grains.GetGrain<IBindingIndexGrain>(pairKey);

    private IUniqueNameIndexGrain UniqueName(string chatServiceSid, string uniqueName) =>
        grains.GetGrain<IUniqueNameIndexGrain>(IndexKeys.UniqueName(chatServiceSid, uniqueName));
}
