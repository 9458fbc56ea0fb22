using ConversationEngine.Twilio.Webhooks;
using ConversationEngine.Webhooks;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Events;

/// <summary>
/// Asks the account's and then the service's pre-action hook (onMessageAdd, onConversationAdd…)
/// about an action before it happens, by Twilio's answer table: a rejection by either stops it
/// (a 4xx for the caller, <see cref="Errors.RejectedByWebhook"/>), a modification is applied to
/// what the next hook and the action see, no answer within the timeout lets it through unchanged.
/// </summary>
public sealed class PreActionGate(IGrainFactory grains, PreActionHook hook, IOptions<WebhookDeliveryOptions> options)
{
    /// <summary>The decisions of both levels folded into one; throws when one of them rejects.</summary>
    public async Task<PreActionDecision> CheckAsync(string eventType, string chatServiceSid, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var (accountSid, token) = (options.Value.AccountSid, options.Value.AuthToken);
        var folded = PreActionDecision.NotCalled;
        if (token is null)
        {
            return folded;
        }

        foreach (var key in accountSid is null ? [chatServiceSid] : new[] { accountSid, chatServiceSid })
        {
            if (await grains.GetGrain<IWebhookConfigurationGrain>(key).PreTargetAsync() is not { } target)
            {
                continue;
            }

            var decision = await hook.CallAsync(target, eventType, [new("AccountSid", accountSid ?? ""), .. Modified(parameters, folded)], token, cancellationToken);
            if (decision.Verdict == PreActionVerdict.Reject)
            {
                throw Errors.RejectedByWebhook(eventType, decision.StatusCode);
            }

            if (decision.Verdict == PreActionVerdict.Modify)
            {
                folded = folded with
                {
                    Verdict = PreActionVerdict.Modify,
                    FriendlyName = decision.FriendlyName ?? folded.FriendlyName,
                    Body = decision.Body ?? folded.Body,
                    Author = decision.Author ?? folded.Author,
                    Attributes = decision.Attributes ?? folded.Attributes,
                };
            }
        }

        return folded;
    }

    /// <summary>The parameters as an earlier hook modified them.</summary>
    private static List<KeyValuePair<string, string>> Modified(IReadOnlyList<KeyValuePair<string, string>> parameters, PreActionDecision changes) =>
        parameters.Select(p => p.Key switch
        {
            "FriendlyName" when changes.FriendlyName is { } name => new KeyValuePair<string, string>(p.Key, name),
            "Body" when changes.Body is { } body => new(p.Key, body),
            "Author" when changes.Author is { } author => new(p.Key, author),
            "Attributes" when changes.Attributes is { } attributes => new(p.Key, attributes),
            _ => p,
        }).ToList();
}
