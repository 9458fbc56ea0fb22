using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Senders;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// A Messaging Service's senders: <c>/messaging/v1/Services/{MG}/PhoneNumbers</c>, <c>/ShortCodes</c>
/// and <c>/AlphaSenders</c>. The three resources differ only in their SID prefix, create parameter
/// and JSON shape, so one group class maps each from its description.
/// </summary>
public static class ServiceSenderEndpoints
{
    /// <summary>One pool resource: path segment, SID prefix, create parameter, list key, wire shape, and the types its operations declare.</summary>
    private sealed record Kind(string Path, string Prefix, string Parameter, string Key, Func<SenderLinks, string, PoolSender, object> Map, Type Resource, Contract Takes);

    /// <summary>What each operation of a kind takes (<see cref="RequestContract"/>).</summary>
    private sealed record Contract(Type Create, Type List, Type Fetch, Type Delete);

    private static readonly Kind PhoneNumbers = new("PhoneNumbers", Sids.PhoneNumber, "PhoneNumberSid", "phone_numbers", (l, mg, p) => l.ServicePhoneNumber(mg, p), typeof(ServicePhoneNumberResource),
        new(typeof(MessagingCreatePhoneNumberRequest), typeof(MessagingListPhoneNumberRequest), typeof(MessagingFetchPhoneNumberRequest), typeof(MessagingDeletePhoneNumberRequest)));
    private static readonly Kind ShortCodes = new("ShortCodes", Sids.ShortCode, "ShortCodeSid", "short_codes", (l, mg, p) => l.ServiceShortCode(mg, p), typeof(ServiceShortCodeResource),
        new(typeof(MessagingCreateShortCodeRequest), typeof(MessagingListShortCodeRequest), typeof(MessagingFetchShortCodeRequest), typeof(MessagingDeleteShortCodeRequest)));
    private static readonly Kind AlphaSenders = new("AlphaSenders", Sids.AlphaSender, "AlphaSender", "alpha_senders", (l, mg, p) => l.ServiceAlphaSender(mg, p), typeof(ServiceAlphaSenderResource),
        new(typeof(MessagingCreateAlphaSenderRequest), typeof(MessagingListAlphaSenderRequest), typeof(MessagingFetchAlphaSenderRequest), typeof(MessagingDeleteAlphaSenderRequest)));

    public static IEndpointRouteBuilder MapServiceSenderEndpoints(this IEndpointRouteBuilder routes)
    {
        Map(routes, PhoneNumbers, "PhoneNumber");
        Map(routes, ShortCodes, "ShortCode");
        Map(routes, AlphaSenders, "AlphaSender");
        return routes;
    }

    private static void Map(IEndpointRouteBuilder routes, Kind kind, string name)
    {
        var group = routes.MapGroup($"/messaging/v1/Services/{{ServiceSid}}/{kind.Path}").WithTags("Messaging Service senders");
        group.MapPost("/", (string serviceSid, HttpRequest request, IGrainFactory grains, SenderLinks links) => CreateAsync(kind, serviceSid, request, grains, links))
            .WithName($"MessagingCreate{name}").Takes(kind.Takes.Create).Produces(StatusCodes.Status201Created, kind.Resource).Idempotent();
        group.MapGet("/", (string serviceSid, HttpRequest request, IGrainFactory grains, SenderLinks links) => ListAsync(kind, serviceSid, request, grains, links))
            .WithName($"MessagingList{name}").Takes(kind.Takes.List).Lists(kind.Resource, kind.Key);
        group.MapGet("/{Sid}", (string serviceSid, string sid, IGrainFactory grains, SenderLinks links) => FetchAsync(kind, serviceSid, sid, grains, links))
            .WithName($"MessagingFetch{name}").Takes(kind.Takes.Fetch).Produces(StatusCodes.Status200OK, kind.Resource);
        group.MapDelete("/{Sid}", (string serviceSid, string sid, IGrainFactory grains) => DeleteAsync(kind, serviceSid, sid, grains))
            .WithName($"MessagingDelete{name}").Takes(kind.Takes.Delete).Produces(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> CreateAsync(Kind kind, string serviceSid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var form = await Form.ReadAsync(request);
        var value = form.Value(kind.Parameter) ?? throw Errors.Missing(kind.Parameter);
        var service = MessagingServiceEndpoints.Service(grains, serviceSid);
        PoolSender added;
        if (IdempotencyReservation.Of(request) is { Rerun: true } && await AddedAsync(kind, service, value) is { } earlier)
        {
            // The key's earlier attempt left no outcome: it may have added the sender before its answer was lost.
            added = earlier;
        }
        else if (kind == AlphaSenders)
        {
            added = await service.AddAlphaSenderAsync(value);
        }
        else
        {
            if (!Sids.IsValid(value, kind.Prefix))
            {
                throw Errors.Invalid(kind.Parameter, $"expected a {kind.Prefix} SID ({kind.Prefix} followed by 32 hex digits)");
            }

            added = await service.AddSenderAsync(value);
        }

        var resource = kind.Map(links, serviceSid, added);
        return TypedResults.Created(links.ServiceUrl(serviceSid) + $"/{kind.Path}/{added.Sender.Sid}", resource);
    }

    /// <summary>The sender already in the service under the value a create names (a SID, or the alphanumeric ID).</summary>
    private static async Task<PoolSender?> AddedAsync(Kind kind, IMessagingServiceGrain service, string value)
    {
        if (kind != AlphaSenders)
        {
            return await service.FindSenderAsync(value);
        }

        var alphas = await service.ListSendersAsync(kind.Prefix, 0, 100);
        return alphas.Items.FirstOrDefault(s => s.Sender.Address == value);
    }

    private static async Task<IResult> FetchAsync(Kind kind, string serviceSid, string sid, IGrainFactory grains, SenderLinks links)
    {
        var service = MessagingServiceEndpoints.Service(grains, serviceSid);
        var found = sid.StartsWith(kind.Prefix, StringComparison.Ordinal) ? await service.FindSenderAsync(sid) : null;
        return TypedResults.Ok(kind.Map(links, serviceSid, found ?? throw NotFound(kind, serviceSid, sid)));
    }

    private static async Task<IResult> DeleteAsync(Kind kind, string serviceSid, string sid, IGrainFactory grains)
    {
        if (!sid.StartsWith(kind.Prefix, StringComparison.Ordinal))
        {
            throw NotFound(kind, serviceSid, sid);
        }

        await MessagingServiceEndpoints.Service(grains, serviceSid).RemoveSenderAsync(sid);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListAsync(Kind kind, string serviceSid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var paging = Paging.From(request, Paging.MaxPageSize);
        var page = await MessagingServiceEndpoints.Service(grains, serviceSid).ListSendersAsync(kind.Prefix, paging.Position ?? 0, paging.PageSize);
        return TypedResults.Json(new Dictionary<string, object?>
        {
            [kind.Key] = page.Items.Select(p => kind.Map(links, serviceSid, p)).ToList(),
            ["meta"] = paging.Meta(kind.Key, links.ServiceUrl(serviceSid) + "/" + kind.Path, null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    private static EngineException NotFound(Kind kind, string serviceSid, string sid) =>
        Errors.Unknown("The resource");
}
