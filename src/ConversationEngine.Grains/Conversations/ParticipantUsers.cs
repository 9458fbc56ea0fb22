using ConversationEngine.Rules;
using ConversationEngine.Users;

namespace ConversationEngine.Conversations;

/// <summary>
/// What a participant takes from its service before it is drafted: its conversation role (the
/// service's default when none is given, else a conversation role of the service) and, for an
/// identity, the user it links to, created on first use as Twilio does.
/// </summary>
internal static class ParticipantUsers
{
    public static async Task<AddParticipant> PrepareAsync(IGrainFactory grains, string chatServiceSid, AddParticipant command)
    {
        var roleSid = await CheckRoleAsync(grains, chatServiceSid, command.RoleSid)
            ?? (await ServiceDefaults.RolesAsync(grains, chatServiceSid)).ConversationRole;
        await EnsureUserAsync(grains, chatServiceSid, command.Identity);
        return command with { RoleSid = roleSid };
    }

    public static async Task PrepareAsync(IGrainFactory grains, string chatServiceSid, UpdateParticipant command)
    {
        await CheckRoleAsync(grains, chatServiceSid, command.RoleSid);
        await EnsureUserAsync(grains, chatServiceSid, command.Identity);
    }

    private static async Task<string?> CheckRoleAsync(IGrainFactory grains, string chatServiceSid, string? roleSid)
    {
        if (FieldRules.Sid(roleSid, Sids.Role, "RoleSid") is not { } sid)
        {
            return null;
        }

        await grains.GetGrain<IServiceRolesGrain>(chatServiceSid).CheckAsync(sid, RoleTypes.Conversation);
        return sid;
    }

    /// <summary>
    /// Before the participant is stored: a participant whose add then fails leaves a user behind,
    /// as a Twilio user outlives its participants; a repeated add finds the user there.
    /// </summary>
    private static async Task EnsureUserAsync(IGrainFactory grains, string chatServiceSid, string? identity)
    {
        if (identity is { Length: > 0 } && identity.Length <= FieldRules.NameMaxLength)
        {
            await grains.GetGrain<IUserIdentityGrain>(UserKeys.Identity(chatServiceSid, identity)).EnsureAsync(identity, chatServiceSid);
        }
    }
}
