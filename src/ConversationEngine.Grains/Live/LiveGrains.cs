using ConversationEngine.Accounts;
using ConversationEngine.Events;
using ConversationEngine.Indexes;
using ConversationEngine.Users;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace ConversationEngine.Live;

/// <summary>How long a front end's subscription lasts without being renewed (front ends renew every minute).</summary>
public static class LiveSubscriptions
{
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(3);

    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);
}

/// <summary>Passes a conversation's hints to the front ends subscribed to it; forgets front ends that stop answering or renewing.</summary>
[Reentrant]
public sealed partial class ConversationLiveGrain(ILogger<ConversationLiveGrain> logger) : Grain, IConversationLiveGrain
{
    private readonly ObserverManager<ILiveObserver> observers = new(LiveSubscriptions.Expiry, logger);

    private long notified;

    public Task<long> SubscribeAsync(ILiveObserver observer)
    {
        observers.Subscribe(observer, observer);
        return Task.FromResult(notified);
    }

    public Task UnsubscribeAsync(ILiveObserver observer)
    {
        observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task NotifyAsync(long sequence)
    {
        notified = Math.Max(notified, sequence);
        var conversationSid = this.GetPrimaryKeyString();
        observers.Notify(o => o.EventsAvailable(conversationSid, sequence));
        return Task.CompletedTask;
    }

    public Task TypingAsync(string identity)
    {
        var conversationSid = this.GetPrimaryKeyString();
        observers.Notify(o => o.Typing(conversationSid, identity));
        return Task.CompletedTask;
    }

    public Task ReachabilityAsync(string identity, bool online)
    {
        var conversationSid = this.GetPrimaryKeyString();
        observers.Notify(o => o.Reachability(conversationSid, identity, online));
        return Task.CompletedTask;
    }
}

/// <summary>
/// A user's front ends and connection counts. In a service with ReachabilityEnabled, coming online
/// or going offline is told to every conversation the user takes part in (read from its identity
/// index), for their participants' streams, and to the user, whose feed gets an onUserUpdated.
/// </summary>
[Reentrant]
public sealed class UserLiveGrain(ILogger<UserLiveGrain> logger) : Grain, IUserLiveGrain
{
    private readonly ObserverManager<ILiveObserver> observers = new(LiveSubscriptions.Expiry, logger);
    private readonly Dictionary<ILiveObserver, int> connections = [];
    private bool online;
    private string? identity;
    private IGrainTimer? expiry;

    public async Task ConnectionsAsync(ILiveObserver observer, string identity, int count)
    {
        this.identity = identity;

        // While online, look again every refresh period: a front end that died without saying so
        // stops renewing, and its connections stop counting once it expires.
        expiry ??= this.RegisterGrainTimer(AnnounceAsync, new GrainTimerCreationOptions(LiveSubscriptions.Refresh, LiveSubscriptions.Refresh) { KeepAlive = true });
        if (count > 0)
        {
            observers.Subscribe(observer, observer);
            connections[observer] = count;
        }
        else
        {
            observers.Unsubscribe(observer);
            connections.Remove(observer);
        }

        await AnnounceAsync();
    }

    public Task JoinedAsync(string conversationSid)
    {
        var key = this.GetPrimaryKeyString();
        observers.Notify(o => o.Joined(key, conversationSid));
        return Task.CompletedTask;
    }

    public Task<bool> IsOnlineAsync()
    {
        // Front ends that stopped renewing are not online for them.
        observers.ClearExpired();
        foreach (var gone in connections.Keys.Where(o => !observers.Observers.ContainsKey(o)).ToList())
        {
            connections.Remove(gone);
        }

        return Task.FromResult(connections.Values.Any(c => c > 0));
    }

    private async Task AnnounceAsync()
    {
        var now = await IsOnlineAsync();
        if (!now)
        {
            expiry?.Dispose();
            expiry = null;
        }

        if (now == online)
        {
            return;
        }

        online = now;
        var serviceSid = this.GetPrimaryKeyString()[..34];
        if (identity is null || !(await GrainFactory.GetGrain<IChatServiceGrain>(serviceSid).GetConfigurationAsync()).ReachabilityEnabled)
        {
            return;
        }

        var entries = await GrainFactory.GetGrain<IParticipantConversationsGrain>(this.GetPrimaryKeyString()).ListAsync(0, descending: false, int.MaxValue);
        foreach (var conversationSid in entries.Select(e => e.ConversationSid).Distinct())
        {
            GrainFactory.GetGrain<IConversationLiveGrain>(conversationSid).ReachabilityAsync(identity, now).Ignore();
        }

        if (await GrainFactory.GetGrain<IUserIdentityGrain>(UserKeys.Identity(serviceSid, identity)).GetUserAsync() is { } user)
        {
            await GrainFactory.GetGrain<IUserGrain>(user.Sid).ReachabilityAsync(now);
        }
    }
}

/// <summary>Reads the event feeds for front ends (which have no database connection of their own).</summary>
[StatelessWorker]
public sealed class EventFeedGrain(IEventStore events) : Grain, IEventFeedGrain
{
    public Task<IReadOnlyList<ConversationEvent>> ReadAsync(string conversationSid, long after, int max) =>
        events.ReadAsync(conversationSid, after, Math.Clamp(max, 1, 1000));

    public Task<long> HighestAsync(string conversationSid) => events.HighestAsync(conversationSid);
}
