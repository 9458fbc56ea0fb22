using System.Xml;
using ConversationEngine.Api.Hosting;
using ConversationEngine.Inbound;
using ConversationEngine.Rules;
using ConversationEngine.Senders;
using ConversationEngine.Twilio;
using ConversationEngine.Twilio.Webhooks;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Http;

/// <summary>What came of forwarding an inbound message: each attempt, and the application's TwiML when it answered with some.</summary>
public sealed record InboundForwarding(IReadOnlyList<InboundForward> Forwards, string? TwiML)
{
    public static InboundForwarding None { get; } = new([], null);
}

/// <summary>
/// Passes Twilio's Programmable Messaging webhooks on to the application where the engine's
/// Messaging Service says Twilio would have called it: an inbound message no conversation took goes
/// to the service's <c>InboundRequestUrl</c> (its <c>InboundMethod</c>) and, when that fails (5xx,
/// timeout, no connection), to its <c>FallbackUrl</c> (<c>FallbackMethod</c>); a status callback
/// goes to the service's <c>StatusCallback</c>. Twilio's parameters go as they came, signed as Twilio
/// signs them with the account's auth token.
/// </summary>
/// <remarks>
/// Only URLs an authenticated user configured on a Messaging Service are called, and only for a
/// webhook whose signature already held, so whoever merely reaches the webhook endpoints cannot make
/// the engine call anything. The service is the one the webhook names in <c>MessagingServiceSid</c>
/// when the engine has it, else the one holding our number (<c>To</c> of an inbound message,
/// <c>From</c> of a status). A URL pointing back at the engine's own Twilio webhooks is never called
/// (it would loop). A number's own SMS URL is not forwarded to: the engine does not store one (its
/// IncomingPhoneNumbers keep no <c>SmsUrl</c>), so a service with <c>UseInboundWebhookOnNumber</c>
/// forwards nothing. Each attempt is bounded by <see cref="WebhookOptions.ForwardTimeout"/> and
/// never retried by the engine; Twilio's own redelivery of a webhook is forwarded again, with the
/// same <c>I-Twilio-Idempotency-Token</c>.
/// </remarks>
public sealed partial class TwilioForwarding(
    IGrainFactory grains,
    WebhookClient client,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    IOptions<EngineOptions> engine,
    ILogger<TwilioForwarding> logger)
{
    public const string InboundTarget = "inbound";
    public const string FallbackTarget = "fallback";
    public const string NoTarget = "none";

    /// <summary>
    /// Forwards an unroutable inbound message with <paramref name="parameters"/> (Twilio's, as they
    /// came) to its Messaging Service's inbound URL, then its fallback URL; nothing when it has none.
    /// </summary>
    /// <param name="requestHost">The host (and port) this request reached the engine at: a URL to it is the engine itself.</param>
    public async Task<InboundForwarding> ForwardInboundAsync(
        InboundOutcome outcome,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        string authToken,
        string? requestHost,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var service = await ServiceAsync(outcome.Request.MessagingServiceSid, outcome.Request.To);
        if (service is null)
        {
            return InboundForwarding.None;
        }

        var settings = service.Settings;
        if (settings.UseInboundWebhookOnNumber == true)
        {
            return Skipped(service.Sid, "UseInboundWebhookOnNumber: the number's own SMS URL applies, and the engine stores none");
        }

        if (string.IsNullOrEmpty(settings.InboundRequestUrl))
        {
            return Skipped(service.Sid, "the Messaging Service has no InboundRequestUrl");
        }

        var forwards = new List<InboundForward>();
        var (primary, primaryOutcome) = await AttemptAsync(InboundTarget, settings.InboundRequestUrl, settings.InboundMethod, service.Sid, outcome.MessageSid, parameters, authToken, requestHost, cancellationToken);
        forwards.Add(primary);
        var answered = primaryOutcome;
        if (primaryOutcome is { IsUnavailable: true } && !string.IsNullOrEmpty(settings.FallbackUrl))
        {
            var (fallback, fallbackOutcome) = await AttemptAsync(FallbackTarget, settings.FallbackUrl, settings.FallbackMethod, service.Sid, outcome.MessageSid, parameters, authToken, requestHost, cancellationToken);
            forwards.Add(fallback);
            answered = fallbackOutcome;
        }

        var twiml = answered is not null ? TwiMLOf(answered) : null;
        if (twiml is not null)
        {
            forwards[^1] = forwards[^1] with { AnsweredTwiML = true };
        }

        return new InboundForwarding(forwards, twiml);
    }

    /// <summary>
    /// Forwards a status callback to its Messaging Service's <c>StatusCallback</c>, once, within the
    /// timeout. Best effort: never throws (but for <paramref name="cancellationToken"/>); a failure is logged.
    /// </summary>
    public async Task ForwardStatusAsync(
        StatusCallback callback,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        string authToken,
        string? requestHost,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        try
        {
            var service = await ServiceAsync(callback.MessagingServiceSid, callback.From);
            if (service?.Settings.StatusCallback is not { Length: > 0 } url)
            {
                return;
            }

            var target = WebhookClient.Describe(url);
            if (IsEngineWebhook(url, requestHost))
            {
                LogLoop(logger, service.Sid, "StatusCallback", target);
                return;
            }

            var sent = await client.SendAsync(
                new WebhookCall
                {
                    Url = url,
                    Method = "POST",
                    Parameters = parameters,
                    AuthToken = authToken,
                    IdempotencyToken = $"{callback.MessageSid}-{callback.MessageStatus}",
                    Timeout = options.Value.ForwardTimeout,
                },
                cancellationToken);
            if (sent.IsSuccess)
            {
                LogStatusForwarded(logger, callback.MessageSid, callback.MessageStatus, target, sent.StatusCode);
            }
            else
            {
                LogStatusNotForwarded(logger, callback.MessageSid, callback.MessageStatus, target, sent.StatusCode, sent.Failure);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            // Best effort by design: the engine's own processing is done and Twilio has its answer.
            LogStatusForwardFailed(logger, error, callback.MessageSid, callback.MessageStatus);
        }
    }

    /// <summary>
    /// The Messaging Service the webhook belongs to: the one it names when the engine has it (in
    /// this account), else the one holding our <paramref name="ourAddress"/>; null for neither.
    /// </summary>
    private async Task<MessagingServiceSnapshot?> ServiceAsync(string? messagingServiceSid, string ourAddress)
    {
        var account = engine.Value.AccountSid!;
        if (!string.IsNullOrEmpty(messagingServiceSid)
            && await grains.GetGrain<IMessagingServiceGrain>(messagingServiceSid).GetAsync() is { } named
            && named.AccountSid == account)
        {
            return named;
        }

        var registry = grains.GetGrain<ISenderRegistryGrain>(account);
        if (await registry.FindAsync(ChannelAddress.Bare(ourAddress.Trim())) is not { } sender
            || await registry.FindHolderAsync(sender.Sid) is not { } holder)
        {
            return null;
        }

        return await grains.GetGrain<IMessagingServiceGrain>(holder).GetAsync();
    }

    private async Task<(InboundForward Record, WebhookOutcome? Outcome)> AttemptAsync(
        string target,
        string url,
        string? method,
        string serviceSid,
        string messageSid,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        string authToken,
        string? requestHost,
        CancellationToken cancellationToken)
    {
        method = string.IsNullOrEmpty(method) ? "POST" : method.ToUpperInvariant();
        var record = new InboundForward
        {
            Target = target,
            Url = WebhookClient.Describe(url),
            Method = method,
            MessagingServiceSid = serviceSid,
            DateForwarded = time.GetUtcNow(),
        };
        if (IsEngineWebhook(url, requestHost))
        {
            LogLoop(logger, serviceSid, target, record.Url);
            return (record with { Reason = "the URL is this engine's own Twilio webhook: not called, it would loop" }, null);
        }

        var outcome = await client.SendAsync(
            new WebhookCall
            {
                Url = url,
                Method = method,
                Parameters = parameters,
                AuthToken = authToken,
                IdempotencyToken = $"{messageSid}-{target}",
                Timeout = options.Value.ForwardTimeout,
            },
            cancellationToken);
        LogInboundForwarded(logger, messageSid, target, record.Url, outcome.StatusCode, outcome.Failure);
        return (record with
        {
            StatusCode = outcome.StatusCode,
            Failure = outcome.Failure == WebhookFailure.None ? null : FailureName(outcome.Failure),
            ElapsedMilliseconds = (long)outcome.Elapsed.TotalMilliseconds,
            Reason = outcome.Error,
        }, outcome);
    }

    private InboundForwarding Skipped(string serviceSid, string reason) => new(
        [new InboundForward { Target = NoTarget, Reason = reason, MessagingServiceSid = serviceSid, DateForwarded = time.GetUtcNow() }],
        null);

    /// <summary>
    /// The application's answer when it is a TwiML document (a <c>Response</c> root, read whole):
    /// what Twilio would execute had it called the application itself. Anything else is not passed on.
    /// </summary>
    internal static string? TwiMLOf(WebhookOutcome outcome)
    {
        if (!outcome.IsSuccess || outcome.BodyTruncated || string.IsNullOrWhiteSpace(outcome.Body))
        {
            return null;
        }

        try
        {
            using var reader = XmlReader.Create(new StringReader(outcome.Body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    if (reader.LocalName != "Response")
                    {
                        return null;
                    }

                    // Read to the end: a document that breaks later is not TwiML either.
                    while (reader.Read())
                    {
                    }

                    return outcome.Body;
                }
            }

            return null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    // The engine's own webhook, by its public URL or by the address this request came in at.
    private bool IsEngineWebhook(string url, string? requestHost)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target))
        {
            return false;
        }

        if (EngineWebhookPaths.IsEngineWebhook(url, engine.Value.PublicBaseUrl))
        {
            return true;
        }

        return requestHost is { Length: > 0 }
            && string.Equals(target.Authority, requestHost, StringComparison.OrdinalIgnoreCase)
            && target.AbsolutePath.Contains(EngineWebhookPaths.Root, StringComparison.OrdinalIgnoreCase);
    }

    private static string FailureName(WebhookFailure failure) => failure switch
    {
        WebhookFailure.NameResolution => "name_resolution",
        WebhookFailure.InvalidRequest => "invalid_request",
        _ => failure.ToString().ToLowerInvariant(),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound message {MessageSid} forwarded to the {Target} URL {Url}: status {Status}, failure {Failure}")]
    private static partial void LogInboundForwarded(ILogger logger, string messageSid, string target, string? url, int? status, WebhookFailure failure);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Status {Status} of {MessageSid} forwarded to {Url}: {Answer}")]
    private static partial void LogStatusForwarded(ILogger logger, string messageSid, string status, string url, int? answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Status {Status} of {MessageSid} not taken by {Url}: status {Answer}, failure {Failure} (not retried)")]
    private static partial void LogStatusNotForwarded(ILogger logger, string messageSid, string status, string url, int? answer, WebhookFailure failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Status {Status} of {MessageSid} could not be forwarded (not retried)")]
    private static partial void LogStatusForwardFailed(ILogger logger, Exception error, string messageSid, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Messaging Service {ServiceSid}: its {Setting} {Url} is this engine's own Twilio webhook; not called")]
    private static partial void LogLoop(ILogger logger, string serviceSid, string setting, string? url);
}
