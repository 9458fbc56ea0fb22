using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace ConversationEngine.Tests.Support;

/// <summary>An agent's end of the live stream (<c>/engine/v1/Stream</c>): sends hello, collects every frame it is sent.</summary>
public sealed class LiveClient : IAsyncDisposable
{
    private readonly ClientWebSocket socket = new();
    private readonly Channel<JsonObject> frames = Channel.CreateUnbounded<JsonObject>();
    private readonly CancellationTokenSource stop = new();
    private Task? reading;

    /// <summary>The last sequence received of each conversation: what a reconnect resumes from.</summary>
    public Dictionary<string, long> Positions { get; } = new(StringComparer.Ordinal);

    /// <summary>Every frame received so far, in order (whether or not a Next call passed over it).</summary>
    public List<JsonObject> Received
    {
        get
        {
            lock (log)
            {
                return [.. log];
            }
        }
    }

    private readonly List<JsonObject> log = [];

    /// <summary>The close status the server ended with, once it did.</summary>
    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    public static async Task<LiveClient> ConnectAsync(string baseUrl, string token, IReadOnlyDictionary<string, long>? positions = null, bool tokenInQuery = false)
    {
        var client = new LiveClient();
        var url = new Uri(baseUrl.Replace("http", "ws", StringComparison.Ordinal) + "/engine/v1/Stream" + (tokenInQuery ? "?access_token=" + Uri.EscapeDataString(token) : ""));
        if (!tokenInQuery)
        {
            client.socket.Options.SetRequestHeader("X-Twilio-Token", token);
        }

        await client.socket.ConnectAsync(url, CancellationToken.None);
        var hello = new JsonObject { ["type"] = "hello" };
        if (positions is not null)
        {
            var given = new JsonObject();
            foreach (var (sid, position) in positions)
            {
                given[sid] = position;
            }

            hello["positions"] = given;
        }

        await client.SendAsync(hello);
        client.reading = client.ReadAsync();
        return client;
    }

    public Task SendAsync(JsonObject frame) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>The next frame matching <paramref name="match"/> (others before it are passed over), within the timeout.</summary>
    public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var frame = await frames.Reader.ReadAsync(deadline.Token);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    public Task<JsonObject> NextAsync(string type, TimeSpan? timeout = null) => NextAsync(f => (string?)f["type"] == type, timeout);

    /// <summary>Every frame received within <paramref name="quiet"/> of the last one.</summary>
    public async Task<List<JsonObject>> DrainAsync(TimeSpan quiet)
    {
        var drained = new List<JsonObject>();
        while (true)
        {
            using var wait = new CancellationTokenSource(quiet);
            try
            {
                drained.Add(await frames.Reader.ReadAsync(wait.Token));
            }
            catch (OperationCanceledException)
            {
                return drained;
            }
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer, stop.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        frames.Writer.TryComplete();
                        return;
                    }

                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);

                var frame = (JsonObject)JsonNode.Parse(message.ToArray())!;
                if ((string?)frame["type"] == "event")
                {
                    Positions[(string)frame["conversation_sid"]!] = (long)frame["sequence"]!;
                }
                else if ((string?)frame["type"] is "joined" && frame["sequence"] is not null)
                {
                    Positions[(string)frame["conversation_sid"]!] = (long)frame["sequence"]!;
                }
                else if ((string?)frame["type"] == "ready")
                {
                    foreach (var (sid, position) in frame["conversations"]!.AsObject())
                    {
                        Positions[sid] = (long)position!;
                    }
                }

                lock (log)
                {
                    log.Add(frame);
                }

                frames.Writer.TryWrite(frame);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (socket.State == WebSocketState.Open)
        {
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
            {
            }
        }

        if (reading is not null)
        {
            await Task.WhenAny(reading, Task.Delay(2000));
        }

        socket.Dispose();
        stop.Dispose();
    }
}
