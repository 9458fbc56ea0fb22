using ConversationEngine.Accounts;
using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// Finds the conversation a path names, by SID or by UniqueName, in the request's service
/// (<see cref="ServiceScope"/>): a conversation of another service is not there (404). One per request.
/// </summary>
public sealed class ConversationLookup(IGrainFactory grains, IOptions<Hosting.EngineOptions> options, ServiceScope scope)
{
    private string? serviceSid;

    public IGrainFactory Grains => grains;

    /// <summary>The account configuration: default service, default timers.</summary>
    public Task<AccountConfiguration> ConfigurationAsync() =>
        grains.GetGrain<IAccountGrain>(options.Value.AccountSid!).GetConfigurationAsync();

    public async Task<string> DefaultServiceSidAsync() => (await ConfigurationAsync()).DefaultChatServiceSid;

    /// <summary>The service the request acts in: the one its path names, else the account's default.</summary>
    public async Task<string> ServiceSidAsync() =>
        serviceSid ??= scope.NamedServiceSid ?? await DefaultServiceSidAsync();

    /// <summary>The conversation's grain; 404 when the path names none.</summary>
    public async Task<IConversationGrain> GrainAsync(string sidOrUniqueName) => (await FindAsync(sidOrUniqueName)).Grain;

    public async Task<(IConversationGrain Grain, ConversationSnapshot Conversation)> ExistingAsync(string sidOrUniqueName)
    {
        var (grain, conversation) = await FindAsync(sidOrUniqueName);
        return (grain, conversation ?? await grain.GetAsync() ?? throw Errors.Unknown("The resource"));
    }

    /// <summary>The message the path names; 404 when there is none.</summary>
    public async Task<MessageSnapshot> MessageAsync(string sidOrUniqueName, string messageSid) =>
        await (await GrainAsync(sidOrUniqueName)).GetMessageAsync(messageSid) ?? throw Errors.Unknown("The resource");

    /// <summary>The participant the path names (by SID or identity), with its conversation's grain; 404 when there is none.</summary>
    public async Task<(IConversationGrain Grain, ParticipantSnapshot Participant)> ParticipantAsync(string sidOrUniqueName, string sidOrIdentity)
    {
        var grain = await GrainAsync(sidOrUniqueName);
        return (grain, await grain.GetParticipantAsync(sidOrIdentity) ?? throw Errors.Unknown("The resource"));
    }

    /// <summary>
    /// The grain, with the conversation when finding it took reading it: a SID in a service's path
    /// is checked against the service (a UniqueName is found in the service's own index).
    /// </summary>
    private async Task<(IConversationGrain Grain, ConversationSnapshot? Conversation)> FindAsync(string sidOrUniqueName)
    {
        if (Sids.IsValid(sidOrUniqueName, Sids.Conversation))
        {
            var grain = grains.GetGrain<IConversationGrain>(sidOrUniqueName);
            if (!scope.Scoped)
            {
                return (grain, null);
            }

            var conversation = await grain.GetAsync();
            return conversation is not null && conversation.ChatServiceSid == await ServiceSidAsync()
                ? (grain, conversation)
                : throw Errors.Unknown("The resource");
        }

        var holder = await grains.GetGrain<IUniqueNameIndexGrain>(IndexKeys.UniqueName(await ServiceSidAsync(), sidOrUniqueName)).GetHolderAsync();
        return holder is not null
            ? (grains.GetGrain<IConversationGrain>(holder), null)
            : throw Errors.Unknown("The resource");
    }
}
