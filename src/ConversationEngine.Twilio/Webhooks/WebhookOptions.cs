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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
