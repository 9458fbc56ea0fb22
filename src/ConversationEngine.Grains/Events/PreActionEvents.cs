using ConversationEngine.Conversations;

namespace ConversationEngine.Events;

/// <summary>The pre-action events and the parameters Twilio sends with each (reference §4.3), before the change exists.</summary>
public static class PreActionEvents
{
    public const string ConversationAdd = "onConversationAdd";
    public const string MessageAdd = "onMessageAdd";
    public const string ParticipantAdd = "onParticipantAdd";

    public static List<KeyValuePair<string, string>> MessageAddParameters(string conversationSid, AddMessage m) => Pairs(
        ("ConversationSid", conversationSid),
        ("Body", m.Body),
        ("Author", m.Author),
        ("Attributes", m.Attributes ?? "{}"),
        ("Source", EventOrigin.Current.Source));

    public static List<KeyValuePair<string, string>> ConversationAddParameters(CreateConversation c, string? address = null, string? proxyAddress = null, string? messageBody = null) => Pairs(
        ("FriendlyName", c.FriendlyName),
        ("UniqueName", c.UniqueName),
        ("Attributes", c.Attributes ?? "{}"),
        ("ChatServiceSid", c.ChatServiceSid),
        ("MessagingServiceSid", c.MessagingServiceSid),
        ("MessagingBinding.Address", address),
        ("MessagingBinding.ProxyAddress", proxyAddress),
        ("MessageBody", messageBody),
        ("State", c.State ?? ConversationStates.Active),
        ("Source", EventOrigin.Current.Source));

    public static List<KeyValuePair<string, string>> ParticipantAddParameters(string conversationSid, AddParticipant p) => Pairs(
        ("ConversationSid", conversationSid),
        ("Identity", p.Identity),
        ("RoleSid", p.RoleSid),
        ("Attributes", p.Attributes ?? "{}"),
        ("MessagingBinding.Address", p.Address),
        ("MessagingBinding.ProxyAddress", p.ProxyAddress),
        ("MessagingBinding.ProjectedAddress", p.ProjectedAddress),
        ("Source", EventOrigin.Current.Source));

    private static List<KeyValuePair<string, string>> Pairs(params (string Name, string? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Name, p.Value!)).ToList();
}
