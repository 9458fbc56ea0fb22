using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Push;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/v1/Credentials</c>: the account's push credentials (APNs, GCM, FCM). Their secrets are
/// stored and never answered with; the engine sends no push notifications.
/// </summary>
public static class CredentialEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapCredentialEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/Credentials").WithTags("Credentials");
        group.MapPost("/", CreateAsync).WithName("CreateCredential").Takes<CreateCredentialRequest>().Idempotent();
        group.MapGet("/", ListAsync).WithName("ListCredential").Takes<ListCredentialRequest>().Lists<CredentialResource>("credentials");
        group.MapGet("/{Sid}", FetchAsync).WithName("FetchCredential").Takes<FetchCredentialRequest>();
        group.MapPost("/{Sid}", UpdateAsync).WithName("UpdateCredential").Takes<UpdateCredentialRequest>();
        group.MapDelete("/{Sid}", DeleteAsync).WithName("DeleteCredential").Takes<DeleteCredentialRequest>();
        return routes;
    }

    public static async Task<Created<CredentialResource>> CreateAsync(HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var credential = await Credentials(grains, links).CreateAsync(Change(form) with
        {
            Sid = IdempotencyReservation.Of(request)?.Sid(Sids.Credential),
        });
        var resource = Resource(credential, links);
        return TypedResults.Created(resource.Url, resource);
    }

    public static async Task<Ok<CredentialResource>> FetchAsync(string sid, IGrainFactory grains, ResourceLinks links) =>
        TypedResults.Ok(Resource(await Credentials(grains, links).FindAsync(sid) ?? throw Errors.Unknown("The resource"), links));

    public static async Task<Ok<CredentialResource>> UpdateAsync(string sid, HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        return TypedResults.Ok(Resource(await Credentials(grains, links).UpdateAsync(sid, Change(form)), links));
    }

    public static async Task<NoContent> DeleteAsync(string sid, IGrainFactory grains, ResourceLinks links)
    {
        await Credentials(grains, links).DeleteAsync(sid);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);

        var page = await Credentials(grains, links).ListAsync(paging.Position ?? 0, paging.PageSize);
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["credentials"] = page.Items.Select(c => Resource(c, links)).ToList(),
            ["meta"] = paging.Meta("credentials", links.V1("/Credentials"), null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    /// <summary>Empty values count as not sent: Twilio offers no way to clear a secret but to replace it.</summary>
    private static PushCredentialChange Change(Form form) => new()
    {
        Type = form.Value("Type"),
        FriendlyName = form.Value("FriendlyName"),
        Certificate = NonEmpty(form, "Certificate"),
        PrivateKey = NonEmpty(form, "PrivateKey"),
        Sandbox = form.Flag("Sandbox"),
        ApiKey = NonEmpty(form, "ApiKey"),
        Secret = NonEmpty(form, "Secret"),
    };

    private static string? NonEmpty(Form form, string name) => form.Value(name) is { Length: > 0 } value ? value : null;

    private static IPushCredentialsGrain Credentials(IGrainFactory grains, ResourceLinks links) => grains.GetGrain<IPushCredentialsGrain>(links.AccountSid);

    /// <summary><c>sandbox</c> is a string in Twilio's schema and examples (<c>"False"</c>).</summary>
    private static CredentialResource Resource(PushCredential credential, ResourceLinks links) => new(
        credential.Sid,
        links.AccountSid,
        credential.FriendlyName,
        credential.Type,
        credential.Sandbox ? "True" : "False",
        credential.DateCreated,
        credential.DateUpdated,
        links.V1("/Credentials/" + credential.Sid));
}

/// <summary><c>conversations.v1.credential</c>: no secret has a field here.</summary>
public sealed record CredentialResource(
    string Sid,
    string AccountSid,
    string? FriendlyName,
    string Type,
    string Sandbox,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string Url);
