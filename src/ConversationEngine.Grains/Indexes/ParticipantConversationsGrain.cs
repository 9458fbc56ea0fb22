namespace ConversationEngine.Indexes;

[GenerateSerializer]
[Alias("ConversationEngine.ParticipantConversationsState")]
public sealed class ParticipantConversationsState
{
    /// <summary>In position order: entries are only appended.</summary>
    [Id(0)] public List<ParticipantConversationEntry> Entries { get; set; } = [];
    [Id(1)] public long NextPosition { get; set; }
}

/// <summary>
/// One identity's or address's conversations in one service. Adds and removes are idempotent, so a
/// conversation may repeat them after a crash; an emptied index clears its row.
/// </summary>
public sealed class ParticipantConversationsGrain(
    [PersistentState("participantconversations", "store")] IPersistentState<ParticipantConversationsState> store) : Grain, IParticipantConversationsGrain
{
    private List<ParticipantConversationEntry> Entries => store.State.Entries;

    public async Task AddAsync(string conversationSid, string participantSid)
    {
        if (Entries.Exists(e => e.ParticipantSid == participantSid))
        {
            return;
        }

        var entry = new ParticipantConversationEntry { Position = store.State.NextPosition, ConversationSid = conversationSid, ParticipantSid = participantSid };
        Entries.Add(entry);
        store.State.NextPosition++;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            Entries.Remove(entry);
            store.State.NextPosition--;
            throw;
        }

        // An identity's index is also its user's: the user's live streams start following the conversation.
        if (IndexKeys.IsParticipantIdentity(this.GetPrimaryKeyString()))
        {
            GrainFactory.GetGrain<Live.IUserLiveGrain>(this.GetPrimaryKeyString()).JoinedAsync(conversationSid).Ignore();
        }
    }

    public async Task RemoveAsync(string participantSid)
    {
        var position = Entries.FindIndex(e => e.ParticipantSid == participantSid);
        if (position < 0)
        {
            return;
        }

        var entry = Entries[position];
        Entries.RemoveAt(position);
        try
        {
            if (Entries.Count == 0)
            {
                await store.ClearStateAsync();
                store.State = new ParticipantConversationsState();
                DeactivateOnIdle();
            }
            else
            {
                await store.WriteStateAsync();
            }
        }
        catch
        {
            Entries.Insert(position, entry);
            throw;
        }
    }

    public Task<IReadOnlyList<ParticipantConversationEntry>> ListAsync(long start, bool descending, int max)
    {
        IEnumerable<ParticipantConversationEntry> entries = descending
            ? Enumerable.Reverse(Entries).Where(e => e.Position <= start)
            : Entries.Where(e => e.Position >= start);
        return Task.FromResult<IReadOnlyList<ParticipantConversationEntry>>(entries.Take(Math.Max(max, 0)).ToList());
    }
}
