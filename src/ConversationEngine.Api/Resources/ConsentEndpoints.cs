using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>A participant's consent on its channel, as the engine applies it when sending to it.</summary>
public sealed record ParticipantConsentResource(
    string ConversationSid,
    string ParticipantSid,
    string Channel,
    string? Address,
    string? ProxyAddress,
    bool? OptedOut,
    string? LastKeyword,
    DateTimeOffset? DateUpdated,
    DateTimeOffset? WhatsappWindowEnds,
    ConsentSummaryResource? Consent,
    string Url);

/// <summary>
/// <c>/engine/v1/Conversations/{ConversationSid}/Participants/{Sid}/Consent</c> (and its twin under
/// <c>/engine/v1/Services/{ChatServiceSid}</c>): whether a messaging participant opted out (STOP…)
/// towards the conversation's Messaging Service or the number it talks to — the same records a send
/// checks —, its recorded consent (<c>consent.state</c> opted_in, opted_out or none, its source and
/// date) and, on WhatsApp, when the customer-service window closes. Readable by the agents in the
/// conversation, unlike the operator's <c>ContactChannels</c>. A chat participant has no consent
/// record: <c>opted_out</c> is null.
/// </summary>
public static class ConsentEndpoints
{
    private static readonly TimeSpan WhatsAppWindow = TimeSpan.FromHours(24);

    public static IEndpointRouteBuilder MapConsentEndpoints(this IEndpointRouteBuilder routes)
    {
        var twins = new (RouteGroupBuilder Group, string Scope)[]
        {
            (routes.MapGroup("/engine/v1"), ""),
            (routes.MapGroup("/engine/v1/Services/{" + ServiceScope.RouteValue + "}").AddEndpointFilter<ServiceScopeFilter>(), "Service"),
        };
        foreach (var (scope, service) in twins)
        {
            scope.MapGet("/Conversations/{ConversationSid}/Participants/{Sid}/Consent", FetchAsync)
                .WithName($"Fetch{service}ConversationParticipantConsent").Takes<FetchConversationParticipantConsentRequest>().WithTags("Operator");
        }

        return routes;
    }

    public static async Task<Ok<ParticipantConsentResource>> FetchAsync(string conversationSid, string sid, ConversationLookup lookup, ResourceLinks links)
    {
        var (grain, conversation) = await lookup.ExistingAsync(conversationSid);
        var participant = await grain.GetParticipantAsync(sid) ?? throw Errors.Unknown("The resource");
        var binding = participant.MessagingBinding;
        var url = links.Engine((links.NamedServiceSid is { } service ? $"/Services/{service}" : "") + $"/Conversations/{conversation.Sid}/Participants/{participant.Sid}/Consent");
        if (binding?.Address is not { } address)
        {
            return TypedResults.Ok(new ParticipantConsentResource(conversation.Sid, participant.Sid, binding?.Type ?? "chat", null, null, null, null, null, null, null, url));
        }

        var scopes = new[] { conversation.MessagingServiceSid, binding.ProxyAddress }.OfType<string>().Distinct(StringComparer.Ordinal);
        var contacts = await Task.WhenAll(scopes.Select(s => lookup.Grains.GetGrain<IContactChannelGrain>(ContactKeys.Channel(s, address)).GetAsync()));
        var optedOut = contacts.FirstOrDefault(c => c.OptedOut);
        var latest = contacts.Where(c => c.DateUpdated is not null).MaxBy(c => c.DateUpdated);
        var lastInbound = contacts.Select(c => c.LastInbound).Max();
        // An opt-out towards the service or the number stops sends; an opt-in towards either counts.
        var consent = contacts.FirstOrDefault(c => c.ConsentState == ConsentStates.OptedOut)
            ?? contacts.FirstOrDefault(c => c.ConsentState == ConsentStates.OptedIn);
        return TypedResults.Ok(new ParticipantConsentResource(
            conversation.Sid, participant.Sid, binding.Type, address, binding.ProxyAddress,
            optedOut is not null, (optedOut ?? latest)?.LastKeyword, (optedOut ?? latest)?.DateUpdated,
            binding.Type == Rules.ChannelTypes.WhatsApp && lastInbound is { } last ? last + WhatsAppWindow : null,
            consent is null ? new ConsentSummaryResource(ConsentStates.None, null, null) : ConsentSummaryResource.Of(consent),
            url));
    }
}
