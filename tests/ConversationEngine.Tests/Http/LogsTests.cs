using System.Collections.Concurrent;
using System.Net;
using System.Text;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// What an operator's log shows at the shipped levels (appsettings.json) after a day's work in
/// miniature: quiet (no Orleans or ASP.NET chatter), at most a line per notable event, and no secret
/// in any line — not the auth token, an API key secret, a webhook URL's password, nor a wrong
/// password someone tried.
/// </summary>
public sealed class LogsTests
{
    [Fact]
    public async Task At_the_shipped_levels_the_log_is_quiet_and_never_holds_a_secret()
    {
        using var logs = new CapturedLogs();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await EngineHost.StartAsync(logs: logs);
        var startup = logs.Lines.Count;

        // A webhook target whose URL carries credentials, a failing one (logged as retrying), a conversation with an SMS contact.
        var hookUrl = receiver.Url("/events").Replace("http://", "http://ops:url-password-4u@", StringComparison.Ordinal);
        await host.Client.PostFormAsync("/v1/Configuration/Webhooks",
            ("PostWebhookUrl", hookUrl), ("Method", "POST"), ("Target", "webhook"), ("Filters", "onMessageAdded")).ExpectAsync(HttpStatusCode.OK);
        using var loud = host.CreateClient(EngineHost.AccountSid, EngineHost.AuthToken);
        loud.DefaultRequestHeaders.Add("X-Twilio-Webhook-Enabled", "true");
        var conversation = (string)(await loud.PostFormAsync("/v1/Conversations", ("FriendlyName", "logs")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var customer = Numbers.NextUs();
        const string ourNumber = "+15005550006";
        await host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", ourNumber)).ExpectAsync(HttpStatusCode.Created);
        for (var i = 0; i < 5; i++)
        {
            await loud.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "agent"), ("Body", $"reply {i}")).ExpectAsync(HttpStatusCode.Created);
        }

        using (var inbound = await host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), customer, ourNumber, "thanks")))
        {
            Assert.Equal(HttpStatusCode.OK, inbound.StatusCode);
        }

        await receiver.ReceivedAsync("/events", 6);
        Assert.All(receiver.Requests, r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:url-password-4u")), r.Header("Authorization")));

        // Someone guessing; an API key in use; an unknown path.
        using var guessing = host.CreateClient(EngineHost.AccountSid, "guessed-password-123");
        await guessing.GetAsync("/v1/Conversations").ExpectErrorAsync(HttpStatusCode.Unauthorized, Errors.Unauthorized);
        using var key = host.CreateClient(EngineHost.ApiKeySid, EngineHost.ApiKeySecret);
        await key.GetAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
        await host.Client.GetAsync("/v1/Nothing/Here").ExpectErrorAsync(HttpStatusCode.NotFound, Errors.NotFound);

        await Task.Delay(500);
        var all = logs.Lines.ToList();
        // The log is live: the start-up line says which account is ready (its SID, never its token).
        Assert.Contains(all, line => line.Level == LogLevel.Information && line.Text.Contains($"Account {EngineHost.AccountSid} ready", StringComparison.Ordinal));
        string[] secrets =
        [
            EngineHost.AuthToken, EngineHost.ApiKeySecret, "url-password-4u", "guessed-password-123",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{EngineHost.AccountSid}:{EngineHost.AuthToken}")),
        ];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(all, line => line.Text.Contains(secret, StringComparison.Ordinal));
        }

        // Quiet: nothing from Orleans or ASP.NET below a warning, and no warnings at all in a healthy run.
        Assert.DoesNotContain(all, line => line.Level < LogLevel.Warning && (line.Category.StartsWith("Orleans", StringComparison.Ordinal) || line.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)));
        // The runtime's own health reports (a GC pause or a starved thread pool on a loaded test machine) are about the
        // machine, not the engine's work; they stay at Warning for operators and are set aside here.
        var work = all.Skip(startup).Where(line => line.Category != "Microsoft.Hosting.Lifetime" && !MachineHealth.Contains(line.Category)).ToList();
        Assert.True(work.All(line => line.Level <= LogLevel.Information), "warnings in a healthy run:\n" + string.Join("\n", work.Where(l => l.Level > LogLevel.Information)));
        // Eight requests that changed something, one inbound message, six webhooks delivered, one refusal: no line per request.
        Assert.True(work.Count <= 3, "more than the notable events:\n" + string.Join("\n", work));
    }

    private static readonly HashSet<string> MachineHealth =
        ["Orleans.Runtime.Watchdog", "Orleans.Runtime.MembershipService.LocalSiloHealthMonitor"];

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<Line> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        public sealed record Line(string Category, LogLevel Level, string Text)
        {
            public override string ToString() => $"{Level} {Category}: {Text}";
        }

        private sealed class Logger(string category, ConcurrentQueue<Line> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(new Line(category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception)));
        }
    }
}
