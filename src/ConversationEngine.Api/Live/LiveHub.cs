using System.Collections.Concurrent;
using ConversationEngine.Conversations;
using ConversationEngine.Events;
using ConversationEngine.Indexes;
using ConversationEngine.Live;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Live;

/// <summary>The live stream's limits.</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>Frames queued for one client before it is told to resync and closed.</summary>
    public int QueueLimit { get; set; } = 1000;

    /// <summary>How long a new connection may take to send <c>hello</c> before it is streamed from now on.</summary>
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Connections one user may hold on one front end.</summary>
    public int MaxConnectionsPerUser { get; set; } = 10;

    /// <summary>How often subscriptions are renewed and memberships looked at again (under the grains' 3-minute expiry).</summary>
    public TimeSpan RefreshInterval { get; set; } = LiveSubscriptions.Refresh;
}

/// <summary>
/// This front end's live connections, and its grain observer: the cluster tells it which
/// conversations have new events, and it reads them from the feed once per conversation for all its
/// connections following that conversation, each of which takes only what it has not had. Which
/// front end a client reaches does not matter: every front end following a conversation is told.
/// </summary>
public sealed partial class LiveHub(IGrainFactory grains, IOptions<LiveOptions> options, ILogger<LiveHub> logger) : ILiveObserver, IHostedService, IDisposable
{
    private const int Batch = 200;

    private readonly ConcurrentDictionary<string, Follow> conversations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<LiveConnection>> users = new(StringComparer.Ordinal);

    /// <summary>Per user: the identity index position the refresh has looked at up to (exclusive).</summary>
    private readonly ConcurrentDictionary<string, long> indexSeen = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private ILiveObserver? reference;
    private Timer? refresh;

    public LiveOptions Options => options.Value;

    /// <summary>Serves one connection until it ends: hello, ready, then events as they come.</summary>
    public async Task RunAsync(LiveConnection connection, CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, connection.Closing, stopping.Token);
        var pump = connection.PumpAsync(linked.Token);
        try
        {
            var hello = await HelloAsync(connection, linked.Token);
            await StartAsync(connection, LiveFrames.ReadPositions(hello));
            await ListenAsync(connection, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // Closed by the client, the server or a resync.
        }
        finally
        {
            connection.Close();
            await StopAsync(connection);
            await pump;
        }
    }

    private async Task<System.Text.Json.Nodes.JsonObject?> HelloAsync(LiveConnection connection, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(Options.HelloTimeout);
        try
        {
            var first = await connection.ReceiveAsync(timeout.Token);
            return (string?)first?["type"] == "hello" ? first : null;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Follows every conversation the user takes part in: after the position the client gave for
    /// it, else after the feed's end now (the client reads what came before over REST). A
    /// conversation the client gave that the user no longer takes part in is answered with <c>left</c>.
    /// </summary>
    private async Task StartAsync(LiveConnection connection, Dictionary<string, long> given)
    {
        var reference = await ReferenceAsync();
        lock (gate)
        {
            var list = users.GetOrAdd(connection.UserKey, _ => []);
            list.Add(connection);
        }

        await AnnounceConnectionsAsync(connection);
        var membership = await MembershipAsync(connection.Caller.Identity, connection.UserKey);
        var current = membership.Where(m => m.Value).Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        var feed = grains.GetGrain<IEventFeedGrain>(0);
        foreach (var conversationSid in current)
        {
            var position = given.TryGetValue(conversationSid, out var known) ? known : await feed.HighestAsync(conversationSid);
            connection.Follow(conversationSid, position);
        }

        connection.Send(LiveFrames.Ready(connection.Caller.Identity, connection.Caller.ChatServiceSid, connection.Positions));
        foreach (var gone in given.Keys.Where(sid => !membership.ContainsKey(sid)))
        {
            connection.Send(LiveFrames.Left(gone));
        }

        foreach (var conversationSid in current)
        {
            await AttachAsync(conversationSid, connection, reference);
        }
    }

    private async Task ListenAsync(LiveConnection connection, CancellationToken cancellation)
    {
        while (await connection.ReceiveAsync(cancellation) is { } frame)
        {
            switch ((string?)frame["type"])
            {
                case "typing" when (string?)frame["conversation_sid"] is { } conversationSid && connection.Follows(conversationSid):
                    grains.GetGrain<IConversationLiveGrain>(conversationSid).TypingAsync(connection.Caller.Identity).Ignore();
                    break;
                case "ping":
                    connection.Send(LiveFrames.Pong());
                    break;
                default:
                    connection.Send(LiveFrames.Error("unknown frame: send typing (with a conversation_sid you follow) or ping"));
                    break;
            }
        }
    }

    private async Task StopAsync(LiveConnection connection)
    {
        foreach (var conversationSid in connection.Positions.Keys)
        {
            await DetachAsync(conversationSid, connection);
        }

        lock (gate)
        {
            if (users.TryGetValue(connection.UserKey, out var list))
            {
                list.Remove(connection);
                if (list.Count == 0)
                {
                    users.TryRemove(connection.UserKey, out _);
                    indexSeen.TryRemove(connection.UserKey, out _);
                }
            }
        }

        await AnnounceConnectionsAsync(connection);
    }

    /// <summary>Connections this user holds here; refused past <see cref="LiveOptions.MaxConnectionsPerUser"/>.</summary>
    public bool HasRoomFor(string userKey)
    {
        lock (gate)
        {
            return !users.TryGetValue(userKey, out var list) || list.Count < Options.MaxConnectionsPerUser;
        }
    }

    private async Task AnnounceConnectionsAsync(LiveConnection connection)
    {
        int count;
        lock (gate)
        {
            count = users.TryGetValue(connection.UserKey, out var list) ? list.Count : 0;
        }

        try
        {
            await grains.GetGrain<IUserLiveGrain>(connection.UserKey).ConnectionsAsync(await ReferenceAsync(), connection.Caller.Identity, count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogGrainCallFailed(logger, e, connection.UserKey);
        }
    }

    /// <summary>
    /// Every conversation the identity takes part in now (its index, each entry checked against its
    /// conversation), and whether it is open: closed ones are not followed (nothing but their
    /// deletion can change them). Read whole when a user connects; the refresh reads only what the
    /// index added since.
    /// </summary>
    private async Task<Dictionary<string, bool>> MembershipAsync(string identity, string userKey)
    {
        var entries = await grains.GetGrain<IParticipantConversationsGrain>(userKey).ListAsync(0, descending: false, int.MaxValue);
        if (entries.Count > 0)
        {
            indexSeen[userKey] = entries[^1].Position + 1;
        }

        return await MembershipAsync(identity, entries);
    }

    private async Task<Dictionary<string, bool>> MembershipAsync(string identity, IReadOnlyList<ParticipantConversationEntry> entries)
    {
        var checks = entries.Select(e => e.ConversationSid).Distinct(StringComparer.Ordinal).Select(async sid =>
        {
            var conversation = grains.GetGrain<IConversationGrain>(sid);
            var participant = conversation.GetParticipantAsync(identity);
            var state = (await conversation.GetAsync())?.State;
            return (Sid: sid, Member: state is not null && await participant is not null, Open: state is not null && state != ConversationStates.Closed);
        });
        return (await Task.WhenAll(checks)).Where(c => c.Member).ToDictionary(c => c.Sid, c => c.Open, StringComparer.Ordinal);
    }

    private async Task AttachAsync(string conversationSid, LiveConnection connection, ILiveObserver observer)
    {
        var follow = conversations.GetOrAdd(conversationSid, sid => new Follow(sid));
        bool first;
        lock (follow)
        {
            first = follow.Connections.Count == 0;
            follow.Connections.Add(connection);
        }

        if (first)
        {
            await grains.GetGrain<IConversationLiveGrain>(conversationSid).SubscribeAsync(observer);
        }

        Pump(follow);
    }

    private async Task DetachAsync(string conversationSid, LiveConnection connection)
    {
        connection.Unfollow(conversationSid);
        if (!conversations.TryGetValue(conversationSid, out var follow))
        {
            return;
        }

        bool last;
        lock (follow)
        {
            follow.Connections.Remove(connection);
            last = follow.Connections.Count == 0;
        }

        if (last && reference is not null)
        {
            try
            {
                await grains.GetGrain<IConversationLiveGrain>(conversationSid).UnsubscribeAsync(reference);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogGrainCallFailed(logger, e, conversationSid);
            }
        }
    }

    /// <summary>Whether a connection following the conversation here has not had everything up to <paramref name="sequence"/>.</summary>
    private static bool Behind(Follow follow, long sequence)
    {
        lock (follow)
        {
            return follow.Connections.Any(c => c.Position(follow.ConversationSid) is { } position && position < sequence);
        }
    }

    /// <summary>Reads the conversation's feed after the lowest position of its connections here and hands each what it lacks; one pump at a time per conversation.</summary>
    private void Pump(Follow follow)
    {
        lock (follow)
        {
            follow.Dirty = true;
            if (follow.Pumping)
            {
                return;
            }

            follow.Pumping = true;
        }

        _ = Task.Run(() => PumpAsync(follow));
    }

    private async Task PumpAsync(Follow follow)
    {
        var feed = grains.GetGrain<IEventFeedGrain>(0);
        while (true)
        {
            LiveConnection[] connections;
            lock (follow)
            {
                if (!follow.Dirty || follow.Connections.Count == 0)
                {
                    follow.Pumping = false;
                    return;
                }

                follow.Dirty = false;
                connections = [.. follow.Connections];
            }

            try
            {
                var after = connections.Select(c => c.Position(follow.ConversationSid)).OfType<long>().DefaultIfEmpty(long.MaxValue).Min();
                while (after != long.MaxValue)
                {
                    var batch = await feed.ReadAsync(follow.ConversationSid, after, Batch);
                    foreach (var change in batch)
                    {
                        foreach (var connection in connections)
                        {
                            Deliver(connection, change);
                        }
                    }

                    if (batch.Count < Batch)
                    {
                        break;
                    }

                    after = batch[^1].Sequence;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next hint or refresh tries again: positions only move for what was sent.
                LogGrainCallFailed(logger, e, follow.ConversationSid);
            }
        }
    }

    /// <summary>Hands the event to the connection; the user's own removal (or the conversation's) ends its following.</summary>
    private void Deliver(LiveConnection connection, ConversationEvent change)
    {
        if (!connection.Offer(change))
        {
            return;
        }

        var ends = change.Type == EventTypes.ConversationRemoved
            || (change.Type == EventTypes.ParticipantRemoved
                && change.Parameters.Any(p => p.Key == "Identity" && p.Value == connection.Caller.Identity));
        if (ends)
        {
            connection.Send(LiveFrames.Left(change.ConversationSid));
            _ = DetachAsync(change.ConversationSid, connection);
        }
    }

    public Task EventsAvailable(string conversationSid, long sequence)
    {
        if (conversations.TryGetValue(conversationSid, out var follow))
        {
            Pump(follow);
        }

        return Task.CompletedTask;
    }

    public async Task Joined(string userKey, string conversationSid)
    {
        List<LiveConnection> connections;
        lock (gate)
        {
            connections = users.TryGetValue(userKey, out var list) ? [.. list] : [];
        }

        if (connections.Count == 0)
        {
            return;
        }

        try
        {
            var position = await grains.GetGrain<IEventFeedGrain>(0).HighestAsync(conversationSid);
            var observer = await ReferenceAsync();
            foreach (var connection in connections.Where(c => c.Follow(conversationSid, position)))
            {
                connection.Send(LiveFrames.Joined(conversationSid, position));
                await AttachAsync(conversationSid, connection, observer);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogGrainCallFailed(logger, e, conversationSid);
        }
    }

    public Task Typing(string conversationSid, string identity)
    {
        ToFollowers(conversationSid, c => c.Caller.Identity != identity, LiveFrames.Typing(conversationSid, identity));
        return Task.CompletedTask;
    }

    public Task Reachability(string conversationSid, string identity, bool online)
    {
        ToFollowers(conversationSid, _ => true, LiveFrames.Reachability(conversationSid, identity, online));
        return Task.CompletedTask;
    }

    private void ToFollowers(string conversationSid, Func<LiveConnection, bool> which, string frame)
    {
        if (!conversations.TryGetValue(conversationSid, out var follow))
        {
            return;
        }

        LiveConnection[] connections;
        lock (follow)
        {
            connections = [.. follow.Connections];
        }

        foreach (var connection in connections.Where(which))
        {
            connection.Send(frame);
        }
    }

    private async Task<ILiveObserver> ReferenceAsync()
    {
        await Task.CompletedTask;
        lock (gate)
        {
            return reference ??= grains.CreateObjectReference<ILiveObserver>(this);
        }
    }

    /// <summary>
    /// Every minute: subscriptions renewed (a grain that lost them gets them back), each user's
    /// conversations listed again (a join or leave whose hint was lost is caught), every followed
    /// conversation pumped (an event whose hint was lost is delivered).
    /// </summary>
    private async Task RefreshAsync()
    {
        if (reference is not { } observer)
        {
            return;
        }

        foreach (var (conversationSid, follow) in conversations.ToArray())
        {
            try
            {
                bool any;
                lock (follow)
                {
                    any = follow.Connections.Count > 0;
                }

                if (any)
                {
                    // Pumped only when a hint may have been lost: the grain was told of more than
                    // some connection here has, or it is a new activation that knows nothing.
                    var notified = await grains.GetGrain<IConversationLiveGrain>(conversationSid).SubscribeAsync(observer);
                    if (notified == 0 || Behind(follow, notified))
                    {
                        Pump(follow);
                    }
                }
                else
                {
                    conversations.TryRemove(conversationSid, out _);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogGrainCallFailed(logger, e, conversationSid);
            }
        }

        foreach (var (userKey, list) in users.ToArray())
        {
            LiveConnection[] connections;
            lock (gate)
            {
                connections = [.. list];
            }

            if (connections.Length == 0)
            {
                continue;
            }

            try
            {
                var first = connections[0];
                await AnnounceConnectionsAsync(first);
                var identity = first.Caller.Identity;

                // Leaves: only what is followed is checked. Joins: only index entries added since
                // the last look (the index only appends), so history is never read again.
                var followed = connections.SelectMany(c => c.Positions.Keys).ToHashSet(StringComparer.Ordinal);
                var stillIn = await Task.WhenAll(followed.Select(async sid =>
                    (Sid: sid, In: await grains.GetGrain<IConversationGrain>(sid).GetParticipantAsync(identity) is not null)));
                foreach (var (gone, _) in stillIn.Where(c => !c.In))
                {
                    foreach (var connection in connections.Where(c => c.Follows(gone)))
                    {
                        connection.Send(LiveFrames.Left(gone));
                        await DetachAsync(gone, connection);
                    }
                }

                var seen = indexSeen.GetValueOrDefault(userKey);
                var added = await grains.GetGrain<IParticipantConversationsGrain>(userKey).ListAsync(seen, descending: false, 1000);
                var membership = await MembershipAsync(identity, added);
                foreach (var (conversationSid, _) in membership.Where(m => m.Value))
                {
                    await Joined(userKey, conversationSid);
                }

                if (added.Count > 0)
                {
                    indexSeen[userKey] = added[^1].Position + 1;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogGrainCallFailed(logger, e, userKey);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        refresh = new Timer(_ => _ = RefreshAsync(), null, Options.RefreshInterval, Options.RefreshInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        refresh?.Dispose();
        stopping.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        refresh?.Dispose();
        stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live stream: a call for {Key} failed; the next refresh tries again")]
    private static partial void LogGrainCallFailed(ILogger logger, Exception error, string key);

    /// <summary>This front end's connections following one conversation.</summary>
    private sealed class Follow(string conversationSid)
    {
        public string ConversationSid { get; } = conversationSid;

        public HashSet<LiveConnection> Connections { get; } = [];

        public bool Dirty { get; set; }

        public bool Pumping { get; set; }
    }
}
