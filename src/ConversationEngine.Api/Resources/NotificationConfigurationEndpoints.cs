using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Push;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/v1/Services/{ChatServiceSid}/Configuration/Notifications</c>: a service's push notification
/// settings, stored and served; the engine sends no push notifications.
/// </summary>
public static class NotificationConfigurationEndpoints
{
    public static IEndpointRouteBuilder MapNotificationConfigurationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/Services/{ChatServiceSid}/Configuration/Notifications").WithTags("Notification configuration");
        group.MapGet("/", FetchAsync).WithName("FetchServiceNotification");
        group.MapPost("/", UpdateAsync).WithName("UpdateServiceNotification").Takes<UpdateServiceNotificationRequest>();
        return routes;
    }

    public static async Task<Ok<NotificationConfigurationResource>> FetchAsync(string chatServiceSid, ConversationLookup lookup, ResourceLinks links)
    {
        var grain = await ConfigurationAsync(chatServiceSid, lookup);
        return TypedResults.Ok(Resource(chatServiceSid, await grain.GetAsync(), links));
    }

    public static async Task<Ok<NotificationConfigurationResource>> UpdateAsync(string chatServiceSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var change = new NotificationConfigurationChange
        {
            LogEnabled = form.Flag("LogEnabled"),
            NewMessage = Setting(form, "NewMessage"),
            NewMessageBadgeCountEnabled = form.Flag("NewMessage.BadgeCountEnabled"),
            NewMessageWithMedia = new PushNotificationSettingChange
            {
                Enabled = form.Flag("NewMessage.WithMedia.Enabled"),
                Template = form.Value("NewMessage.WithMedia.Template"),
            },
            AddedToConversation = Setting(form, "AddedToConversation"),
            RemovedFromConversation = Setting(form, "RemovedFromConversation"),
        };
        var grain = await ConfigurationAsync(chatServiceSid, lookup);
        return TypedResults.Ok(Resource(chatServiceSid, await grain.UpdateAsync(change), links));
    }

    private static PushNotificationSettingChange Setting(Form form, string prefix) => new()
    {
        Enabled = form.Flag(prefix + ".Enabled"),
        Template = form.Value(prefix + ".Template"),
        Sound = form.Value(prefix + ".Sound"),
    };

    private static async Task<INotificationConfigurationGrain> ConfigurationAsync(string chatServiceSid, ConversationLookup lookup) =>
        lookup.Grains.GetGrain<INotificationConfigurationGrain>(await ChatServiceExistence.RequireAsync(chatServiceSid, lookup));

    /// <summary>The nested shapes of Twilio's examples: <c>{enabled, template, sound}</c>, and for new messages the badge count and <c>with_media</c>.</summary>
    private static NotificationConfigurationResource Resource(string chatServiceSid, NotificationConfiguration configuration, ResourceLinks links) => new(
        links.AccountSid,
        chatServiceSid,
        new Dictionary<string, object?>
        {
            ["enabled"] = configuration.NewMessage.Enabled,
            ["template"] = configuration.NewMessage.Template,
            ["sound"] = configuration.NewMessage.Sound,
            ["badge_count_enabled"] = configuration.NewMessageBadgeCountEnabled,
            ["with_media"] = new Dictionary<string, object?>
            {
                ["enabled"] = configuration.NewMessageWithMedia.Enabled,
                ["template"] = configuration.NewMessageWithMedia.Template,
            },
        },
        Setting(configuration.AddedToConversation),
        Setting(configuration.RemovedFromConversation),
        configuration.LogEnabled,
        links.V1($"/Services/{chatServiceSid}/Configuration/Notifications"));

    private static Dictionary<string, object?> Setting(PushNotificationSetting setting) => new()
    {
        ["enabled"] = setting.Enabled,
        ["template"] = setting.Template,
        ["sound"] = setting.Sound,
    };
}

/// <summary><c>conversations.v1.service.service_configuration.service_notification</c>.</summary>
public sealed record NotificationConfigurationResource(
    string AccountSid,
    string ChatServiceSid,
    Dictionary<string, object?> NewMessage,
    Dictionary<string, object?> AddedToConversation,
    Dictionary<string, object?> RemovedFromConversation,
    bool LogEnabled,
    string Url);
