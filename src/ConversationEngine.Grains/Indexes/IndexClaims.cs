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

    /// <summary>
    /// Claims the new name of a rename, if it is one; returns how to give it back should the
    /// rename not be stored (null when nothing was claimed).
    /// </summary>
    public async Task<Func<Task>?> RenameAsync(string chatServiceSid, string? from, string? to)
    {
        if (to is null || to == from)
        {
            return null;
        }

        await ClaimUniqueNameAsync(chatServiceSid, to);
        return () => ReleaseUniqueNameAsync(chatServiceSid, to);
    }

    /// <summary>Once a rename is stored, the old name is free.</summary>
    public Task RenamedAsync(string chatServiceSid, string? from, string? to) =>
        from is not null && from != to ? ReleaseUniqueNameAsync(chatServiceSid, from) : Task.CompletedTask;

    /// <summary>Everything the conversation holds: its participants' pairs and its unique name.</summary>
    public async Task ReleaseAllAsync(ConversationSnapshot header, IEnumerable<ParticipantSnapshot> participants)
    {
        await ReleaseBindingsAsync(participants);
        if (header.UniqueName is not null)
        {
            await ReleaseUniqueNameAsync(header.ChatServiceSid, header.UniqueName);
        }
    }

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
