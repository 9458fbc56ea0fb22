using ConversationEngine.Accounts;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// The <c>{ChatServiceSid}</c> of a path: the account's default service (made on first use) or a
/// service its grain knows; anything else is 404 with Twilio's body.
/// </summary>
public static class ChatServiceExistence
{
    public static async Task<string> RequireAsync(string chatServiceSid, ConversationLookup lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (!Sids.IsValid(chatServiceSid, Sids.ChatService))
        {
            throw Errors.Unknown("The resource");
        }

        // Asking for the default first creates it on a new account, so its first request finds it.
        if (chatServiceSid == await lookup.DefaultServiceSidAsync()
            || await lookup.Grains.GetGrain<IChatServiceGrain>(chatServiceSid).GetAsync() is not null)
        {
            return chatServiceSid;
        }

        throw Errors.Unknown("The resource");
    }
}
