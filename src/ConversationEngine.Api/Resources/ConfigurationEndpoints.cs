using System.Xml;
using ConversationEngine.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary><c>/v1/Configuration</c>: the account's defaults, among them the default conversation service.</summary>
public static class ConfigurationEndpoints
{
    public static IEndpointRouteBuilder MapConfigurationEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/Configuration", FetchAsync).WithTags("Configuration").WithName("FetchConfiguration");
        return routes;
    }

    public static async Task<Ok<ConfigurationResource>> FetchAsync(ConversationLookup lookup, ResourceLinks links)
    {
        var configuration = await lookup.Grains.GetGrain<IAccountGrain>(links.AccountSid).GetConfigurationAsync();
        return TypedResults.Ok(new ConfigurationResource(
            configuration.AccountSid,
            configuration.DefaultChatServiceSid,
            configuration.DefaultMessagingServiceSid,
            configuration.DefaultInactiveTimer is { } inactive ? XmlConvert.ToString(inactive) : null,
            configuration.DefaultClosedTimer is { } closed ? XmlConvert.ToString(closed) : null,
            links.V1("/Configuration"),
            new Dictionary<string, string>
            {
                ["service"] = links.V1("/Services/" + configuration.DefaultChatServiceSid),
                ["webhooks"] = links.V1("/Configuration/Webhooks"),
            }));
    }
}
