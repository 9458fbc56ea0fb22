using Orleans.Concurrency;

namespace ConversationEngine.Contacts;

/// <summary>
/// Keywords of one kind in one language, with the answer in that language (Twilio's Advanced
/// Opt-Out, per Messaging Service): applied in addition to Twilio's default keywords.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConsentKeywordRule")]
public sealed record ConsentKeywordRule
{
    /// <summary>A BCP 47 language tag: <c>ja</c>, <c>es</c>, <c>es-MX</c>.</summary>
    [Id(0)] public required string Language { get; init; }

    /// <summary><see cref="KeywordAction.OptOut"/>, <see cref="KeywordAction.OptIn"/> or <see cref="KeywordAction.Help"/>.</summary>
    [Id(1)] public required KeywordAction Action { get; init; }

    /// <summary>The keywords, NFKC-normalised and trimmed as stored.</summary>
    [Id(2)] public required IReadOnlyList<string> Keywords { get; init; }

    /// <summary>The answer to any of them; null for none.</summary>
    [Id(3)] public string? Reply { get; init; }
}

/// <summary>A Messaging Service's consent settings (an engine extension, not Twilio's).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConsentPolicy")]
public sealed record ConsentPolicy
{
    /// <summary>Business-initiated messages need the contact's recorded opt-in on the channel.</summary>
    [Id(0)] public bool RequireOptIn { get; init; }

    /// <summary>
    /// The engine answers the service's own keywords with their replies. Off when the same keywords
    /// are configured in Twilio's Advanced Opt-Out, which then answers them itself.
    /// </summary>
    [Id(1)] public bool EngineReplies { get; init; } = true;

    [Id(2)] public IReadOnlyList<ConsentKeywordRule> Keywords { get; init; } = [];

    /// <summary>When it was last changed; null while it holds the defaults.</summary>
    [Id(3)] public DateTimeOffset? DateUpdated { get; init; }
}

/// <summary>A change to a <see cref="ConsentPolicy"/>: what is null stays as it is.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ConsentPolicyUpdate")]
public sealed record ConsentPolicyUpdate
{
    [Id(0)] public bool? RequireOptIn { get; init; }
    [Id(1)] public bool? EngineReplies { get; init; }

    /// <summary>The whole set of keyword rules, replacing the current one.</summary>
    [Id(2)] public IReadOnlyList<ConsentKeywordRule>? Keywords { get; init; }
}

public static class ConsentPolicyLimits
{
    public const int Rules = 30;
    public const int KeywordsPerRule = 20;
    public const int KeywordLength = 50;
    public const int ReplyLength = 1600;
    public const int LanguageLength = 35;
}

/// <summary>One Messaging Service's consent policy, keyed by its SID (MG…).</summary>
[Alias("ConversationEngine.IConsentPolicyGrain")]
public interface IConsentPolicyGrain : IGrainWithStringKey
{
    [ReadOnly]
    [Alias("Get")]
    Task<ConsentPolicy> GetAsync();

    /// <summary>Applies the change; refused (400, nothing changed) when a rule is malformed or a keyword is claimed twice.</summary>
    [Alias("Update")]
    Task<ConsentPolicy> UpdateAsync(ConsentPolicyUpdate update);
}
