using ConversationEngine.Indexes;
using ConversationEngine.Rules;
using ConversationEngine.Senders;

namespace ConversationEngine.Conversations;

/// <summary>
/// A conversation's participants: admission (with the binding claim and a pool-chosen proxy),
/// updates, removal. It changes the state in memory and says how to undo it; the conversation
/// grain decides on activity and stores.
/// </summary>
internal sealed class ParticipantRoster(IGrainFactory grains, IndexClaims claims, ConversationGrainState state)
{
    private List<ParticipantSnapshot> Participants => state.Participants;

    public ParticipantSnapshot? Find(string sidOrIdentity) =>
        Participants.Find(p => p.Sid == sidOrIdentity) ?? Participants.Find(p => p.Identity == sidOrIdentity);

    public async Task<(ParticipantSnapshot Participant, PendingChange Change)> AddAsync(AddParticipant command, ConversationSnapshot header, DateTimeOffset now)
    {
        var (participant, admission) = await AdmitAsync(command, header, Participants, now);
        return (participant, Place(participant, admission));
    }

    /// <summary>
    /// Validates a new participant against <paramref name="participants"/> and claims its pair;
    /// nothing is added yet (<see cref="Place"/> does), so a whole batch can be admitted first.
    /// </summary>
    public async Task<(ParticipantSnapshot Participant, Admission Admission)> AdmitAsync(
        AddParticipant command, ConversationSnapshot header, IReadOnlyCollection<ParticipantSnapshot> participants, DateTimeOffset now)
    {
        var admission = await ProxyAssignment.AdmitAsync(grains, claims, command, header, participants);
        return (Drafts.NewParticipant(command, header, admission.Binding, now), admission);
    }

    /// <summary>Adds an admitted participant; the change gives its pair back should the write fail.</summary>
    public PendingChange Place(ParticipantSnapshot participant, Admission admission)
    {
        Participants.Add(participant);
        return new PendingChange(
            () => Participants.Remove(participant),
            admission.ClaimedPair is { } pair ? () => claims.ReleaseBindingAsync(pair) : null,
            admission.AfterStored);
    }

    /// <summary>Updates the participant; a new pair is claimed unless the conversation is closed (closed ones hold none).</summary>
    public async Task<(ParticipantSnapshot Participant, PendingChange Change)> UpdateAsync(string participantSid, UpdateParticipant command, bool holdsPairs, DateTimeOffset now)
    {
        var position = Position(participantSid);
        var current = Participants[position];
        var updated = Drafts.UpdatedParticipant(current, command, Participants, now);
        var (oldPair, newPair) = (current.MessagingBinding?.PairKey, updated.MessagingBinding?.PairKey);
        var claimed = holdsPairs && newPair is not null && newPair != oldPair ? newPair : null;
        if (claimed is not null)
        {
            await claims.ClaimBindingAsync(claimed);
        }

        Participants[position] = updated;
        return (updated, new PendingChange(
            () => Participants[position] = current,
            claimed is not null ? () => claims.ReleaseBindingAsync(claimed) : null,
            holdsPairs && oldPair is not null && oldPair != newPair ? () => claims.ReleaseBindingAsync(oldPair) : null));
    }

    public PendingChange Remove(string participantSid)
    {
        var position = Position(participantSid);
        var participant = Participants[position];
        Participants.RemoveAt(position);
        return new PendingChange(() => Participants.Insert(position, participant), AfterStored: () => claims.ReleaseBindingsAsync([participant]));
    }

    private int Position(string participantSid) =>
        Participants.FindIndex(p => p.Sid == participantSid) is var position and >= 0 ? position : throw Errors.Unknown($"Participant {participantSid}");
}
