using ConversationEngine.Accounts;
using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Resources;

/// <summary>Finds the conversation a path names, by SID or by UniqueName, in the default service.</summary>
public sealed class ConversationLookup(IGrainFactory grains, IOptions<Hosting.EngineOptions> options)
{
    public IGrainFactory Grains => grains;

    /// <summary>The account configuration: default service, default timers.</summary>
    public Task<AccountConfiguration> ConfigurationAsync() =>
        grains.GetGrain<IAccountGrain>(options.Value.AccountSid!).GetConfigurationAsync();

    public async Task<string> DefaultServiceSidAsync() => (await ConfigurationAsync()).DefaultChatServiceSid;

    /// <summary>The conversation's grain; 404 when the path names none.</summary>
    public async Task<IConversationGrain> GrainAsync(string sidOrUniqueName)
    {
        if (Sids.IsValid(sidOrUniqueName, Sids.Conversation))
        {
            return grains.GetGrain<IConversationGrain>(sidOrUniqueName);
        }

        var serviceSid = await DefaultServiceSidAsync();
        var holder = await grains.GetGrain<IUniqueNameIndexGrain>(IndexKeys.UniqueName(serviceSid, sidOrUniqueName)).GetHolderAsync();
        return holder is not null
            ? grains.GetGrain<IConversationGrain>(holder)
            : throw Errors.Unknown("The resource");
    }

    public async Task<(IConversationGrain Grain, ConversationSnapshot Conversation)> ExistingAsync(string sidOrUniqueName)
    {
        var grain = await GrainAsync(sidOrUniqueName);
        var conversation = await grain.GetAsync() ?? throw Errors.Unknown("The resource");
        return (grain, conversation);
    }

    /// <summary>The message the path names; 404 when there is none.</summary>
    public async Task<MessageSnapshot> MessageAsync(string sidOrUniqueName, string messageSid) =>
        await (await GrainAsync(sidOrUniqueName)).GetMessageAsync(messageSid) ?? throw Errors.Unknown("The resource");

    /// <summary>The participant the path names (by SID or identity); 404 when there is none.</summary>
    public async Task<ParticipantSnapshot> ParticipantAsync(string sidOrUniqueName, string sidOrIdentity) =>
        await (await GrainAsync(sidOrUniqueName)).GetParticipantAsync(sidOrIdentity) ?? throw Errors.Unknown("The resource");
}
