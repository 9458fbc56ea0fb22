using System.Net.WebSockets;
using System.Text;
using ConversationEngine.Api.Live;
using ConversationEngine.Api.Resources;
using ConversationEngine.Events;

namespace ConversationEngine.Tests.Live;

/// <summary>
/// A client that stops reading fills only its own queue: handing it events never waits, and once
/// its queue is full it is sent <c>resync</c> and closed with 4008, to resume from what it saw.
/// </summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task Stalled_client_never_blocks_the_sender_and_is_told_to_resync_once_its_queue_is_full()
    {
        using var socket = new StalledSocket();
        using var connection = new LiveConnection(socket, new UserCaller("agent.slow", "IS" + new string('0', 32)), "key", queueLimit: 5);
        connection.Follow(Conversation, 0);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var pump = connection.PumpAsync(stop.Token);

        var handed = System.Diagnostics.Stopwatch.StartNew();
        for (var sequence = 1; sequence <= 50; sequence++)
        {
            connection.Offer(Event(sequence));
        }

        handed.Stop();
        Assert.True(handed.ElapsedMilliseconds < 1000, $"handing 50 events to a stalled client took {handed.ElapsedMilliseconds} ms");

        socket.Release();
        await pump.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("""{"type":"resync"}""", socket.Sent[^1]);
        Assert.Equal((WebSocketCloseStatus)4008, socket.ClosedWith);
        Assert.True(socket.Sent.Count <= 7, $"{socket.Sent.Count} frames sent");
        Assert.True(connection.Closing.IsCancellationRequested);
    }

    private const string Conversation = "CH00000000000000000000000000000001";

    private static ConversationEvent Event(long sequence) => new()
    {
        ConversationSid = Conversation,
        Sequence = sequence,
        Type = EventTypes.MessageAdded,
        Date = DateTimeOffset.UtcNow,
        Source = "API",
        WebhookEnabled = true,
        Parameters = [new("Body", "message " + sequence)],
        ChatServiceSid = "IS" + new string('0', 32),
    };

    /// <summary>A WebSocket whose sends wait until released, like a client that stopped reading.</summary>
    private sealed class StalledSocket : WebSocket
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Sent { get; } = [];

        public WebSocketCloseStatus? ClosedWith { get; private set; }

        public void Release() => released.TrySetResult();

        public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            await released.Task.WaitAsync(cancellationToken);
            Sent.Add(Encoding.UTF8.GetString(buffer));
        }

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        {
            ClosedWith = closeStatus;
            return Task.CompletedTask;
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => new WebSocketReceiveResult(0, WebSocketMessageType.Close, true), TaskScheduler.Default);

        public override WebSocketCloseStatus? CloseStatus => ClosedWith;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => ClosedWith is null ? WebSocketState.Open : WebSocketState.CloseSent;

        public override string? SubProtocol => null;

        public override void Abort()
        {
        }

        public override void Dispose()
        {
        }
    }
}
