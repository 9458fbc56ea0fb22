using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Senders;

namespace ConversationEngine.Api.Resources;

/// <summary><c>messaging.v1.service.channel_sender</c>: a WhatsApp sender of a Messaging Service, as imported from Twilio.</summary>
public sealed record ServiceChannelSenderResource(
    string Sid,
    string AccountSid,
    string MessagingServiceSid,
    string Sender,
    string SenderType,
    string? CountryCode,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string Url);

/// <summary>
/// <c>/messaging/v1/Services/{MG}/ChannelSenders</c>, read only: the WhatsApp channel senders the
/// account sync imported under Twilio's XE… SIDs (on one of the account's numbers, or on a number
/// of their own). They are registered in WhatsApp's and Twilio's consoles, not here, so create and
/// delete are not served.
/// </summary>
public static class ChannelSenderEndpoints
{
    private const string Key = "senders";

    public static IEndpointRouteBuilder MapChannelSenderEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/messaging/v1/Services/{MessagingServiceSid}/ChannelSenders").WithTags("Messaging Service senders");
        group.MapGet("/", ListAsync).WithName("MessagingListChannelSender").Takes<MessagingListChannelSenderRequest>().Lists<ServiceChannelSenderResource>(Key);
        group.MapGet("/{Sid}", FetchAsync).WithName("MessagingFetchChannelSender").Takes<MessagingFetchChannelSenderRequest>().Produces<ServiceChannelSenderResource>();
        return routes;
    }

    public static async Task<IResult> ListAsync(string messagingServiceSid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var paging = Paging.From(request, Paging.MaxPageSize);
        var page = Page.Slice(await ChannelSendersAsync(grains, messagingServiceSid), paging.Position ?? 0, paging.PageSize);
        return TypedResults.Json(new Dictionary<string, object?>
        {
            [Key] = page.Items.Select(p => Resource(links, messagingServiceSid, p)).ToList(),
            ["meta"] = paging.Meta(Key, links.ServiceUrl(messagingServiceSid) + "/ChannelSenders", null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    public static async Task<IResult> FetchAsync(string messagingServiceSid, string sid, IGrainFactory grains, SenderLinks links)
    {
        var found = (await ChannelSendersAsync(grains, messagingServiceSid)).Find(p => p.Sender.ChannelSenderSid == sid);
        return TypedResults.Ok(Resource(links, messagingServiceSid, found ?? throw Errors.Unknown("The resource")));
    }

    /// <summary>The pool's members that carry a channel sender, numbers and XE-only senders alike, in pool order.</summary>
    private static async Task<List<PoolSender>> ChannelSendersAsync(IGrainFactory grains, string serviceSid)
    {
        var service = MessagingServiceEndpoints.Service(grains, serviceSid);
        var numbers = await service.ListSendersAsync(Sids.PhoneNumber, 0, int.MaxValue);
        var own = await service.ListSendersAsync(Sids.ChannelSender, 0, int.MaxValue);
        return numbers.Items.Concat(own.Items).Where(p => p.Sender.ChannelSenderSid is not null).OrderBy(p => p.DateAdded).ToList();
    }

    private static ServiceChannelSenderResource Resource(SenderLinks links, string serviceSid, PoolSender p) => new(
        p.Sender.ChannelSenderSid!, links.AccountSid, serviceSid, p.Sender.AddressFor(Rules.ChannelTypes.WhatsApp), "WhatsApp", p.Sender.Country,
        p.DateAdded, p.Sender.DateUpdated, links.ServiceUrl(serviceSid) + "/ChannelSenders/" + p.Sender.ChannelSenderSid);
}
