using ConversationEngine.Accounts;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/v1/Configuration/Webhooks</c> (the account's pre- and post-event URLs) and
/// <c>/v1/Services/{ChatServiceSid}/Configuration/Webhooks</c> (a service's).
/// </summary>
public static class WebhookConfigurationEndpoints
{
    public static IEndpointRouteBuilder MapWebhookConfigurationEndpoints(this IEndpointRouteBuilder routes)
    {
        var account = routes.MapGroup("/v1/Configuration/Webhooks").WithTags("Webhook configuration");
        account.MapGet("/", FetchAsync).WithName("FetchConfigurationWebhook");
        account.MapPost("/", UpdateAsync).WithName("UpdateConfigurationWebhook").Takes<UpdateConfigurationWebhookRequest>();
        var service = routes.MapGroup("/v1/Services/{ChatServiceSid}/Configuration/Webhooks").WithTags("Webhook configuration");
        service.MapGet("/", FetchServiceAsync).WithName("FetchServiceWebhookConfiguration");
        service.MapPost("/", UpdateServiceAsync).WithName("UpdateServiceWebhookConfiguration").Takes<UpdateServiceWebhookConfigurationRequest>();
        return routes;
    }

    public static async Task<Ok<AccountWebhookConfigurationResource>> FetchAsync(IGrainFactory grains, ResourceLinks links) =>
        TypedResults.Ok(Resource(await Account(grains, links).GetAsync(), links));

    public static async Task<Ok<AccountWebhookConfigurationResource>> UpdateAsync(HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var configuration = await Account(grains, links).UpdateAsync(Update(form) with { Target = form.Value("Target") });
        return TypedResults.Ok(Resource(configuration, links));
    }

    public static async Task<Ok<ServiceWebhookConfigurationResource>> FetchServiceAsync(string chatServiceSid, IGrainFactory grains, ResourceLinks links)
    {
        var service = await ServiceAsync(chatServiceSid, grains);
        return TypedResults.Ok(Resource(chatServiceSid, await service.GetAsync(), links));
    }

    public static async Task<Ok<ServiceWebhookConfigurationResource>> UpdateServiceAsync(string chatServiceSid, HttpRequest request, IGrainFactory grains, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var service = await ServiceAsync(chatServiceSid, grains);
        return TypedResults.Ok(Resource(chatServiceSid, await service.UpdateAsync(Update(form)), links));
    }

    /// <summary>
    /// Filters is the key repeated once per event; sent with only empty values it clears them.
    /// Target is the account's only, so the service's update never reads it.
    /// </summary>
    private static UpdateWebhookConfiguration Update(Form form) => new()
    {
        PreWebhookUrl = form.Value("PreWebhookUrl"),
        PostWebhookUrl = form.Value("PostWebhookUrl"),
        Method = form.Value("Method"),
        Filters = form.Has("Filters") ? form.Values("Filters").Where(f => f.Length > 0).ToList() : null,
    };

    private static IWebhookConfigurationGrain Account(IGrainFactory grains, ResourceLinks links) =>
        grains.GetGrain<IWebhookConfigurationGrain>(links.AccountSid);

    /// <summary>The service's webhook configuration; 404 for a service that does not exist.</summary>
    private static async Task<IWebhookConfigurationGrain> ServiceAsync(string chatServiceSid, IGrainFactory grains)
    {
        if (!Sids.IsValid(chatServiceSid, Sids.ChatService) || await grains.GetGrain<IChatServiceGrain>(chatServiceSid).GetAsync() is null)
        {
            throw Errors.Unknown("The resource");
        }

        return grains.GetGrain<IWebhookConfigurationGrain>(chatServiceSid);
    }

    private static AccountWebhookConfigurationResource Resource(WebhookConfiguration configuration, ResourceLinks links) => new(
        links.AccountSid,
        configuration.Method,
        configuration.Filters,
        configuration.PreWebhookUrl,
        configuration.PostWebhookUrl,
        configuration.Target,
        links.V1("/Configuration/Webhooks"));

    private static ServiceWebhookConfigurationResource Resource(string chatServiceSid, WebhookConfiguration configuration, ResourceLinks links) => new(
        links.AccountSid,
        chatServiceSid,
        configuration.PreWebhookUrl,
        configuration.PostWebhookUrl,
        configuration.Filters,
        configuration.Method,
        links.V1($"/Services/{chatServiceSid}/Configuration/Webhooks"));
}

/// <summary><c>conversations.v1.configuration.configuration_webhook</c>.</summary>
public sealed record AccountWebhookConfigurationResource(
    string AccountSid,
    string Method,
    IReadOnlyList<string> Filters,
    string? PreWebhookUrl,
    string? PostWebhookUrl,
    string Target,
    string Url);

/// <summary><c>conversations.v1.service.service_configuration.service_webhook_configuration</c>.</summary>
public sealed record ServiceWebhookConfigurationResource(
    string AccountSid,
    string ChatServiceSid,
    string? PreWebhookUrl,
    string? PostWebhookUrl,
    IReadOnlyList<string> Filters,
    string Method,
    string Url);
