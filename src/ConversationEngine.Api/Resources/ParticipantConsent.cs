using ConversationEngine.Contacts;
using ConversationEngine.Conversations;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// A messaging participant's consent for the participant JSON (an engine extension field, which
/// Twilio's helper libraries ignore): one contact-channel read per messaging participant, towards
/// the conversation's Messaging Service or, without one, the participant's proxy address — where
/// its keywords and opt-ins are recorded. Null for chat participants.
/// </summary>
internal static class ParticipantConsent
{
    public static async Task<ConsentSummaryResource?> ReadAsync(IGrainFactory grains, IConversationGrain conversation, ParticipantSnapshot participant) =>
        participant.MessagingBinding is { Address: not null }
            ? await ReadAsync(grains, (await conversation.GetAsync())?.MessagingServiceSid, participant)
            : null;

    public static async Task<ConsentSummaryResource?> ReadAsync(IGrainFactory grains, string? messagingServiceSid, ParticipantSnapshot participant)
    {
        if (participant.MessagingBinding is not { Address: { } address } binding)
        {
            return null;
        }

        // An address-only participant in a conversation without a service has no scope yet: nothing is on record.
        if ((messagingServiceSid ?? binding.ProxyAddress) is not { } scope)
        {
            return new ConsentSummaryResource(ConsentStates.None, null, null);
        }

        return ConsentSummaryResource.Of(await grains.GetGrain<IContactChannelGrain>(ContactKeys.Channel(scope, address)).GetAsync());
    }
}
