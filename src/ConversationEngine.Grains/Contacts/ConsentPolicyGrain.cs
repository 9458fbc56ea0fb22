using System.Text.RegularExpressions;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;

namespace ConversationEngine.Contacts;

[GenerateSerializer]
[Alias("ConversationEngine.ConsentPolicyState")]
public sealed class ConsentPolicyState
{
    [Id(0)] public ConsentPolicy Policy { get; set; } = new();
}

/// <summary>
/// A Messaging Service's consent settings, apart from the service's own (Twilio's) resource: whether
/// business-initiated messages need an opt-in, and its keywords per language (Advanced Opt-Out).
/// </summary>
public sealed partial class ConsentPolicyGrain(
    [PersistentState("consentpolicy", "store")] IPersistentState<ConsentPolicyState> store,
    TimeProvider time) : Grain, IConsentPolicyGrain
{
    public Task<ConsentPolicy> GetAsync() => Task.FromResult(store.State.Policy);

    public async Task<ConsentPolicy> UpdateAsync(ConsentPolicyUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var current = store.State.Policy;
        var next = current with
        {
            RequireOptIn = update.RequireOptIn ?? current.RequireOptIn,
            EngineReplies = update.EngineReplies ?? current.EngineReplies,
            Keywords = update.Keywords is { } rules ? Validated(rules) : current.Keywords,
            DateUpdated = time.GetUtcNow(),
        };
        store.State.Policy = next;
        await store.WriteOrRevertAsync(() => store.State.Policy = current);
        return next;
    }

    /// <summary>The rules as stored: keywords normalised, each claimed once, none of Twilio's defaults.</summary>
    private static List<ConsentKeywordRule> Validated(IReadOnlyList<ConsentKeywordRule> rules)
    {
        if (rules.Count > ConsentPolicyLimits.Rules)
        {
            throw Errors.Invalid("Keywords", $"at most {ConsentPolicyLimits.Rules} rules (one per language and kind)");
        }

        var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
        var kinds = new HashSet<(string, KeywordAction)>();
        var result = new List<ConsentKeywordRule>(rules.Count);
        foreach (var rule in rules)
        {
            var language = rule.Language?.Trim() ?? "";
            if (language.Length > ConsentPolicyLimits.LanguageLength || !LanguageTag().IsMatch(language))
            {
                throw Errors.Invalid("Keywords", $"'{language}' is not a language tag such as ja, es or es-MX");
            }

            if (rule.Action is not (KeywordAction.OptOut or KeywordAction.OptIn or KeywordAction.Help))
            {
                throw Errors.Invalid("Keywords", "each rule's action is opt_out, opt_in or help");
            }

            var kind = ConsentKeywords.Name(rule.Action);
            if (!kinds.Add((language.ToUpperInvariant(), rule.Action)))
            {
                throw Errors.Invalid("Keywords", $"{language} has two {kind} rules: list all its {kind} keywords in one");
            }

            if (rule.Keywords is not { Count: > 0 } || rule.Keywords.Count > ConsentPolicyLimits.KeywordsPerRule)
            {
                throw Errors.Invalid("Keywords", $"the {language} {kind} rule needs 1 to {ConsentPolicyLimits.KeywordsPerRule} keywords");
            }

            var keywords = new List<string>(rule.Keywords.Count);
            foreach (var given in rule.Keywords)
            {
                var keyword = ConsentKeywords.Normalize(given);
                if (keyword.Length == 0 || keyword.Length > ConsentPolicyLimits.KeywordLength || keyword.Any(char.IsControl))
                {
                    throw Errors.Invalid("Keywords", $"a keyword is 1 to {ConsentPolicyLimits.KeywordLength} characters on one line ('{given}' in the {language} {kind} rule)");
                }

                if (ConsentKeywords.IsTwilioDefault(keyword))
                {
                    throw Errors.Invalid("Keywords", $"'{keyword}' is one of Twilio's default keywords, which always keep their meaning; list only the service's own");
                }

                var folded = ConsentKeywords.Fold(keyword);
                if (claimed.TryGetValue(folded, out var owner))
                {
                    throw Errors.Invalid("Keywords", $"'{keyword}' is claimed twice ({owner} and {language} {kind}); a message must mean one thing");
                }

                claimed[folded] = $"{language} {kind}";
                keywords.Add(keyword);
            }

            var reply = string.IsNullOrEmpty(rule.Reply) ? null : rule.Reply;
            if (reply is not null && (reply.Length > ConsentPolicyLimits.ReplyLength || FieldRules.HasControlCharacters(reply)))
            {
                throw Errors.Invalid("Keywords", $"the {language} {kind} reply is at most {ConsentPolicyLimits.ReplyLength} characters, without control characters");
            }

            result.Add(new ConsentKeywordRule { Language = language, Action = rule.Action, Keywords = keywords, Reply = reply });
        }

        return result;
    }

    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();
}
