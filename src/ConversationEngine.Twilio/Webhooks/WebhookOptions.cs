using Microsoft.Extensions.Options;

namespace ConversationEngine.Twilio.Webhooks;

/// <summary>How long the engine waits for the webhooks it sends. Bound from <see cref="SectionName"/>.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>
    /// How long a pre-action hook (onMessageAdd, onConversationAdd…) may take before the action
    /// goes ahead unmodified: Twilio's 5 seconds.
    /// </summary>
    public TimeSpan PreActionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one forward of a Twilio webhook (an unroutable inbound message to the Messaging
    /// Service's inbound URL, then its fallback URL; a status callback) may take. Twilio waits 15
    /// seconds for the engine's own answer, so an inbound forward and its fallback should fit in it.
    /// </summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The default of <see cref="MaxInboundBodyBytes"/>: 64 KiB.</summary>
    public const long DefaultMaxInboundBodyBytes = 64 * 1024;

    /// <summary>The smallest and largest <see cref="MaxInboundBodyBytes"/> accepted.</summary>
    public const long SmallestMaxInboundBodyBytes = 4 * 1024, LargestMaxInboundBodyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The largest body a Twilio webhook into the engine (<c>/webhooks/twilio/*</c>) may carry: a
    /// larger <c>Content-Length</c>, or a chunked body that grows past it, is refused with 413 before
    /// it is read (and so before its signature can be checked). Twilio's forms are a few KB (a
    /// 1 600-character body, ten media URLs, WhatsApp's extra fields), so 64 KiB is ample.
    /// </summary>
    public long MaxInboundBodyBytes { get; set; } = DefaultMaxInboundBodyBytes;
}

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(15);

    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PreActionTimeout < Shortest || options.PreActionTimeout > Longest)
        {
            failures.Add($"{WebhookOptions.SectionName}:PreActionTimeout must be between 10 ms and 15 s.");
        }

        if (options.ForwardTimeout < Shortest || options.ForwardTimeout > Longest)
        {
            failures.Add($"{WebhookOptions.SectionName}:ForwardTimeout must be between 10 ms and 15 s.");
        }

        if (options.MaxInboundBodyBytes < WebhookOptions.SmallestMaxInboundBodyBytes || options.MaxInboundBodyBytes > WebhookOptions.LargestMaxInboundBodyBytes)
        {
            failures.Add($"{WebhookOptions.SectionName}:MaxInboundBodyBytes must be between 4096 (4 KiB) and 16777216 (16 MiB).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
