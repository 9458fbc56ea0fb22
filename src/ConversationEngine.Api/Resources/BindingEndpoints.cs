using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Push;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/v1/Services/{ChatServiceSid}/Bindings</c>: the service's push registrations, read and
/// deleted as Twilio's REST API does (devices register them; see <see cref="IPushBindingsGrain"/>).
/// </summary>
public static class BindingEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 100;

    private static readonly string[] BindingTypes = ["apn", "gcm", "fcm", "twilsock"];

    public static IEndpointRouteBuilder MapBindingEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/Services/{ChatServiceSid}/Bindings").WithTags("Bindings");
        group.MapGet("/", ListAsync).WithName("ListServiceBinding").Takes<ListServiceBindingRequest>().Lists<BindingResource>("bindings");
        group.MapGet("/{Sid}", FetchAsync).WithName("FetchServiceBinding").Takes<FetchServiceBindingRequest>();
        group.MapDelete("/{Sid}", DeleteAsync).WithName("DeleteServiceBinding").Takes<DeleteServiceBindingRequest>();
        return routes;
    }

    public static async Task<Ok<BindingResource>> FetchAsync(string chatServiceSid, string sid, ConversationLookup lookup, ResourceLinks links)
    {
        var bindings = await BindingsAsync(chatServiceSid, lookup);
        return TypedResults.Ok(Resource(await bindings.FindAsync(sid) ?? throw Errors.Unknown("The resource"), links));
    }

    public static async Task<NoContent> DeleteAsync(string chatServiceSid, string sid, ConversationLookup lookup)
    {
        await (await BindingsAsync(chatServiceSid, lookup)).DeleteAsync(sid);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(string chatServiceSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);

        var types = Form.QueryValues(request, "BindingType").OfType<string>().ToList();
        if (types.Find(t => !BindingTypes.Contains(t)) is { } unknown)
        {
            throw Errors.Invalid("BindingType", $"'{unknown}' is not one of {string.Join(", ", BindingTypes)}");
        }

        var identities = Form.QueryValues(request, "Identity").OfType<string>().ToList();
        var bindings = await BindingsAsync(chatServiceSid, lookup);
        var page = await bindings.ListAsync(types, identities, paging.Position ?? 0, paging.PageSize);
        var filters = types.Select(t => KeyValuePair.Create("BindingType", t))
            .Concat(identities.Select(i => KeyValuePair.Create("Identity", i)))
            .ToList();
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["bindings"] = page.Items.Select(b => Resource(b, links)).ToList(),
            ["meta"] = paging.Meta("bindings", links.V1($"/Services/{chatServiceSid}/Bindings"), filters, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    private static async Task<IPushBindingsGrain> BindingsAsync(string chatServiceSid, ConversationLookup lookup) =>
        lookup.Grains.GetGrain<IPushBindingsGrain>(await ChatServiceExistence.RequireAsync(chatServiceSid, lookup));

    private static BindingResource Resource(PushBinding binding, ResourceLinks links) => new(
        binding.Sid,
        links.AccountSid,
        binding.ChatServiceSid,
        binding.CredentialSid,
        binding.DateCreated,
        binding.DateUpdated,
        binding.Endpoint,
        binding.Identity,
        binding.BindingType,
        binding.MessageTypes,
        links.V1($"/Services/{binding.ChatServiceSid}/Bindings/{binding.Sid}"));
}

/// <summary><c>conversations.v1.service.service_binding</c>.</summary>
public sealed record BindingResource(
    string Sid,
    string AccountSid,
    string ChatServiceSid,
    string? CredentialSid,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string Endpoint,
    string Identity,
    string BindingType,
    IReadOnlyList<string> MessageTypes,
    string Url);
