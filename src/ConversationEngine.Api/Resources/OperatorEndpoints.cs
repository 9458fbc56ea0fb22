using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Contacts;
using ConversationEngine.Delivery;
using ConversationEngine.Inbound;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

public sealed record InboundMessageResource(
    string MessageSid,
    string Outcome,
    string? Reason,
    string? ConversationSid,
    string? ConversationMessageSid,
    string From,
    string To,
    string? Body,
    string? MessagingServiceSid,
    IReadOnlyList<Dictionary<string, string?>> Media,
    string? Keyword,
    string? KeywordText,
    string? KeywordLanguage,
    bool? OptedOut,
    string? Reply,
    DateTimeOffset DateReceived,
    IReadOnlyList<InboundForwardResource> Forwards,
    string Url);

/// <summary>One forward of an unroutable message to the Messaging Service's inbound or fallback URL, or why none was made.</summary>
public sealed record InboundForwardResource(
    string Target,
    string? MessagingServiceSid,
    string? Url,
    string? Method,
    int? StatusCode,
    string? Failure,
    long ElapsedMs,
    bool AnsweredTwiml,
    string? Reason,
    DateTimeOffset DateForwarded);

/// <summary>What the outbox did with a conversation message: one entry per messaging recipient.</summary>
public sealed record MessageDeliveryResource(
    string ConversationSid,
    string MessageSid,
    long Index,
    string? MessagingServiceSid,
    DateTimeOffset DateCreated,
    IReadOnlyList<DeliveryRecipientResource> Recipients,
    string Url);

public sealed record DeliveryRecipientResource(
    string ParticipantSid,
    string ReceiptSid,
    string Channel,
    string To,
    string? From,
    string? MessagingServiceSid,
    string State,
    string? ChannelMessageSid,
    string? Encoding,
    int NumSegments,
    string? BodySent,
    int Attempts,
    int? ErrorCode,
    string? ErrorMessage,
    DateTimeOffset? DateSubmitted);

/// <summary>A message the sandbox transport "sent" (no Twilio credentials configured).</summary>
public sealed record SandboxMessageResource(
    string Sid,
    string To,
    string? From,
    string? MessagingServiceSid,
    string? Body,
    IReadOnlyList<string> MediaUrls,
    string? ContentSid,
    int NumSegments,
    string ReceiptSid,
    DateTimeOffset DateCreated);

public sealed record ContactChannelResource(
    string Scope,
    string Address,
    string Channel,
    bool OptedOut,
    string? LastKeyword,
    DateTimeOffset? DateUpdated,
    ConsentSummaryResource Consent,
    string Url);

/// <summary>
/// The engine's own API for operators (not part of Twilio's): what became of an inbound message,
/// which ones no conversation took, and a contact's opt-in state on a channel.
/// </summary>
public static class OperatorEndpoints
{
    public static IEndpointRouteBuilder MapOperatorEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/engine/v1").WithTags("Operator");
        group.MapGet("/InboundMessages/{MessageSid}", FetchInboundAsync).WithName("FetchInboundMessage").Takes<FetchInboundMessageRequest>();
        group.MapGet("/UnroutableMessages", ListUnroutableAsync).WithName("ListUnroutableMessages").Takes<PageRequest>().Lists<InboundMessageResource>("unroutable_messages");
        group.MapGet("/ContactChannels/{Scope}/{Address}", FetchContactAsync).WithName("FetchContactChannel").Takes<FetchContactChannelRequest>();
        group.MapGet("/Deliveries/{ConversationSid}/{MessageSid}", FetchDeliveryAsync).WithName("FetchMessageDelivery").Takes<FetchMessageDeliveryRequest>();
        group.MapGet("/Sandbox/Messages", ListSandboxAsync).WithName("ListSandboxMessages").Takes<PageRequest>().Lists<SandboxMessageResource>("messages");
        routes.MapHandoverEndpoints();
        routes.MapConsentEndpoints();
        routes.MapContactConsentEndpoints();
        return routes;
    }

    /// <summary>The outbox of one conversation message: each recipient's sender, encoding, segments, attempts and state.</summary>
    public static async Task<Ok<MessageDeliveryResource>> FetchDeliveryAsync(string conversationSid, string messageSid, ConversationLookup lookup, IGrainFactory grains, ResourceLinks links)
    {
        var message = await lookup.MessageAsync(conversationSid, messageSid);
        var delivery = await grains.GetGrain<IMessageDeliveryGrain>(DeliveryKeys.Outbox(message.ConversationSid, message.Sid)).GetAsync()
            ?? throw Errors.Unknown("The resource");
        return TypedResults.Ok(new MessageDeliveryResource(
            delivery.Order.ConversationSid,
            delivery.Order.MessageSid,
            delivery.Order.MessageIndex,
            delivery.Order.MessagingServiceSid,
            delivery.Order.DateCreated,
            delivery.Records.Select(r => new DeliveryRecipientResource(
                r.Target.ParticipantSid, r.Target.ReceiptSid, r.Target.Channel, r.Target.To, r.From, r.MessagingServiceSid, r.State,
                r.ChannelMessageSid, r.Encoding, r.Segments, r.SentBody, r.Attempts, r.ErrorCode, r.ErrorMessage, r.DateSubmitted)).ToList(),
            links.Engine($"/Deliveries/{delivery.Order.ConversationSid}/{delivery.Order.MessageSid}")));
    }

    /// <summary>What the sandbox transport "sent" (no Twilio credentials configured), oldest first.</summary>
    public static async Task<IResult> ListSandboxAsync(HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var paging = Paging.From(request, Paging.MaxPageSize);
        var page = await grains.GetGrain<ISandboxOutboxGrain>(links.AccountSid).ListAsync(paging.Position ?? 0, paging.PageSize);
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["messages"] = page.Items.Select(m => new SandboxMessageResource(
                m.Sid, m.To, m.From, m.MessagingServiceSid, m.Body, m.MediaUrls, m.ContentSid, m.Segments, m.IdempotencyKey, m.DateCreated)).ToList(),
            ["meta"] = paging.Meta("messages", links.Engine("/Sandbox/Messages"), null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    public static async Task<Ok<InboundMessageResource>> FetchInboundAsync(string messageSid, IGrainFactory grains, ResourceLinks links)
    {
        var outcome = await grains.GetGrain<IInboundMessageGrain>(messageSid).GetAsync()
            ?? throw Errors.Unknown("The resource");
        return TypedResults.Ok(Inbound(outcome, links));
    }

    public static async Task<IResult> ListUnroutableAsync(HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var paging = Paging.From(request, Paging.MaxPageSize);
        var page = await grains.GetGrain<IUnroutableLogGrain>(links.AccountSid).ListAsync(paging.Position ?? 0, paging.PageSize);
        var outcomes = await Task.WhenAll(page.Items.Select(sid => grains.GetGrain<IInboundMessageGrain>(sid).GetAsync()));
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["unroutable_messages"] = outcomes.OfType<InboundOutcome>().Select(o => Inbound(o, links)).ToList(),
            ["meta"] = paging.Meta("unroutable_messages", links.Engine("/UnroutableMessages"), null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    /// <summary>
    /// <paramref name="scope"/> is the Messaging Service SID (MG…), or the number the contact wrote
    /// to when there is none; <paramref name="address"/> the contact's channel address, URL-encoded.
    /// </summary>
    public static async Task<Ok<ContactChannelResource>> FetchContactAsync(string scope, string address, IGrainFactory grains, ResourceLinks links)
    {
        var contact = await grains.GetGrain<IContactChannelGrain>(ContactKeys.Channel(scope, address)).GetAsync();
        // A channel that never wrote in, sent a keyword or was written to has no record.
        if (contact.LastInbound is null && contact.DateUpdated is null && contact.StickySenderSid is null && contact.ConsentDate is null)
        {
            throw Errors.Unknown("The contact channel");
        }

        var colon = address.IndexOf(':', StringComparison.Ordinal);
        return TypedResults.Ok(new ContactChannelResource(
            scope, address, colon < 0 ? Rules.ChannelTypes.Sms : address[..colon], contact.OptedOut, contact.LastKeyword, contact.DateUpdated,
            ConsentSummaryResource.Of(contact),
            links.Engine($"/ContactChannels/{Uri.EscapeDataString(scope)}/{Uri.EscapeDataString(address)}")));
    }

    private static InboundMessageResource Inbound(InboundOutcome outcome, ResourceLinks links) => new(
        outcome.MessageSid,
        outcome.Outcome,
        outcome.Reason,
        outcome.ConversationSid,
        outcome.ConversationMessageSid,
        outcome.Request.From,
        outcome.Request.To,
        outcome.Request.Body,
        outcome.Request.MessagingServiceSid,
        outcome.Request.Media.Select(m => new Dictionary<string, string?> { ["url"] = m.Url, ["content_type"] = m.ContentType }).ToList(),
        outcome.Keyword.Action == KeywordAction.None ? null : outcome.Keyword.Action.ToString().ToLowerInvariant(),
        outcome.Keyword.Keyword,
        outcome.Keyword.Language,
        outcome.Keyword.OptedOut,
        outcome.Reply,
        outcome.DateReceived,
        outcome.Forwards.Select(f => new InboundForwardResource(
            f.Target, f.MessagingServiceSid, f.Url, f.Method, f.StatusCode, f.Failure, f.ElapsedMilliseconds, f.AnsweredTwiML, f.Reason, f.DateForwarded)).ToList(),
        links.Engine("/InboundMessages/" + outcome.MessageSid));
}
