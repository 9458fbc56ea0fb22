using System.Text.Json;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Contacts;
using ConversationEngine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>A contact channel's consent in brief, as participants and the console show it.</summary>
public sealed record ConsentSummaryResource(string State, string? Source, DateTimeOffset? DateUpdated)
{
    public static ConsentSummaryResource Of(ContactChannelSnapshot contact) => new(contact.ConsentState, contact.ConsentSource, contact.ConsentDate);
}

/// <summary>One recorded opt-in or opt-out.</summary>
public sealed record ConsentEventResource(string State, string Source, string? Evidence, string? Keyword, string? MessageSid, DateTimeOffset DateCreated);

/// <summary>A contact's consent on one channel towards one Messaging Service or number, with its history.</summary>
public sealed record ContactConsentResource(
    string Scope,
    string Address,
    string Channel,
    string State,
    string? Source,
    string? Evidence,
    DateTimeOffset? DateUpdated,
    IReadOnlyList<ConsentEventResource> Events,
    string Url);

/// <summary>A Messaging Service's keywords of one kind in one language.</summary>
public sealed record ConsentKeywordRuleResource(string Language, string Action, IReadOnlyList<string> Keywords, string? Reply);

/// <summary>A Messaging Service's consent policy (an engine extension).</summary>
public sealed record ConsentPolicyResource(
    string MessagingServiceSid,
    bool RequireOptIn,
    bool EngineReplies,
    IReadOnlyList<ConsentKeywordRuleResource> Keywords,
    DateTimeOffset? DateUpdated,
    string Url);

/// <summary>
/// The engine's consent records (not Twilio's), for account credentials only:
/// <c>/engine/v1/ContactChannels/{Scope}/{Address}/Consent</c> records and shows a contact's opt-in
/// or opt-out on one channel, and <c>/engine/v1/MessagingServices/{MessagingServiceSid}/Consent</c> a
/// service's policy: whether business-initiated messages need an opt-in, and its own keywords and
/// replies per language.
/// </summary>
public static class ContactConsentEndpoints
{
    public static IEndpointRouteBuilder MapContactConsentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/engine/v1").WithTags("Operator");
        group.MapGet("/ContactChannels/{Scope}/{Address}/Consent", FetchAsync).WithName("FetchContactChannelConsent").Takes<FetchContactChannelConsentRequest>();
        group.MapPost("/ContactChannels/{Scope}/{Address}/Consent", RecordAsync).WithName("UpdateContactChannelConsent").Takes<UpdateContactChannelConsentRequest>();
        group.MapGet("/MessagingServices/{MessagingServiceSid}/Consent", FetchPolicyAsync).WithName("FetchMessagingServiceConsent").Takes<FetchMessagingServiceConsentRequest>();
        group.MapPost("/MessagingServices/{MessagingServiceSid}/Consent", UpdatePolicyAsync).WithName("UpdateMessagingServiceConsent").Takes<UpdateMessagingServiceConsentRequest>();
        return routes;
    }

    /// <summary>The consent on record (<c>none</c> for a channel with none) and its changes, newest first.</summary>
    public static async Task<Ok<ContactConsentResource>> FetchAsync(string scope, string address, IGrainFactory grains, ResourceLinks links)
    {
        var (scopeKey, channel) = Parse(scope, address);
        var grain = grains.GetGrain<IContactChannelGrain>(ContactKeys.Channel(scopeKey, channel.Value));
        return TypedResults.Ok(Resource(scopeKey, channel, await grain.GetAsync(), await grain.GetConsentHistoryAsync(), links));
    }

    /// <summary>Records an opt-in or opt-out given outside a keyword (a web form, a call, an import…).</summary>
    public static async Task<Ok<ContactConsentResource>> RecordAsync(string scope, string address, HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var (scopeKey, channel) = Parse(scope, address);
        var state = form.Value("State") ?? throw Errors.Missing("State");
        if (state is not (ConsentStates.OptedIn or ConsentStates.OptedOut))
        {
            throw Errors.Invalid("State", $"'{state}' is not {ConsentStates.OptedIn} or {ConsentStates.OptedOut}");
        }

        if (Sids.IsValid(scopeKey, Sids.MessagingService) && await grains.GetGrain<Senders.IMessagingServiceGrain>(scopeKey).GetAsync() is null)
        {
            throw Errors.Unknown($"The Messaging Service {scopeKey}");
        }

        var grain = grains.GetGrain<IContactChannelGrain>(ContactKeys.Channel(scopeKey, channel.Value));
        var contact = await grain.RecordConsentAsync(new ConsentChange
        {
            State = state,
            Source = form.Value("Source") ?? "api",
            Evidence = form.Value("Evidence"),
        });
        return TypedResults.Ok(Resource(scopeKey, channel, contact, await grain.GetConsentHistoryAsync(), links));
    }

    public static async Task<Ok<ConsentPolicyResource>> FetchPolicyAsync(string messagingServiceSid, IGrainFactory grains, ResourceLinks links)
    {
        await ExistingServiceAsync(grains, messagingServiceSid);
        return TypedResults.Ok(Policy(messagingServiceSid, await grains.GetGrain<IConsentPolicyGrain>(messagingServiceSid).GetAsync(), links));
    }

    public static async Task<Ok<ConsentPolicyResource>> UpdatePolicyAsync(string messagingServiceSid, HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        await ExistingServiceAsync(grains, messagingServiceSid);
        var update = new ConsentPolicyUpdate
        {
            RequireOptIn = form.Flag("RequireOptIn"),
            EngineReplies = form.Flag("EngineReplies"),
            Keywords = form.Has("Keywords") ? form.Values("Keywords").SelectMany(ParseRules).ToList() : null,
        };
        return TypedResults.Ok(Policy(messagingServiceSid, await grains.GetGrain<IConsentPolicyGrain>(messagingServiceSid).UpdateAsync(update), links));
    }

    /// <summary>
    /// The scope as keys hold it (an MG… SID, or our number or channel address in E.164) and the
    /// contact's address; a scope that is an address must be on the contact's channel.
    /// </summary>
    private static (string Scope, ChannelAddress Address) Parse(string scope, string address)
    {
        var contact = ChannelAddress.Parse(address, "Address", Errors.InvalidParameter);
        if (Sids.IsValid(scope, Sids.MessagingService))
        {
            return (scope, contact);
        }

        var ours = ChannelAddress.Parse(scope, "Scope", Errors.InvalidParameter, allowShortCode: true);
        if (ours.Type != contact.Type)
        {
            throw Errors.Invalid("Scope", $"{ours.Value} is on {ours.Type}, the contact's address on {contact.Type}: consent is per channel");
        }

        return (ours.Value, contact);
    }

    private static async Task ExistingServiceAsync(IGrainFactory grains, string messagingServiceSid)
    {
        if (await MessagingServiceEndpoints.Service(grains, messagingServiceSid).GetAsync() is null)
        {
            throw Errors.Unknown("The resource");
        }
    }

    /// <summary>One <c>Keywords</c> value: a JSON rule, or an array of them (<c>[]</c>, with no other value, clears them).</summary>
    private static IEnumerable<ConsentKeywordRule> ParseRules(string value)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(value);
            root = document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw Errors.Invalid("Keywords", $"not JSON ({error.Message})");
        }

        return root.ValueKind switch
        {
            JsonValueKind.Object => [ParseRule(root)],
            JsonValueKind.Array => root.EnumerateArray().Select(ParseRule).ToList(),
            _ => throw Errors.Invalid("Keywords", "each value is a JSON object {\"language\",\"action\",\"keywords\",\"reply\"} or an array of them"),
        };
    }

    private static ConsentKeywordRule ParseRule(JsonElement rule)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            throw Errors.Invalid("Keywords", "each rule is a JSON object {\"language\",\"action\",\"keywords\",\"reply\"}");
        }

        string? Text(string name) => rule.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null => null,
                _ => throw Errors.Invalid("Keywords", $"\"{name}\" is a string"),
            }
            : null;

        var action = ConsentKeywords.Parse(Text("action"))
            ?? throw Errors.Invalid("Keywords", "each rule's \"action\" is opt_out, opt_in or help");
        if (!rule.TryGetProperty("keywords", out var keywords) || keywords.ValueKind != JsonValueKind.Array
            || keywords.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String))
        {
            throw Errors.Invalid("Keywords", "each rule's \"keywords\" is an array of strings");
        }

        return new ConsentKeywordRule
        {
            Language = Text("language") ?? throw Errors.Invalid("Keywords", "each rule names its \"language\" (ja, es, es-MX…)"),
            Action = action,
            Keywords = keywords.EnumerateArray().Select(k => k.GetString()!).ToList(),
            Reply = Text("reply"),
        };
    }

    private static ContactConsentResource Resource(string scope, ChannelAddress address, ContactChannelSnapshot contact, IReadOnlyList<ConsentEvent> history, ResourceLinks links)
    {
        var current = history.Count > 0 && contact.ConsentState != ConsentStates.None ? history[0] : null;
        return new ContactConsentResource(
            scope, address.Value, address.Type, contact.ConsentState, contact.ConsentSource, current?.Evidence, contact.ConsentDate,
            history.Select(e => new ConsentEventResource(e.State, e.Source, e.Evidence, e.Keyword, e.MessageSid, e.DateCreated)).ToList(),
            links.Engine($"/ContactChannels/{Uri.EscapeDataString(scope)}/{Uri.EscapeDataString(address.Value)}/Consent"));
    }

    private static ConsentPolicyResource Policy(string sid, ConsentPolicy policy, ResourceLinks links) => new(
        sid,
        policy.RequireOptIn,
        policy.EngineReplies,
        policy.Keywords.Select(r => new ConsentKeywordRuleResource(r.Language, ConsentKeywords.Name(r.Action), r.Keywords, r.Reply)).ToList(),
        policy.DateUpdated,
        links.Engine($"/MessagingServices/{sid}/Consent"));
}
