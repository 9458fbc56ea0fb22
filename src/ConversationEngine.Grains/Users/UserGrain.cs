using ConversationEngine.Events;
using ConversationEngine.Rules;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Users;

[GenerateSerializer]
[Alias("ConversationEngine.UserGrainState")]
public sealed class UserGrainState
{
    [Id(0)] public UserSnapshot? User { get; set; }

    /// <summary>
    /// Events of changes this state carries (onUserAdded, onUserUpdated), written with it and moved
    /// into the user's feed right after, as a conversation's are; a later write or activation drops them.
    /// </summary>
    [Id(1)] public List<ConversationEvent> PendingEvents { get; set; } = [];
}

/// <summary>
/// A user. Its changes are events of its own feed (keyed by its SID, as a conversation's feed is by
/// the conversation's), so user webhooks go through the same fan-out, queues and retries as the
/// conversations' events, in order per user.
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", "store")] IPersistentState<UserGrainState> store,
    IGrainFactory grains,
    IEventStore events,
    TimeProvider time,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private EventFeed? feed;

    private EventFeed Feed => feed ??= new EventFeed(events, grains, this.GetPrimaryKeyString(), logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (store.State.User is not null || store.State.PendingEvents.Count > 0)
        {
            await Feed.OpenAsync(store.State.PendingEvents);
            await Feed.FlushAsync(store.State.PendingEvents, store.State.User?.ChatServiceSid);
        }
    }

    public async Task<UserSnapshot> CreateAsync(UserSnapshot user)
    {
        if (store.State.User is { } existing)
        {
            return existing;
        }

        await SaveAsync(user, null, NewEvent(EventTypes.UserAdded, user));
        return user;
    }

    public Task<UserSnapshot?> GetAsync() => Task.FromResult(store.State.User);

    public async Task<UserSnapshot> UpdateAsync(UpdateUser update)
    {
        var current = store.State.User ?? throw Errors.Unknown("The resource");
        var roleSid = FieldRules.Sid(update.RoleSid, Sids.Role, "RoleSid");
        if (roleSid is not null)
        {
            await grains.GetGrain<IServiceRolesGrain>(current.ChatServiceSid).CheckAsync(roleSid, RoleTypes.Service);
        }

        var updated = current with
        {
            FriendlyName = update.FriendlyName is null ? current.FriendlyName : FieldRules.Bounded(update.FriendlyName, "FriendlyName"),
            Attributes = FieldRules.Attributes(update.Attributes, UserDrafts.AttributesMaxBytes, current.Attributes),
            RoleSid = roleSid ?? current.RoleSid,
            DateUpdated = time.UtcNowToSecond(),
        };
        await SaveAsync(updated, current, NewEvent(EventTypes.UserUpdated, updated));
        return updated;
    }

    public async Task ReachabilityAsync(bool online)
    {
        if (store.State.User is { } user)
        {
            await SaveAsync(user, user, NewEvent(EventTypes.UserUpdated, user, online));
        }
    }

    public async Task<UserSnapshot?> DeleteAsync()
    {
        var user = store.State.User;
        if (user is not null)
        {
            // Events still carried go to the feed first: they happened.
            await Feed.FlushAsync(store.State.PendingEvents, user.ChatServiceSid);
            await store.ClearStateAsync();
            store.State = new UserGrainState();
        }

        return user;
    }

    /// <summary>Writes the user with the event of the change, then moves the event into the feed.</summary>
    private async Task SaveAsync(UserSnapshot user, UserSnapshot? previous, ConversationEvent change)
    {
        store.State.User = user;
        store.State.PendingEvents.Add(change);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.User = previous;
            store.State.PendingEvents.Remove(change);
            throw;
        }

        await Feed.FlushAsync(store.State.PendingEvents, user.ChatServiceSid);
    }

    /// <summary>The next event of the user's feed, from whoever made the change (the request context says).</summary>
    private ConversationEvent NewEvent(string type, UserSnapshot user, bool? isOnline = null)
    {
        var origin = EventOrigin.Current;
        return new ConversationEvent
        {
            ConversationSid = user.Sid,
            ChatServiceSid = user.ChatServiceSid,
            Sequence = Feed.Take(),
            Type = type,
            Date = time.GetUtcNow(),
            Source = origin.Source,
            WebhookEnabled = origin.WebhookEnabled,
            Parameters = EventParameters.User(user, type, isOnline),
        };
    }
}

/// <summary>How a create becomes a user: field rules applied, the service's default role filled.</summary>
internal static class UserDrafts
{
    /// <summary>Twilio's limit for user attributes, as for participants.</summary>
    public const int AttributesMaxBytes = 16 * 1024;

    public static async Task<UserSnapshot> NewAsync(IGrainFactory grains, string identity, CreateUser command, DateTimeOffset now)
    {
        var roleSid = FieldRules.Sid(command.RoleSid, Sids.Role, "RoleSid");
        if (roleSid is not null)
        {
            await grains.GetGrain<IServiceRolesGrain>(command.ChatServiceSid).CheckAsync(roleSid, RoleTypes.Service);
        }
        else
        {
            roleSid = (await ServiceDefaults.RolesAsync(grains, command.ChatServiceSid)).ServiceRole;
        }

        return new UserSnapshot
        {
            Sid = command.Sid,
            ChatServiceSid = command.ChatServiceSid,
            Identity = identity,
            FriendlyName = FieldRules.Bounded(command.FriendlyName, "FriendlyName"),
            Attributes = FieldRules.Attributes(command.Attributes, AttributesMaxBytes),
            RoleSid = roleSid,
            DateCreated = now,
            DateUpdated = now,
        };
    }
}
