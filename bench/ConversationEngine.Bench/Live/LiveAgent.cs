using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ConversationEngine.Bench.Live;

/// <summary>One event frame as the agent's client got it, timestamped as its last byte was read.</summary>
/// <param name="Received">Stopwatch timestamp in this process.</param>
/// <param name="ReceivedUnixMs">The wall clock at the same moment (compared with the frame's <c>date</c>, the engine's clock on the same machine).</param>
/// <param name="DateUnixMs">The frame's <c>date</c>, milliseconds since the epoch (the engine writes it with millisecond precision).</param>
internal sealed record LiveFrame(string ConversationSid, long Sequence, string EventType, string? Body, string? MessageSid, long Received, long ReceivedUnixMs, long DateUnixMs, int Connection);

/// <summary>
/// A simulated agent: its Access Token and a WebSocket to <c>/engine/v1/Stream</c> that sends
/// <c>hello</c> (with positions when resuming) and records every frame. Positions are the last
/// sequence seen of each conversation, as a real client would keep them.
/// </summary>
internal sealed class LiveAgent(string identity, string token)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> positions = new(StringComparer.Ordinal);
    private readonly List<LiveFrame> frames = [];
    private ClientWebSocket? socket;
    private Task? reading;
    private int connection;
    private int pending;
    private Action? caughtUp;
    private TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Identity { get; } = identity;

    public string Token { get; } = token;

    /// <summary>Stopwatch timestamp of the last <c>ready</c>.</summary>
    public long ReadyAt { get; private set; }

    /// <summary>Conversations the last <c>ready</c> listed, and the positions it gave for them.</summary>
    public Dictionary<string, long> ReadyPositions { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Stopwatch timestamp when the frames awaited with <see cref="Await"/> had all arrived.</summary>
    public long CaughtUpAt { get; private set; }

    /// <summary>Frames of another type than event/ready (left, resync, error…), by type.</summary>
    public Dictionary<string, int> Others { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> Positions
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<string, long>(positions, StringComparer.Ordinal);
            }
        }
    }

    public List<LiveFrame> Frames
    {
        get
        {
            lock (gate)
            {
                return [.. frames];
            }
        }
    }

    /// <summary>Completes when the current connection's <c>ready</c> arrived.</summary>
    public Task Ready => ready.Task;

    /// <summary>Counts onMessageAdded frames whose body starts with <see cref="AwaitedPrefix"/>; <paramref name="done"/> runs once <paramref name="count"/> arrived.</summary>
    public void Await(int count, Action done)
    {
        lock (gate)
        {
            pending = count;
            caughtUp = done;
            CaughtUpAt = 0;
            if (count == 0)
            {
                CaughtUpAt = Stopwatch.GetTimestamp();
                done();
                caughtUp = null;
            }
        }
    }

    public string? AwaitedPrefix { get; set; }

    /// <summary>Opens the stream and sends hello; the ready frame arrives on the reading loop.</summary>
    public async Task ConnectAsync(Uri stream, IReadOnlyDictionary<string, long>? resume, CancellationToken cancellation)
    {
        ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = new ClientWebSocket();
        next.Options.SetRequestHeader("X-Twilio-Token", Token);
        next.Options.KeepAliveInterval = TimeSpan.Zero;
        await next.ConnectAsync(stream, cancellation);
        var hello = new StringBuilder("{\"type\":\"hello\"");
        if (resume is not null)
        {
            hello.Append(",\"positions\":{");
            hello.Append(string.Join(',', resume.Select(p => FormattableString.Invariant($"\"{p.Key}\":{p.Value}"))));
            hello.Append('}');
        }

        hello.Append('}');
        await next.SendAsync(Encoding.UTF8.GetBytes(hello.ToString()), WebSocketMessageType.Text, endOfMessage: true, cancellation);
        var number = Interlocked.Increment(ref connection);
        socket = next;
        reading = ReadAsync(next, number);
    }

    /// <summary>Drops the connection as a network failure would (no close handshake).</summary>
    public async Task DropAsync()
    {
        socket?.Abort();
        if (reading is not null)
        {
            await reading;
        }

        socket?.Dispose();
        socket = null;
    }

    public async Task CloseAsync()
    {
        if (socket is { State: WebSocketState.Open } open)
        {
            try
            {
                await open.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
            {
            }
        }

        await DropAsync();
    }

    private async Task ReadAsync(ClientWebSocket from, int number)
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                message.SetLength(0);
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await from.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);

                var at = Stopwatch.GetTimestamp();
                var wall = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                Handle(message.GetBuffer().AsMemory(0, (int)message.Length), at, wall, number);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Dropped.
        }
    }

    private void Handle(ReadOnlyMemory<byte> bytes, long at, long wall, int number)
    {
        using var json = JsonDocument.Parse(bytes);
        var root = json.RootElement;
        var type = root.GetProperty("type").GetString();
        lock (gate)
        {
            switch (type)
            {
                case "event":
                {
                    var conversation = root.GetProperty("conversation_sid").GetString()!;
                    var sequence = root.GetProperty("sequence").GetInt64();
                    var eventType = root.GetProperty("event_type").GetString()!;
                    var data = root.GetProperty("data");
                    var body = data.TryGetProperty("Body", out var b) ? b.GetString() : null;
                    var sid = data.TryGetProperty("MessageSid", out var s) ? s.GetString() : null;
                    var date = DateTimeOffset.Parse(root.GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
                    frames.Add(new LiveFrame(conversation, sequence, eventType, body, sid, at, wall, date, number));
                    positions[conversation] = sequence;
                    if (caughtUp is not null && eventType == "onMessageAdded" && body is not null && AwaitedPrefix is { } prefix && body.StartsWith(prefix, StringComparison.Ordinal)
                        && --pending == 0)
                    {
                        CaughtUpAt = at;
                        caughtUp();
                        caughtUp = null;
                    }

                    break;
                }

                case "ready":
                {
                    var given = new Dictionary<string, long>(StringComparer.Ordinal);
                    foreach (var conversation in root.GetProperty("conversations").EnumerateObject())
                    {
                        given[conversation.Name] = conversation.Value.GetInt64();
                        positions[conversation.Name] = conversation.Value.GetInt64();
                    }

                    ReadyPositions = given;
                    ReadyAt = at;
                    ready.TrySetResult();
                    break;
                }

                default:
                    Others[type ?? "?"] = Others.GetValueOrDefault(type ?? "?") + 1;
                    break;
            }
        }
    }
}
