using ConversationEngine.Accounts;

namespace ConversationEngine.Users;

/// <summary>The role defaults of a service: its configuration's, or, for a service never initialised, the roles it starts with.</summary>
internal static class ServiceDefaults
{
    public static async Task<(string ConversationRole, string ServiceRole)> RolesAsync(IGrainFactory grains, string chatServiceSid)
    {
        var service = grains.GetGrain<IChatServiceGrain>(chatServiceSid);
        if (await service.GetAsync() is not null)
        {
            var configuration = await service.GetConfigurationAsync();
            return (configuration.DefaultConversationRoleSid!, configuration.DefaultChatServiceRoleSid!);
        }

        var defaults = await grains.GetGrain<IServiceRolesGrain>(chatServiceSid).GetDefaultsAsync();
        return (defaults.ConversationUser, defaults.ServiceUser);
    }
}
