using ConversationEngine.Indexes;

namespace ConversationEngine.Conversations;

/// <summary>
/// A conversation's entries in the participant-conversation indexes (one per identity, one per
/// binding address, per service): which entries a participant change adds or drops, and applying
/// them. The changes travel in the conversation's state (<see cref="ConversationGrainState.PendingIndexChanges"/>),
/// so a crash between the participant's write and the index's is mended on the next activation.
/// </summary>
internal sealed class ParticipantDirectory(IGrainFactory grains, string conversationSid, ConversationGrainState state)
{
    public static IReadOnlyList<ParticipantIndexChange> Joined(ParticipantSnapshot participant) =>
        Keys(participant).Select(key => new ParticipantIndexChange { Key = key, ParticipantSid = participant.Sid }).ToList();

    public static IReadOnlyList<ParticipantIndexChange> Left(ParticipantSnapshot participant) =>
        Keys(participant).Select(key => new ParticipantIndexChange { Key = key, ParticipantSid = participant.Sid, Removed = true }).ToList();

    /// <summary>An update that renamed the participant (identity) moves its entry.</summary>
    public static IReadOnlyList<ParticipantIndexChange> Changed(ParticipantSnapshot before, ParticipantSnapshot after)
    {
        var (old, current) = (Keys(before).ToList(), Keys(after).ToList());
        return
        [
            .. old.Except(current).Select(key => new ParticipantIndexChange { Key = key, ParticipantSid = before.Sid, Removed = true }),
            .. current.Except(old).Select(key => new ParticipantIndexChange { Key = key, ParticipantSid = after.Sid }),
        ];
    }

    /// <summary>Carries <paramref name="changes"/> in the state with <paramref name="change"/>; undoing the change drops them.</summary>
    public PendingChange With(PendingChange change, IReadOnlyList<ParticipantIndexChange> changes)
    {
        if (changes.Count == 0)
        {
            return change;
        }

        state.PendingIndexChanges.AddRange(changes);
        return change with
        {
            Revert = () =>
            {
                change.Revert();
                state.PendingIndexChanges.RemoveAll(changes.Contains);
            },
        };
    }

    /// <summary>Applies the changes the state carries, in order; what fails stays for the next write or activation.</summary>
    public async Task FlushAsync()
    {
        var pending = state.PendingIndexChanges.ToList();
        foreach (var change in pending)
        {
            await ApplyAsync(change);
            state.PendingIndexChanges.Remove(change);
        }
    }

    /// <summary>Drops every entry of the participants at once (the conversation is being deleted).</summary>
    public async Task ForgetAsync(IEnumerable<ParticipantSnapshot> participants)
    {
        foreach (var change in participants.SelectMany(Left))
        {
            await ApplyAsync(change);
        }
    }

    private Task ApplyAsync(ParticipantIndexChange change)
    {
        var index = grains.GetGrain<IParticipantConversationsGrain>(change.Key);
        return change.Removed ? index.RemoveAsync(change.ParticipantSid) : index.AddAsync(conversationSid, change.ParticipantSid);
    }

    private static IEnumerable<string> Keys(ParticipantSnapshot participant)
    {
        if (participant.Identity is { } identity)
        {
            yield return IndexKeys.ParticipantIdentity(participant.ChatServiceSid, identity);
        }

        if (participant.MessagingBinding?.Address is { } address)
        {
            yield return IndexKeys.ParticipantAddress(participant.ChatServiceSid, address);
        }
    }
}
