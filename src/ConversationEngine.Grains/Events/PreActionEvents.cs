using ConversationEngine.Conversations;
using ConversationEngine.Twilio.Webhooks;

namespace ConversationEngine.Events;

/// <summary>
/// The pre-action events, the parameters Twilio sends with each (reference §4.3) and the fields a
/// hook's answer may modify (§4.4). Add events describe a change that does not exist yet; update
/// and remove events describe the resource as it is now, an update with the requested changes
/// laid over it, in the shape of the matching post-action event (<see cref="EventParameters"/>).
/// </summary>
public static class PreActionEvents
{
    public const string ConversationAdd = "onConversationAdd";
    public const string ConversationUpdate = "onConversationUpdate";
    public const string ConversationRemove = "onConversationRemove";
    public const string MessageAdd = "onMessageAdd";
    public const string MessageUpdate = "onMessageUpdate";
    public const string MessageRemove = "onMessageRemove";
    public const string ParticipantAdd = "onParticipantAdd";
    public const string ParticipantUpdate = "onParticipantUpdate";
    public const string ParticipantRemove = "onParticipantRemove";
    public const string UserUpdate = "onUserUpdate";

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

    /// <summary>onConversationUpdate (with <paramref name="update"/>) and onConversationRemove (without): the parameters of onConversationUpdated.</summary>
    public static List<KeyValuePair<string, string>> ConversationChangeParameters(ConversationSnapshot current, UpdateConversation? update = null) =>
        WithSource(EventParameters.Conversation(update is null ? current : current with
        {
            FriendlyName = update.FriendlyName ?? current.FriendlyName,
            UniqueName = update.UniqueName ?? current.UniqueName,
            Attributes = update.Attributes ?? current.Attributes,
            MessagingServiceSid = update.MessagingServiceSid ?? current.MessagingServiceSid,
            State = update.State ?? current.State,
            DateCreated = update.DateCreated ?? current.DateCreated,
            DateUpdated = update.DateUpdated ?? current.DateUpdated,
        }));

    /// <summary>onMessageUpdate (with <paramref name="update"/>) and onMessageRemove (without): the parameters of onMessageUpdated.</summary>
    public static List<KeyValuePair<string, string>> MessageChangeParameters(MessageSnapshot current, UpdateMessage? update = null) =>
        WithSource(EventParameters.MessageChanged(update is null ? current : current with
        {
            Body = update.Body ?? current.Body,
            Author = update.Author ?? current.Author,
            Attributes = update.Attributes ?? current.Attributes,
            DateCreated = update.DateCreated ?? current.DateCreated,
            DateUpdated = update.DateUpdated ?? current.DateUpdated,
        }));

    /// <summary>
    /// onParticipantUpdate (with <paramref name="update"/>) and onParticipantRemove (without): those
    /// of onParticipantAdded with DateUpdated, without the read horizon onParticipantUpdated adds.
    /// </summary>
    public static List<KeyValuePair<string, string>> ParticipantChangeParameters(ParticipantSnapshot current, UpdateParticipant? update = null) =>
        WithSource(EventParameters.Participant(update is null ? current : current with
        {
            Identity = update.Identity ?? current.Identity,
            RoleSid = update.RoleSid ?? current.RoleSid,
            Attributes = update.Attributes ?? current.Attributes,
            MessagingBinding = current.MessagingBinding is { } binding ? binding with
            {
                ProxyAddress = Address(update.ProxyAddress, binding.ProxyAddress),
                ProjectedAddress = Address(update.ProjectedAddress, binding.ProjectedAddress),
            } : null,
            DateCreated = update.DateCreated ?? current.DateCreated,
            DateUpdated = update.DateUpdated ?? current.DateUpdated,
        }, update is null ? ParticipantRemove : ParticipantUpdate));

    /// <summary>
    /// onUserUpdate: the user with the requested changes laid over it, by Twilio's table (ChatServiceSid,
    /// UserSid, DateUpdated, Identity, RoleSid, Attributes, FriendlyName). Twilio names no field a
    /// hook's answer may modify for users: it may only let the update through or refuse it.
    /// </summary>
    public static List<KeyValuePair<string, string>> UserUpdateParameters(Users.UserSnapshot current, Users.UpdateUser update) => Pairs(
        ("ChatServiceSid", current.ChatServiceSid),
        ("UserSid", current.Sid),
        ("DateUpdated", EventParameters.Date(current.DateUpdated)),
        ("Identity", current.Identity),
        ("RoleSid", update.RoleSid ?? current.RoleSid),
        ("Attributes", update.Attributes ?? current.Attributes),
        ("FriendlyName", update.FriendlyName ?? current.FriendlyName),
        ("Source", EventOrigin.Current.Source));

    /// <summary>A conversation created with what the hooks modified (friendly_name).</summary>
    public static CreateConversation Apply(PreActionDecision decision, CreateConversation command)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return command with { FriendlyName = decision.FriendlyName ?? command.FriendlyName };
    }

    /// <summary>A conversation updated with what the hooks modified (friendly_name).</summary>
    public static UpdateConversation Apply(PreActionDecision decision, UpdateConversation command)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return command with { FriendlyName = decision.FriendlyName ?? command.FriendlyName };
    }

    /// <summary>A message added with what the hooks modified (body, author, attributes).</summary>
    public static AddMessage Apply(PreActionDecision decision, AddMessage command)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return command with { Body = decision.Body ?? command.Body, Author = decision.Author ?? command.Author, Attributes = decision.Attributes ?? command.Attributes };
    }

    /// <summary>A message updated with what the hooks modified (body, author, attributes).</summary>
    public static UpdateMessage Apply(PreActionDecision decision, UpdateMessage command)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return command with { Body = decision.Body ?? command.Body, Author = decision.Author ?? command.Author, Attributes = decision.Attributes ?? command.Attributes };
    }

    // Twilio's literal "null" removes an address (UpdateParticipant).
    private static string? Address(string? requested, string? current) => requested switch
    {
        null => current,
        "null" => null,
        _ => requested,
    };

    private static List<KeyValuePair<string, string>> WithSource(List<KeyValuePair<string, string>> parameters)
    {
        parameters.Add(new("Source", EventOrigin.Current.Source));
        return parameters;
    }

    private static List<KeyValuePair<string, string>> Pairs(params (string Name, string? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Name, p.Value!)).ToList();
}
