using ConversationEngine.Accounts;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// The conversation service a request acts in, and the URL its resources hang under: the service
/// a <c>{ChatServiceSid}</c> route value names, else the account's default service (the short
/// <c>/v1/…</c> paths). The one place endpoints of service-held resources learn their service.
/// </summary>
public sealed record ChatServiceScope(string ServiceSid, string PathPrefix)
{
    public static async Task<ChatServiceScope> OfAsync(HttpRequest request, ConversationLookup lookup)
    {
        if (request.RouteValues.TryGetValue("ChatServiceSid", out var value) && value is string named)
        {
            if (!Sids.IsValid(named, Sids.ChatService) || await lookup.Grains.GetGrain<IChatServiceGrain>(named).GetAsync() is null)
            {
                throw Errors.Unknown("The resource");
            }

            return new ChatServiceScope(named, "/Services/" + named);
        }

        return new ChatServiceScope(await lookup.DefaultServiceSidAsync(), "");
    }
}
