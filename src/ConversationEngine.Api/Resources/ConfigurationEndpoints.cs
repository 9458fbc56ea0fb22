using ConversationEngine.Accounts;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/v1/Configuration</c> (the account's defaults: conversation service, messaging service,
/// timers) and <c>/v1/Services/{ChatServiceSid}/Configuration</c> (a service's role defaults).
/// </summary>
public static class ConfigurationEndpoints
{
    public static IEndpointRouteBuilder MapConfigurationEndpoints(this IEndpointRouteBuilder routes)
    {
        var account = routes.MapGroup("/v1/Configuration").WithTags("Configuration");
        account.MapGet("/", FetchAsync).WithName("FetchConfiguration");
        account.MapPost("/", UpdateAsync).WithName("UpdateConfiguration").Takes<UpdateConfigurationRequest>();
        var service = routes.MapGroup("/v1/Services/{ChatServiceSid}/Configuration").WithTags("Configuration");
        service.MapGet("/", FetchServiceAsync).WithName("FetchServiceConfiguration");
        service.MapPost("/", UpdateServiceAsync).WithName("UpdateServiceConfiguration").Takes<UpdateServiceConfigurationRequest>();
        return routes;
    }

    public static async Task<Ok<ConfigurationResource>> FetchAsync(ConversationLookup lookup, ResourceLinks links) =>
        TypedResults.Ok(Resource(await lookup.ConfigurationAsync(), links));

    public static async Task<Ok<ConfigurationResource>> UpdateAsync(HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var configuration = await lookup.Grains.GetGrain<IAccountGrain>(links.AccountSid).UpdateConfigurationAsync(new UpdateAccountConfiguration
        {
            DefaultChatServiceSid = NonEmpty(form, "DefaultChatServiceSid"),
            DefaultMessagingServiceSid = NonEmpty(form, "DefaultMessagingServiceSid"),
            DefaultInactiveTimer = form.Duration("DefaultInactiveTimer", Errors.InvalidInactiveTimer),
            DefaultClosedTimer = form.Duration("DefaultClosedTimer", Errors.InvalidClosedTimer),
            RemoveDefaultMessagingServiceSid = form.IsEmpty("DefaultMessagingServiceSid"),
            RemoveDefaultInactiveTimer = form.IsEmpty("DefaultInactiveTimer"),
            RemoveDefaultClosedTimer = form.IsEmpty("DefaultClosedTimer"),
        });
        return TypedResults.Ok(Resource(configuration, links));
    }

    public static async Task<Ok<ServiceConfigurationResource>> FetchServiceAsync(string chatServiceSid, ConversationLookup lookup, ResourceLinks links) =>
        TypedResults.Ok(Resource(await Service(chatServiceSid, lookup).GetConfigurationAsync(), links));

    public static async Task<Ok<ServiceConfigurationResource>> UpdateServiceAsync(string chatServiceSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var configuration = await Service(chatServiceSid, lookup).UpdateConfigurationAsync(new UpdateChatServiceConfiguration
        {
            DefaultConversationCreatorRoleSid = NonEmpty(form, "DefaultConversationCreatorRoleSid"),
            DefaultConversationRoleSid = NonEmpty(form, "DefaultConversationRoleSid"),
            DefaultChatServiceRoleSid = NonEmpty(form, "DefaultChatServiceRoleSid"),
            ReachabilityEnabled = form.Flag("ReachabilityEnabled"),
        });
        return TypedResults.Ok(Resource(configuration, links));
    }

    private static IChatServiceGrain Service(string chatServiceSid, ConversationLookup lookup) =>
        Sids.IsValid(chatServiceSid, Sids.ChatService)
            ? lookup.Grains.GetGrain<IChatServiceGrain>(chatServiceSid)
            : throw Errors.Unknown("The resource");

    private static string? NonEmpty(Form form, string name) => form.Value(name) is { Length: > 0 } value ? value : null;

    private static ConfigurationResource Resource(AccountConfiguration configuration, ResourceLinks links) => new(
        configuration.AccountSid,
        configuration.DefaultChatServiceSid,
        configuration.DefaultMessagingServiceSid,
        configuration.DefaultInactiveTimer is { } inactive ? Iso8601Duration.Format(inactive) : null,
        configuration.DefaultClosedTimer is { } closed ? Iso8601Duration.Format(closed) : null,
        links.V1("/Configuration"),
        new Dictionary<string, string>
        {
            ["service"] = links.V1("/Services/" + configuration.DefaultChatServiceSid),
            ["webhooks"] = links.V1("/Configuration/Webhooks"),
        });

    private static ServiceConfigurationResource Resource(ChatServiceConfiguration configuration, ResourceLinks links)
    {
        var url = links.V1($"/Services/{configuration.ChatServiceSid}/Configuration");
        return new ServiceConfigurationResource(
            configuration.ChatServiceSid,
            configuration.DefaultConversationCreatorRoleSid,
            configuration.DefaultConversationRoleSid,
            configuration.DefaultChatServiceRoleSid,
            url,
            new Dictionary<string, string>
            {
                ["notifications"] = url + "/Notifications",
                ["webhooks"] = url + "/Webhooks",
            },
            configuration.ReachabilityEnabled);
    }
}
