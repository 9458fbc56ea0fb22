using System.Globalization;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Senders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers</c>: the numbers the account owns.
/// Nothing is bought here: POST registers a number the operator already holds, with the engine's
/// extensions <c>Capabilities</c> (repeated: sms, mms, voice, whatsapp) and <c>Mps</c>.
/// </summary>
public static class IncomingPhoneNumberEndpoints
{
    public static IEndpointRouteBuilder MapIncomingPhoneNumberEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/2010-04-01/Accounts/{AccountSid}").WithTags("Incoming phone numbers");
        group.MapPost("/IncomingPhoneNumbers.json", CreateAsync).WithName("CreateIncomingPhoneNumber").Takes<CreateIncomingPhoneNumberRequest>().Idempotent();
        group.MapGet("/IncomingPhoneNumbers.json", ListAsync).WithName("ListIncomingPhoneNumber").Takes<ListIncomingPhoneNumberRequest>().Lists<IncomingPhoneNumberResource>("incoming_phone_numbers", ListEnvelope.Legacy);
        group.MapGet("/IncomingPhoneNumbers/{Sid}.json", FetchAsync).WithName("FetchIncomingPhoneNumber").Takes<FetchIncomingPhoneNumberRequest>();
        group.MapPost("/IncomingPhoneNumbers/{Sid}.json", UpdateAsync).WithName("UpdateIncomingPhoneNumber").Takes<UpdateIncomingPhoneNumberRequest>();
        group.MapDelete("/IncomingPhoneNumbers/{Sid}.json", DeleteAsync).WithName("DeleteIncomingPhoneNumber").Takes<DeleteIncomingPhoneNumberRequest>();
        return routes;
    }

    public static async Task<Created<IncomingPhoneNumberResource>> CreateAsync(string accountSid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = Registry(accountSid, request, grains, links);
        var form = await Form.ReadAsync(request);
        var number = await registry.RegisterNumberAsync(Registration(form) with
        {
            Address = form.Value("PhoneNumber"),
            Sid = IdempotencyReservation.Of(request)?.Sid(Sids.PhoneNumber),
        });
        var resource = links.IncomingPhoneNumber(number);
        return TypedResults.Created(resource.Uri, resource);
    }

    public static async Task<Ok<IncomingPhoneNumberResource>> FetchAsync(string accountSid, string sid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = Registry(accountSid, request, grains, links);
        var number = IsNumber(sid) ? await registry.FindAsync(sid) : null;
        return TypedResults.Ok(links.IncomingPhoneNumber(number ?? throw Errors.Unknown("The resource")));
    }

    public static async Task<Ok<IncomingPhoneNumberResource>> UpdateAsync(string accountSid, string sid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = Registry(accountSid, request, grains, links);
        var form = await Form.ReadAsync(request);
        var number = IsNumber(sid) ? await registry.UpdateAsync(sid, Registration(form)) : throw Errors.Unknown("The resource");
        return TypedResults.Ok(links.IncomingPhoneNumber(number));
    }

    public static async Task<NoContent> DeleteAsync(string accountSid, string sid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = Registry(accountSid, request, grains, links);
        await (IsNumber(sid) ? registry.RemoveAsync(sid) : throw Errors.Unknown("The resource"));
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(string accountSid, HttpRequest request, IGrainFactory grains, SenderLinks links)
    {
        var registry = Registry(accountSid, request, grains, links);
        var paging = Paging.From(request, Paging.MaxPageSize);
        var page = await registry.ListAsync(SenderKinds.LongCode, paging.Position ?? 0, paging.PageSize);
        return TypedResults.Json(
            LegacyPaging.Envelope("incoming_phone_numbers", links.Account("/IncomingPhoneNumbers.json"), paging, page, page.Items.Select(links.IncomingPhoneNumber).ToList<object>()),
            TwilioJson.Options);
    }

    /// <summary>The account's registry; another account's path is a 404, as Twilio answers it.</summary>
    internal static ISenderRegistryGrain Registry(string accountSid, HttpRequest request, IGrainFactory grains, SenderLinks links) =>
        accountSid == links.AccountSid ? grains.GetGrain<ISenderRegistryGrain>(accountSid) : throw Errors.Unknown("The resource");

    /// <summary>FriendlyName, Capabilities (where the sender takes them) and Mps: null where not sent, so an update leaves them.</summary>
    internal static SenderRegistration Registration(Form form, bool capabilities = true) => new()
    {
        FriendlyName = form.Value("FriendlyName"),
        Capabilities = capabilities && form.Has("Capabilities")
            ? form.Values("Capabilities").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
            : null,
        Mps = Mps(form),
    };

    private static double? Mps(Form form)
    {
        var text = form.Value("Mps");
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Errors.Invalid("Mps", $"'{text}' is not a decimal number");
    }

    private static bool IsNumber(string sid) => sid.StartsWith(Sids.PhoneNumber, StringComparison.Ordinal);
}
