using ConversationEngine.Conversations;

namespace ConversationEngine.Rules;

/// <summary>
/// How a command becomes the conversation, participant or message it describes: field rules
/// applied, defaults filled, nothing stored. The conversation grain decides when to keep them.
/// </summary>
public static class Drafts
{
    public const string SystemAuthor = "system";

    public static ConversationSnapshot NewConversation(string sid, CreateConversation command, DateTimeOffset now)
    {
        var state = CheckState(command.State ?? ConversationStates.Active);
        return new()
        {
            Sid = sid,
            ChatServiceSid = command.ChatServiceSid,
            MessagingServiceSid = FieldRules.Sid(command.MessagingServiceSid, Sids.MessagingService, "MessagingServiceSid"),
            FriendlyName = FieldRules.Bounded(command.FriendlyName, "FriendlyName"),
            UniqueName = FieldRules.UniqueName(command.UniqueName),
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.ConversationAttributesMaxBytes),
            State = state,
            DateCreated = command.DateCreated ?? now,
            DateUpdated = command.DateUpdated ?? command.DateCreated ?? now,
        };
    }

    public static ConversationSnapshot UpdatedConversation(ConversationSnapshot header, UpdateConversation command, DateTimeOffset now)
    {
        if (command.State is not null)
        {
            ConversationLifecycle.CheckTransition(header.State, CheckState(command.State));
        }

        return header with
        {
            FriendlyName = FieldRules.Bounded(command.FriendlyName, "FriendlyName") ?? header.FriendlyName,
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.ConversationAttributesMaxBytes, header.Attributes),
            MessagingServiceSid = FieldRules.Sid(command.MessagingServiceSid, Sids.MessagingService, "MessagingServiceSid") ?? header.MessagingServiceSid,
            UniqueName = command.UniqueName is null ? header.UniqueName : FieldRules.UniqueName(command.UniqueName),
            State = command.State ?? header.State,
            DateCreated = command.DateCreated ?? header.DateCreated,
            DateUpdated = command.DateUpdated ?? now,
        };
    }

    public static ParticipantSnapshot NewParticipant(AddParticipant command, ConversationSnapshot header, MessagingBinding? binding, DateTimeOffset now) => new()
    {
        Sid = command.Sid ?? Sids.New(Sids.Participant),
        ConversationSid = header.Sid,
        ChatServiceSid = header.ChatServiceSid,
        Identity = command.Identity,
        Attributes = FieldRules.Attributes(command.Attributes, FieldRules.ParticipantAttributesMaxBytes),
        MessagingBinding = binding,
        RoleSid = FieldRules.Sid(command.RoleSid, Sids.Role, "RoleSid"),
        DateCreated = command.DateCreated ?? now,
        DateUpdated = command.DateUpdated ?? command.DateCreated ?? now,
    };

    public static ParticipantSnapshot UpdatedParticipant(ParticipantSnapshot current, UpdateParticipant command, IReadOnlyCollection<ParticipantSnapshot> participants, DateTimeOffset now)
    {
        ParticipantRules.CheckIdentity(command.Identity, current.Sid, participants);
        var binding = ParticipantRules.Rebind(current, command, participants);
        if (command.LastReadMessageIndex is < 0)
        {
            throw Errors.Invalid("LastReadMessageIndex", "must not be negative");
        }

        if (command.NotificationLevel is not (null or "default" or "muted"))
        {
            throw Errors.Invalid("NotificationLevel", "must be default or muted");
        }

        return current with
        {
            Identity = command.Identity ?? current.Identity,
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.ParticipantAttributesMaxBytes, current.Attributes),
            RoleSid = FieldRules.Sid(command.RoleSid, Sids.Role, "RoleSid") ?? current.RoleSid,
            MessagingBinding = binding,
            LastReadMessageIndex = command.LastReadMessageIndex ?? current.LastReadMessageIndex,
            LastReadTimestamp = command.LastReadTimestamp ?? current.LastReadTimestamp,
            NotificationLevel = command.NotificationLevel switch
            {
                null => current.NotificationLevel,
                "muted" => "muted",
                _ => null,
            },
            DateCreated = command.DateCreated ?? current.DateCreated,
            DateUpdated = command.DateUpdated ?? now,
        };
    }

    /// <summary>The message <paramref name="command"/> adds at <paramref name="index"/>.</summary>
    public static MessageSnapshot NewMessage(AddMessage command, ConversationSnapshot header, long index, IReadOnlyList<ParticipantSnapshot> participants, DateTimeOffset now)
    {
        var author = FieldRules.Bounded(command.Author, "Author") is { Length: > 0 } named ? named : SystemAuthor;
        var contentSid = FieldRules.Sid(command.ContentSid, Sids.Content, "ContentSid");
        FieldRules.ContentVariables(command.ContentVariables);
        var subject = FieldRules.Bounded(command.Subject, "Subject", FieldRules.SubjectMaxLength);
        var media = Media(command.MediaSids) ?? (command.MediaItems is { Count: > 0 } items ? items.ToList() : null);

        // With a content template the body and media come from the template (Twilio ignores both).
        var body = contentSid is null ? command.Body : null;
        if (contentSid is null && body is null && media is null)
        {
            throw Errors.Missing("Body, MediaSid or ContentSid");
        }

        // Inbound messages (with a source) are only held to the 32 KB chat limit: what a channel
        // delivered to us is never refused for being too long to send back out.
        FieldRules.Body(body, command.SourceSid is null && ReachesChannels(participants));
        return new MessageSnapshot
        {
            Sid = Sids.NewMessage(index, command.Reservation),
            ConversationSid = header.Sid,
            ChatServiceSid = header.ChatServiceSid,
            Index = index,
            Author = author,
            Body = body,
            Media = contentSid is null ? media : null,
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.MessageAttributesMaxBytes),
            ParticipantSid = AuthorParticipant(author, participants)?.Sid,
            ContentSid = contentSid,
            SourceSid = command.SourceSid,
            Subject = subject,
            DateCreated = command.DateCreated ?? now,
            DateUpdated = command.DateUpdated ?? command.DateCreated ?? now,
        };
    }

    public static MessageSnapshot UpdatedMessage(MessageSnapshot current, UpdateMessage command, IReadOnlyList<ParticipantSnapshot> participants, DateTimeOffset now)
    {
        var subject = FieldRules.Bounded(command.Subject, "Subject", FieldRules.SubjectMaxLength);
        var author = FieldRules.Bounded(command.Author, "Author");
        FieldRules.Body(command.Body, ReachesChannels(participants));
        return current with
        {
            Author = author ?? current.Author,
            ParticipantSid = author is null ? current.ParticipantSid : AuthorParticipant(author, participants)?.Sid,
            Body = command.Body ?? current.Body,
            Subject = subject ?? current.Subject,
            Attributes = FieldRules.Attributes(command.Attributes, FieldRules.MessageAttributesMaxBytes, current.Attributes),
            DateCreated = command.DateCreated ?? current.DateCreated,
            DateUpdated = command.DateUpdated ?? now,
        };
    }

    public static string CheckState(string state) =>
        state is ConversationStates.Active or ConversationStates.Inactive or ConversationStates.Closed
            ? state
            : throw Errors.Invalid("State", $"'{state}' is not one of active, inactive, closed");

    private static List<MediaItem>? Media(IReadOnlyList<string>? mediaSids) =>
        mediaSids is null || mediaSids.Count == 0
            ? null
            : mediaSids.Select(sid => new MediaItem
            {
                Sid = Sids.IsValid(sid, Sids.Media) ? sid : throw Errors.Invalid(Errors.InvalidMediaSid, $"MediaSid '{sid}' is not a media SID (ME…)"),
            }).ToList();

    private static ParticipantSnapshot? AuthorParticipant(string author, IReadOnlyList<ParticipantSnapshot> participants) =>
        participants.FirstOrDefault(p => p.Identity == author)
        ?? participants.FirstOrDefault(p => p.MessagingBinding?.Address == author || p.MessagingBinding?.ProjectedAddress == author);

    private static bool ReachesChannels(IReadOnlyList<ParticipantSnapshot> participants) =>
        participants.Any(p => p.MessagingBinding?.Address is not null);
}
