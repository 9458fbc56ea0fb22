using System.Buffers;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Twilio.Messages;

/// <summary>
/// Checks the shape of the options at start. Missing credentials are not an error here: a host
/// without them sends through the sandbox instead.
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

        // Twilio signs every webhook (incoming messages, status callbacks) with the account's auth
        // token; an API key cannot check them. Refused at start rather than answering every webhook 403.
        if (!string.IsNullOrEmpty(options.AccountSid) && options.UsesApiKey && string.IsNullOrEmpty(options.AuthToken))
        {
            failures.Add("Twilio:AuthToken is required with Twilio:AccountSid, even with an API key: Twilio signs its webhooks with the account's auth token, so without it every incoming message and status callback would be refused.");
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

        // Reminders run at most once a minute.
        if (options.SyncInterval != TimeSpan.Zero && (options.SyncInterval < TimeSpan.FromMinutes(1) || options.SyncInterval > TimeSpan.FromDays(7)))
        {
            failures.Add("Twilio:SyncInterval must be zero (on demand only) or between one minute and seven days.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsSid(string value, string prefix) =>
        value.Length == 34
        && value.StartsWith(prefix, StringComparison.Ordinal)
        && !value.AsSpan(2).ContainsAnyExcept(Hex);
}
