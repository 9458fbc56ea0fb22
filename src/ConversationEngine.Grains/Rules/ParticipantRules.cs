using ConversationEngine.Conversations;

namespace ConversationEngine.Rules;

/// <summary>
/// The participant rules of Twilio's Conversations limits page: who may join, with which binding,
/// and how many. Pure: the conversation grain applies them to its own state.
/// </summary>
public static class ParticipantRules
{
    public const int MaxParticipants = 1000;
    public const int MaxNonChatParticipants = 50;

    /// <summary>The literal Twilio accepts on update to remove a proxy or projected address.</summary>
    public const string RemoveValue = "null";

    /// <summary>Validates a new participant against the conversation's participants; returns its binding.</summary>
    public static MessagingBinding? Admit(AddParticipant command, IReadOnlyCollection<ParticipantSnapshot> existing)
    {
        var identity = FieldRules.Bounded(command.Identity, "Identity");
        if (identity is { Length: 0 })
        {
            throw Errors.Invalid("Identity", "must not be empty");
        }

        var binding = Binding(command);
        if (identity is null && binding is null)
        {
            throw Errors.Missing("Identity or MessagingBinding.Address");
        }

        if (identity is not null && existing.Any(p => p.Identity == identity))
        {
            throw Errors.Conflict(Errors.IdentityInUse, $"Participant with identity '{identity}' already exists in the conversation");
        }

        if (binding is not null)
        {
            CheckUniqueBinding(binding, existing, exceptSid: null);
        }

        if (existing.Count >= MaxParticipants)
        {
            throw Errors.Invalid(Errors.TooManyParticipants, $"The conversation already has the maximum of {MaxParticipants} participants");
        }

        if (binding?.Address is not null && existing.Count(p => p.MessagingBinding?.Address is not null) >= MaxNonChatParticipants)
        {
            throw Errors.Invalid(Errors.TooManyNonChatParticipants, $"The conversation already has the maximum of {MaxNonChatParticipants} non-chat participants");
        }

        return binding;
    }

    /// <summary>Applies an update's binding changes; returns the new binding (null for a chat participant).</summary>
    public static MessagingBinding? Rebind(ParticipantSnapshot participant, UpdateParticipant command, IReadOnlyCollection<ParticipantSnapshot> existing)
    {
        var binding = participant.MessagingBinding;
        if (command.ProxyAddress is not null)
        {
            if (binding?.Address is null)
            {
                throw Errors.Invalid(command.ProxyAddress == RemoveValue ? 50440 : 50441, "The participant has no MessagingBinding.Address, so it cannot have a proxy address");
            }

            if (command.ProxyAddress == RemoveValue)
            {
                if (binding.ProxyAddress is null)
                {
                    throw Errors.Invalid(50440, "The participant has no proxy address to remove");
                }

                binding = binding with { ProxyAddress = null };
            }
            else
            {
                var address = ChannelAddress.Parse(binding.Address, "MessagingBinding.Address", Errors.InvalidParameter);
                binding = binding with { ProxyAddress = Proxy(command.ProxyAddress, address).Value };
            }
        }

        if (command.ProjectedAddress is not null)
        {
            if (binding?.Address is not null)
            {
                throw Errors.Invalid(Errors.ProjectedAddressOnBinding, "A participant with MessagingBinding.Address cannot have a projected address");
            }

            binding = command.ProjectedAddress == RemoveValue
                ? null
                : new MessagingBinding { Type = ChannelTypes.Sms, ProjectedAddress = Projected(command.ProjectedAddress) };
        }

        if (binding is not null && binding != participant.MessagingBinding)
        {
            CheckUniqueBinding(binding, existing, participant.Sid);
        }

        return binding;
    }

    public static void CheckIdentity(string? identity, string participantSid, IReadOnlyCollection<ParticipantSnapshot> existing)
    {
        FieldRules.Bounded(identity, "Identity");
        if (identity is { Length: 0 })
        {
            throw Errors.Invalid("Identity", "must not be empty");
        }

        if (identity is not null && existing.Any(p => p.Identity == identity && p.Sid != participantSid))
        {
            throw Errors.Conflict(Errors.IdentityInUse, $"Participant with identity '{identity}' already exists in the conversation");
        }
    }

    private static MessagingBinding? Binding(AddParticipant command)
    {
        if (command.Address is null)
        {
            if (command.ProxyAddress is not null)
            {
                throw Errors.Missing("MessagingBinding.Address");
            }

            return command.ProjectedAddress is null
                ? null
                : new MessagingBinding { Type = ChannelTypes.Sms, ProjectedAddress = Projected(command.ProjectedAddress) };
        }

        if (command.Identity is not null)
        {
            throw Errors.Invalid("Identity", "a participant has either an Identity (chat) or a MessagingBinding.Address, not both");
        }

        if (command.ProjectedAddress is not null)
        {
            throw Errors.Invalid(Errors.ProjectedAddressOnBinding, "MessagingBinding.ProjectedAddress cannot be combined with MessagingBinding.Address");
        }

        var address = ChannelAddress.Parse(command.Address, "MessagingBinding.Address", Errors.InvalidParameter);
        if (command.ProxyAddress is null)
        {
            // Only SMS can go without a proxy: an address-only participant of a group MMS.
            if (address.Type != ChannelTypes.Sms)
            {
                throw Errors.Invalid(Errors.ProxyAddressRequired, "MessagingBinding.ProxyAddress is required for this channel");
            }

            return new MessagingBinding { Type = address.Type, Address = address.Value };
        }

        var proxy = Proxy(command.ProxyAddress, address);
        return new MessagingBinding { Type = address.Type, Address = address.Value, ProxyAddress = proxy.Value };
    }

    private static ChannelAddress Proxy(string raw, ChannelAddress address)
    {
        if (raw.Trim().Length == 0)
        {
            throw Errors.Invalid(Errors.ProxyAddressRequired, "MessagingBinding.ProxyAddress must not be empty");
        }

        SenderSelection.CheckTwoWay(raw.Trim());
        var proxy = ChannelAddress.Parse(raw, "MessagingBinding.ProxyAddress", Errors.InvalidProxyAddress, allowShortCode: true);
        if (proxy.Type != address.Type)
        {
            throw Errors.Invalid(Errors.ChannelMismatch, $"MessagingBinding.Address is a {address.Type} address but MessagingBinding.ProxyAddress is a {proxy.Type} address");
        }

        if (proxy.Value == address.Value)
        {
            throw Errors.Invalid(Errors.AddressEqualsProxy, "MessagingBinding.Address and MessagingBinding.ProxyAddress must differ");
        }

        return proxy;
    }

    private static string Projected(string raw)
    {
        var projected = ChannelAddress.Parse(raw, "MessagingBinding.ProjectedAddress", Errors.InvalidProxyAddress);
        if (projected.Type != ChannelTypes.Sms)
        {
            throw Errors.Invalid("MessagingBinding.ProjectedAddress", "must be an SMS phone number (group MMS)");
        }

        return projected.Value;
    }

    private static void CheckUniqueBinding(MessagingBinding binding, IReadOnlyCollection<ParticipantSnapshot> existing, string? exceptSid)
    {
        foreach (var other in existing)
        {
            if (other.Sid == exceptSid || other.MessagingBinding is not { } theirs)
            {
                continue;
            }

            var same = (binding.Address is not null && binding.Address == theirs.Address && binding.ProxyAddress == theirs.ProxyAddress)
                || (binding.ProjectedAddress is not null && binding.ProjectedAddress == theirs.ProjectedAddress);
            if (same)
            {
                throw Errors.Conflict(Errors.GroupParticipantExists, "A participant with the same messaging binding already exists in the conversation");
            }
        }
    }
}
