using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Senders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/2010-04-01/Accounts/{AccountSid}/SMS/ShortCodes</c>: the account's short codes. Twilio
/// provisions those by application; here POST registers one (engine extension: <c>ShortCode</c>,
/// <c>IsoCountry</c>, <c>FriendlyName</c>, <c>Mps</c>) and DELETE releases it.
/// </summary>
public static class ShortCodeEndpoints
{
    public static IEndpointRouteBuilder MapShortCodeEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/2010-04-01/Accounts/{AccountSid}/SMS").WithTags("Short codes");
        group.MapPost("/ShortCodes.json", CreateAsync).WithName("CreateShortCode").Takes<CreateShortCodeRequest>().Idempotent();
        group.MapGet("/ShortCodes.json", ListAsync).WithName("ListShortCode").Takes<ListShortCodeRequest>().Lists<ShortCodeResource>("short_codes", ListEnvelope.Legacy);
        group.MapGet("/ShortCodes/{Sid}.json", FetchAsync).WithName("FetchShortCode").Takes<FetchShortCodeRequest>();
        group.MapPost("/ShortCodes/{Sid}.json", UpdateAsync).WithName("UpdateShortCode").Takes<UpdateShortCodeRequest>();
        group.MapDelete("/ShortCodes/{Sid}.json", DeleteAsync).WithName("DeleteShortCode").Takes<DeleteShortCodeRequest>();
        return routes;
    }

    public static async Task<Created<ShortCodeResource>> CreateAsync(string accountSid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = IncomingPhoneNumberEndpoints.Registry(accountSid, request, grains, links);
        var form = await Form.ReadAsync(request);
        var code = await registry.RegisterShortCodeAsync(IncomingPhoneNumberEndpoints.Registration(form) with
        {
            Address = form.Value("ShortCode"),
            Country = form.Value("IsoCountry"),
            Sid = IdempotencyReservation.Of(request)?.Sid(Sids.ShortCode),
        });
        var resource = links.ShortCode(code);
        return TypedResults.Created(resource.Uri, resource);
    }

    public static async Task<Ok<ShortCodeResource>> FetchAsync(string accountSid, string sid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = IncomingPhoneNumberEndpoints.Registry(accountSid, request, grains, links);
        var code = IsShortCode(sid) ? await registry.FindAsync(sid) : null;
        return TypedResults.Ok(links.ShortCode(code ?? throw Errors.Unknown("The resource")));
    }

    public static async Task<Ok<ShortCodeResource>> UpdateAsync(string accountSid, string sid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = IncomingPhoneNumberEndpoints.Registry(accountSid, request, grains, links);
        var form = await Form.ReadAsync(request);
        if (!IsShortCode(sid))
        {
            throw Errors.Unknown("The resource");
        }

        // A short code's capabilities are fixed at registration (SMS and MMS, never WhatsApp).
        var change = IncomingPhoneNumberEndpoints.Registration(form, capabilities: false);
        return TypedResults.Ok(links.ShortCode(await registry.UpdateAsync(sid, change)));
    }

    public static async Task<NoContent> DeleteAsync(string accountSid, string sid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = IncomingPhoneNumberEndpoints.Registry(accountSid, request, grains, links);
        await (IsShortCode(sid) ? registry.RemoveAsync(sid) : throw Errors.Unknown("The resource"));
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(string accountSid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = IncomingPhoneNumberEndpoints.Registry(accountSid, request, grains, links);
        var paging = Paging.From(request, Paging.MaxPageSize);
        var page = await registry.ListAsync(SenderKinds.ShortCode, paging.Position ?? 0, paging.PageSize);
        return TypedResults.Json(
            LegacyPaging.Envelope("short_codes", links.Account("/SMS/ShortCodes.json"), paging, page, page.Items.Select(links.ShortCode).ToList<object>()),
            TwilioJson.Options);
    }

    private static bool IsShortCode(string sid) => sid.StartsWith(Sids.ShortCode, StringComparison.Ordinal);
}
