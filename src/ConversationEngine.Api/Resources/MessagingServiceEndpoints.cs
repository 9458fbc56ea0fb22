using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Senders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary><c>/messaging/v1/Services</c>: Messaging Services (sender pools) and their settings.</summary>
public static class MessagingServiceEndpoints
{
    public static IEndpointRouteBuilder MapMessagingServiceEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/messaging/v1/Services").WithTags("Messaging Services");
        group.MapPost("/", CreateAsync).WithName("MessagingCreateService").Takes<MessagingCreateServiceRequest>().Idempotent();
        group.MapGet("/", ListAsync).WithName("MessagingListService").Takes<MessagingListServiceRequest>().Lists<MessagingServiceResource>("services");
        group.MapGet("/{Sid}", FetchAsync).WithName("MessagingFetchService").Takes<MessagingFetchServiceRequest>();
        group.MapPost("/{Sid}", UpdateAsync).WithName("MessagingUpdateService").Takes<MessagingUpdateServiceRequest>();
        group.MapDelete("/{Sid}", DeleteAsync).WithName("MessagingDeleteService").Takes<MessagingDeleteServiceRequest>();
        return routes;
    }

    public static async Task<Created<MessagingServiceResource>> CreateAsync(HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var form = await Form.ReadAsync(request);
        var reservation = IdempotencyReservation.Of(request);
        var sid = reservation?.Sid(Sids.MessagingService) ?? Sids.New(Sids.MessagingService);
        var service = await grains.GetGrain<IMessagingServiceGrain>(sid).CreateAsync(links.AccountSid, Settings(form), reserved: reservation is not null);
        var resource = links.Service(service);
        return TypedResults.Created(resource.Url, resource);
    }

    public static async Task<Ok<MessagingServiceResource>> FetchAsync(string sid, IGrainFactory grains, SenderLinks links) =>
        TypedResults.Ok(links.Service(await Service(grains, sid).GetAsync() ?? throw NotFound(sid)));

    public static async Task<Ok<MessagingServiceResource>> UpdateAsync(string sid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var form = await Form.ReadAsync(request);
        return TypedResults.Ok(links.Service(await Service(grains, sid).UpdateAsync(Settings(form))));
    }

    public static async Task<NoContent> DeleteAsync(string sid, IGrainFactory grains)
    {
        await Service(grains, sid).DeleteAsync();
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var paging = Paging.From(request, Paging.MaxPageSize);
        var page = await grains.GetGrain<IMessagingServiceDirectoryGrain>(links.AccountSid).ListAsync(paging.Position ?? 0, paging.PageSize);
        var services = await Task.WhenAll(page.Items.Select(sid => grains.GetGrain<IMessagingServiceGrain>(sid).GetAsync()));
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["services"] = services.OfType<MessagingServiceSnapshot>().Select(links.Service).ToList(),
            ["meta"] = paging.Meta("services", links.Messaging("/Services"), null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    /// <summary>The grain for an MG SID; anything else is a 404 without activating a grain.</summary>
    internal static IMessagingServiceGrain Service(IGrainFactory grains, string sid) =>
        Sids.IsValid(sid, Sids.MessagingService) ? grains.GetGrain<IMessagingServiceGrain>(sid) : throw NotFound(sid);

    internal static EngineException NotFound(string sid) => Errors.Unknown("The resource");

    private static MessagingServiceSettings Settings(Form form)
    {
        var validity = form.Number("ValidityPeriod");
        return new MessagingServiceSettings
        {
            FriendlyName = form.Value("FriendlyName"),
            InboundRequestUrl = form.Value("InboundRequestUrl"),
            InboundMethod = form.Value("InboundMethod"),
            FallbackUrl = form.Value("FallbackUrl"),
            FallbackMethod = form.Value("FallbackMethod"),
            StatusCallback = form.Value("StatusCallback"),
            StickySender = form.Flag("StickySender"),
            MmsConverter = form.Flag("MmsConverter"),
            SmartEncoding = form.Flag("SmartEncoding"),
            ScanMessageContent = form.Value("ScanMessageContent"),
            FallbackToLongCode = form.Flag("FallbackToLongCode"),
            AreaCodeGeomatch = form.Flag("AreaCodeGeomatch"),

            // Out of int's range is out of 1–36000 too: the grain answers 21624 for 0.
            ValidityPeriod = validity is null ? null : validity is >= 1 and <= int.MaxValue ? (int)validity : 0,
            SynchronousValidation = form.Flag("SynchronousValidation"),
            Usecase = form.Value("Usecase"),
            UseInboundWebhookOnNumber = form.Flag("UseInboundWebhookOnNumber"),
        };
    }
}
