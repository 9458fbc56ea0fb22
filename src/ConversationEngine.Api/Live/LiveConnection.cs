using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ConversationEngine.Api.Resources;
using ConversationEngine.Events;

namespace ConversationEngine.Api.Live;

/// <summary>
/// One agent's WebSocket: what it has been sent of each conversation (the last sequence), and a
/// bounded queue of frames to send. Whoever hands it an event goes on at once; a client that lets
/// <see cref="LiveOptions.QueueLimit"/> frames pile up is sent <c>resync</c> and closed, and
/// resumes from the positions it saw, so being slow costs it a reconnect and nobody else anything.
/// </summary>
public sealed class LiveConnection : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> positions = new(StringComparer.Ordinal);
    private readonly Channel<string> outbox;
    private readonly CancellationTokenSource closing = new();
    private bool overflowed;

    public LiveConnection(WebSocket socket, UserCaller caller, string userKey, int queueLimit)
    {
        Socket = socket;
        Caller = caller;
        UserKey = userKey;
        outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(queueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public WebSocket Socket { get; }

    public UserCaller Caller { get; }

    /// <summary>The user's identity index key (<c>IndexKeys.ParticipantIdentity</c>), also its live grain's key.</summary>
    public string UserKey { get; }

    /// <summary>Cancelled when the connection ends (closed by either side, or overflowed).</summary>
    public CancellationToken Closing => closing.Token;

    /// <summary>The conversations followed and the last sequence sent of each.</summary>
    public IReadOnlyDictionary<string, long> Positions
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<string, long>(positions, StringComparer.Ordinal);
            }
        }
    }

    public bool Follows(string conversationSid)
    {
        lock (gate)
        {
            return positions.ContainsKey(conversationSid);
        }
    }

    /// <summary>Starts following a conversation after <paramref name="position"/>; false if it already was.</summary>
    public bool Follow(string conversationSid, long position)
    {
        lock (gate)
        {
            return positions.TryAdd(conversationSid, position);
        }
    }

    public bool Unfollow(string conversationSid)
    {
        lock (gate)
        {
            return positions.Remove(conversationSid);
        }
    }

    /// <summary>The last sequence sent of the conversation, or null when not followed.</summary>
    public long? Position(string conversationSid)
    {
        lock (gate)
        {
            return positions.TryGetValue(conversationSid, out var position) ? position : null;
        }
    }

    /// <summary>Queues the event unless it was sent already (or the conversation is not followed); events must come in order.</summary>
    public bool Offer(ConversationEvent change)
    {
        lock (gate)
        {
            if (!positions.TryGetValue(change.ConversationSid, out var position) || change.Sequence <= position)
            {
                return false;
            }

            positions[change.ConversationSid] = change.Sequence;
            Send(LiveFrames.Event(change));
            return true;
        }
    }

    /// <summary>Queues a frame; a full queue ends the connection with <c>resync</c>.</summary>
    public void Send(string frame)
    {
        lock (gate)
        {
            if (overflowed)
            {
                return;
            }

            if (!outbox.Writer.TryWrite(frame))
            {
                // The pump stops at its next frame and sends resync; a client too stuck even for that is cut off.
                overflowed = true;
                outbox.Writer.TryComplete();
                _ = Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => Abort(), TaskScheduler.Default);
            }
        }
    }

    /// <summary>Sends queued frames until the connection ends; a client too slow for its queue is told to resync.</summary>
    public async Task PumpAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var frame in outbox.Reader.ReadAllAsync(stopping))
            {
                if (Volatile.Read(ref overflowed))
                {
                    break;
                }

                await Socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, stopping);
            }

            if (overflowed)
            {
                await Socket.SendAsync(Encoding.UTF8.GetBytes(LiveFrames.Resync()), WebSocketMessageType.Text, endOfMessage: true, stopping);
                await Socket.CloseOutputAsync(LiveFrames.ResyncCloseStatus, "resync", stopping);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone; the client resumes from what it saw.
        }
        finally
        {
            closing.Cancel();
        }
    }

    /// <summary>The next text frame from the client, or null when it closed (frames above 64 KiB end the connection).</summary>
    public async Task<JsonObject?> ReceiveAsync(CancellationToken cancellation)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await Socket.ReceiveAsync(buffer, cancellation);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, received.Count);
            if (message.Length > 64 * 1024)
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "frame too large", cancellation);
                return null;
            }

            if (received.EndOfMessage)
            {
                try
                {
                    return JsonNode.Parse(message.ToArray()) as JsonObject ?? [];
                }
                catch (JsonException)
                {
                    return [];
                }
            }
        }
    }

    public void Close() => closing.Cancel();

    public void Dispose() => closing.Dispose();

    private void Abort()
    {
        try
        {
            if (!closing.IsCancellationRequested)
            {
                Socket.Abort();
                closing.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
            // Ended meanwhile.
        }
    }
}
