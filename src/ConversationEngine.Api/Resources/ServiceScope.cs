using ConversationEngine.Accounts;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// The conversation service a request on a Conversations path acts in: the one its path names
/// (<c>/v1/Services/{ChatServiceSid}/…</c>) or, on the short form (<c>/v1/…</c>), the account's
/// default. One per request, set by <see cref="ServiceScopeFilter"/> before the handler runs; the
/// engine's own paths (<c>/engine/v1</c>) have none and see every conversation.
/// </summary>
public sealed class ServiceScope
{
    public const string RouteValue = "ChatServiceSid";

    /// <summary>Whether the request came through a path served in a service (short form or named).</summary>
    public bool Scoped { get; private set; }

    /// <summary>The service the path names, or null on the short form.</summary>
    public string? NamedServiceSid { get; private set; }

    /// <summary>What the resources' URLs hang under after <c>/v1</c>: <c>/Services/{ChatServiceSid}</c>, or nothing on the short form.</summary>
    public string PathPrefix => NamedServiceSid is { } sid ? "/Services/" + sid : "";

    internal void Enter(string? namedServiceSid) => (Scoped, NamedServiceSid) = (true, namedServiceSid);

    /// <summary>
    /// The two places a resource of a service is served, each with the operationId its endpoints
    /// take in Twilio's OpenAPI document: <c>CreateConversation</c> on the short form,
    /// <c>CreateServiceConversation</c> under <c>/v1/Services/{ChatServiceSid}</c>.
    /// </summary>
    public static IEnumerable<(RouteGroupBuilder Group, Func<string, string> Name)> Twins(IEndpointRouteBuilder routes)
    {
        yield return (routes.MapGroup("/v1").AddEndpointFilter<ServiceScopeFilter>(), name => name);
        yield return (routes.MapGroup("/v1/Services/{" + RouteValue + "}").AddEndpointFilter<ServiceScopeFilter>(), ServiceOperation);
    }

    private static string ServiceOperation(string operationId)
    {
        var verb = operationId.TakeWhile((c, i) => i == 0 || char.IsLower(c)).Count();
        return operationId[..verb] + "Service" + operationId[verb..];
    }
}

/// <summary>Enters the request's <see cref="ServiceScope"/>; a named service that does not exist is a 404.</summary>
public sealed class ServiceScopeFilter(IGrainFactory grains) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var named = context.HttpContext.Request.RouteValues.TryGetValue(ServiceScope.RouteValue, out var value) ? value as string : null;
        if (named is not null
            && (!Sids.IsValid(named, Sids.ChatService) || await grains.GetGrain<IChatServiceGrain>(named).GetAsync() is null))
        {
            throw Errors.Unknown($"Conversation Service {named}");
        }

        context.HttpContext.RequestServices.GetRequiredService<ServiceScope>().Enter(named);
        return await next(context);
    }
}
