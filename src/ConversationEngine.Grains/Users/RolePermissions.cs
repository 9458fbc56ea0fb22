namespace ConversationEngine.Users;

/// <summary>
/// Twilio's permission names for each role type, and the roles a service starts with. The reference
/// leaves the vocabulary unconfirmed; these are the names of Twilio's Role resource documentation
/// ("Permission Values"), and the default roles are the engine's choice (README, Roles).
/// </summary>
public static class RolePermissions
{
    public static readonly IReadOnlyList<string> Service =
    [
        "addParticipant", "createConversation", "deleteAnyMessage", "deleteConversation", "editAnyMessage",
        "editAnyMessageAttributes", "editAnyParticipantAttributes", "editAnyUserInfo", "editConversationAttributes",
        "editConversationName", "editOwnMessage", "editOwnMessageAttributes", "editOwnParticipantAttributes",
        "editOwnUserInfo", "joinConversation", "removeParticipant",
    ];

    public static readonly IReadOnlyList<string> Conversation =
    [
        "addNonChatParticipant", "addParticipant", "deleteAnyMessage", "deleteConversation", "deleteOwnMessage",
        "editAnyMessage", "editAnyMessageAttributes", "editAnyParticipantAttributes", "editConversationAttributes",
        "editConversationName", "editNotificationLevel", "editOwnMessage", "editOwnMessageAttributes",
        "editOwnParticipantAttributes", "leaveConversation", "removeParticipant", "sendMediaMessage", "sendMessage",
    ];

    public static readonly IReadOnlyList<string> ServiceUser = ["createConversation", "joinConversation", "editOwnUserInfo"];

    public static readonly IReadOnlyList<string> ConversationUser =
    [
        "sendMessage", "sendMediaMessage", "leaveConversation", "editOwnMessage", "editOwnMessageAttributes",
        "deleteOwnMessage", "editOwnParticipantAttributes", "editNotificationLevel",
    ];

    /// <summary>The type as given, refused with 50105 unless it is one of Twilio's two.</summary>
    public static string CheckType(string? type) => type switch
    {
        null or "" => throw Errors.Missing("Type"),
        RoleTypes.Conversation or RoleTypes.Service => type,
        _ => throw Errors.Invalid(Errors.InvalidRoleType, $"Invalid Type '{type}': must be conversation or service"),
    };

    /// <summary>The permissions without repeats, in the order given; each must be one of the type's names.</summary>
    public static IReadOnlyList<string> Check(string type, IReadOnlyList<string> permissions)
    {
        if (permissions.Count == 0)
        {
            throw Errors.Missing("Permission");
        }

        var known = type == RoleTypes.Service ? Service : Conversation;
        foreach (var permission in permissions)
        {
            if (!known.Contains(permission, StringComparer.Ordinal))
            {
                throw Errors.Invalid("Permission", $"'{permission}' is not a permission of a {type} role");
            }
        }

        return permissions.Distinct(StringComparer.Ordinal).ToList();
    }
}
