using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using ConversationEngine.Rules;

namespace ConversationEngine.Senders;

/// <summary>A participant's binding as admitted, the pair it claimed, and what to do once it is stored.</summary>
internal sealed record Admission(MessagingBinding? Binding, string? ClaimedPair, Func<Task>? AfterStored);

/// <summary>
/// Admits a new participant and claims its address pair. An SMS or WhatsApp participant given an
/// address but no proxy, in a conversation with a sender pool, gets the pool's best sender whose
/// pair is free (sticky first, then geomatch and the rest of the selection rules); that choice
/// becomes the recipient's sticky sender only once the participant is stored.
/// </summary>
internal static class ProxyAssignment
{
    public static async Task<Admission> AdmitAsync(
        IGrainFactory grains, IndexClaims claims, AddParticipant command, ConversationSnapshot header, IReadOnlyCollection<ParticipantSnapshot> participants)
    {
        if (command is not { Address: not null, ProxyAddress: null, ProjectedAddress: null, Identity: null } || header.MessagingServiceSid is not { } service)
        {
            var admitted = ParticipantRules.Admit(command, participants);
            if (admitted?.PairKey is { } pair)
            {
                await claims.ClaimBindingAsync(pair);
            }

            return new Admission(admitted, admitted?.PairKey, null);
        }

        var address = ChannelAddress.Parse(command.Address, "MessagingBinding.Address", Errors.InvalidParameter);
        if (address.Type is not (ChannelTypes.Sms or ChannelTypes.WhatsApp))
        {
            throw Errors.Invalid(Errors.ProxyAddressRequired, "MessagingBinding.ProxyAddress is required for this channel");
        }

        var pool = await grains.GetGrain<IMessagingServiceGrain>(service).GetPoolAsync()
            ?? throw Errors.Unknown($"Messaging Service {service}");
        var (ranked, sticky) = await PoolChoice.RankAsync(grains, pool, address.Type, address.Value, twoWay: true);
        EngineException? taken = null;
        foreach (var sender in ranked)
        {
            var binding = ParticipantRules.Admit(command with { ProxyAddress = sender.AddressFor(address.Type) }, participants)!;
            try
            {
                await claims.ClaimBindingAsync(binding.PairKey!);
                return new Admission(binding, binding.PairKey, () => PoolChoice.KeepAsync(grains, pool, address.Value, sender, sticky));
            }
            catch (EngineException conflict) when (conflict.Code == Errors.BindingInUse)
            {
                taken = conflict;
            }
        }

        throw taken ?? Errors.Invalid(21703, $"No sender in Messaging Service {service} can reach {address.Value}");
    }
}
