using System.Buffers;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Twilio.Messages;

/// <summary>
/// Checks the shape of the options at start. Missing credentials are not an error here: a host
/// without them simply cannot send, and <see cref="TwilioMessagesClient"/> says so when asked to.
/// </summary>
internal sealed class TwilioMessagesOptionsValidator : IValidateOptions<TwilioMessagesOptions>
{
    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdefABCDEF");

    public ValidateOptionsResult Validate(string? name, TwilioMessagesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.AccountSid) && !IsSid(options.AccountSid, "AC"))
        {
            failures.Add("Twilio:AccountSid must be 'AC' followed by 32 hex digits.");
        }

        if (!string.IsNullOrEmpty(options.ApiKeySid) && !IsSid(options.ApiKeySid, "SK"))
        {
            failures.Add("Twilio:ApiKeySid must be 'SK' followed by 32 hex digits.");
        }

        if (!string.IsNullOrEmpty(options.ApiKeySid) != !string.IsNullOrEmpty(options.ApiKeySecret))
        {
            failures.Add("Twilio:ApiKeySid and Twilio:ApiKeySecret go together.");
        }

        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Twilio:BaseUrl must be an absolute http(s) URL.");
        }

        // Polly's own bounds for a timeout strategy.
        if (options.Timeout < TimeSpan.FromMilliseconds(10) || options.Timeout > TimeSpan.FromDays(1))
        {
            failures.Add("Twilio:Timeout must be between 10 ms and one day.");
        }

        if (options.MaxAttempts < 1)
        {
            failures.Add("Twilio:MaxAttempts must be at least 1.");
        }

        if (options.BaseDelay <= TimeSpan.Zero || options.MaxDelay < options.BaseDelay)
        {
            failures.Add("Twilio:BaseDelay must be positive and no longer than Twilio:MaxDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsSid(string value, string prefix) =>
        value.Length == 34
        && value.StartsWith(prefix, StringComparison.Ordinal)
        && !value.AsSpan(2).ContainsAnyExcept(Hex);
}
