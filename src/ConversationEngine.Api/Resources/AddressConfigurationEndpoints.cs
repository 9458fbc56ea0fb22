using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Inbound;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary><c>/v1/Configuration/Addresses</c>: per-address inbound behaviour, auto-creation above all.</summary>
public static class AddressConfigurationEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 50;

    public static IEndpointRouteBuilder MapAddressConfigurationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/Configuration/Addresses").WithTags("Address configurations");
        group.MapPost("/", CreateAsync).WithName("CreateConfigurationAddress").Takes<CreateConfigurationAddressRequest>().Idempotent();
        group.MapGet("/", ListAsync).WithName("ListConfigurationAddress").Takes<ListConfigurationAddressRequest>().Lists<AddressConfigurationResource>("address_configurations");
        group.MapGet("/{Sid}", FetchAsync).WithName("FetchConfigurationAddress").Takes<FetchConfigurationAddressRequest>();
        group.MapPost("/{Sid}", UpdateAsync).WithName("UpdateConfigurationAddress").Takes<UpdateConfigurationAddressRequest>();
        group.MapDelete("/{Sid}", DeleteAsync).WithName("DeleteConfigurationAddress").Takes<DeleteConfigurationAddressRequest>();
        return routes;
    }

    public static async Task<Created<AddressConfigurationResource>> CreateAsync(HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var configuration = await Book(grains, links).CreateAsync(Change(form) with
        {
            Type = form.Value("Type"),
            Address = form.Value("Address"),
            AddressCountry = form.Value("AddressCountry"),
            Sid = IdempotencyReservation.Of(request)?.Sid(Sids.AddressConfiguration),
        });
        var resource = links.AddressConfiguration(configuration);
        return TypedResults.Created(resource.Url, resource);
    }

    public static async Task<Ok<AddressConfigurationResource>> FetchAsync(string sid, IGrainFactory grains, ResourceLinks links) =>
        TypedResults.Ok(links.AddressConfiguration(await Book(grains, links).FindAsync(sid) ?? throw Errors.Unknown("The resource")));

    public static async Task<Ok<AddressConfigurationResource>> UpdateAsync(string sid, HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        return TypedResults.Ok(links.AddressConfiguration(await Book(grains, links).UpdateAsync(sid, Change(form))));
    }

    public static async Task<NoContent> DeleteAsync(string sid, IGrainFactory grains, ResourceLinks links)
    {
        await Book(grains, links).DeleteAsync(sid);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);

        var type = Form.Query(request, "Type");
        var page = await Book(grains, links).ListAsync(type, paging.Position ?? 0, paging.PageSize);
        var filters = type is null ? null : new Dictionary<string, string> { ["Type"] = type };
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["address_configurations"] = page.Items.Select(links.AddressConfiguration).ToList(),
            ["meta"] = paging.Meta("address_configurations", links.V1("/Configuration/Addresses"), filters, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    private static AddressConfigurationChange Change(Form form)
    {
        var retries = form.Number("AutoCreation.StudioRetryCount");
        return new AddressConfigurationChange
        {
            FriendlyName = form.Value("FriendlyName"),
            AutoCreationEnabled = form.Flag("AutoCreation.Enabled"),
            AutoCreationType = form.Value("AutoCreation.Type"),
            ConversationServiceSid = form.Value("AutoCreation.ConversationServiceSid"),
            WebhookUrl = form.Value("AutoCreation.WebhookUrl"),
            WebhookMethod = form.Value("AutoCreation.WebhookMethod"),
            WebhookFilters = form.Has("AutoCreation.WebhookFilters") ? form.Values("AutoCreation.WebhookFilters") : null,
            StudioFlowSid = form.Value("AutoCreation.StudioFlowSid"),
            StudioRetryCount = retries is null ? null : retries is >= int.MinValue and <= int.MaxValue ? (int)retries : throw Errors.Invalid("AutoCreation.StudioRetryCount", "out of range"),
        };
    }

    private static IAddressBookGrain Book(IGrainFactory grains, ResourceLinks links) => grains.GetGrain<IAddressBookGrain>(links.AccountSid);
}
