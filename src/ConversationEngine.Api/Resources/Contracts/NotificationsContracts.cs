using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>UpdateServiceNotification</c> (POST <c>/v1/Services/{ChatServiceSid}/Configuration/Notifications</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateServiceNotificationRequest
{
    [FromForm(Name = "LogEnabled"), Description("Weather the notification logging is enabled.")]
    public bool? LogEnabled { get; init; }

    [FromForm(Name = "NewMessage.Enabled"), Description("Whether to send a notification when a new message is added to a conversation. The default is `false`.")]
    public bool? NewMessageEnabled { get; init; }

    [FromForm(Name = "NewMessage.Template"), Description("The template to use to create the notification text displayed when a new message is added to a conversation and `new_message.enabled` is `true`.")]
    public string? NewMessageTemplate { get; init; }

    [FromForm(Name = "NewMessage.Sound"), Description("The name of the sound to play when a new message is added to a conversation and `new_message.enabled` is `true`.")]
    public string? NewMessageSound { get; init; }

    [FromForm(Name = "NewMessage.BadgeCountEnabled"), Description("Whether the new message badge is enabled. The default is `false`.")]
    public bool? NewMessageBadgeCountEnabled { get; init; }

    [FromForm(Name = "AddedToConversation.Enabled"), Description("Whether to send a notification when a participant is added to a conversation. The default is `false`.")]
    public bool? AddedToConversationEnabled { get; init; }

    [FromForm(Name = "AddedToConversation.Template"), Description("The template to use to create the notification text displayed when a participant is added to a conversation and `added_to_conversation.enabled` is `true`.")]
    public string? AddedToConversationTemplate { get; init; }

    [FromForm(Name = "AddedToConversation.Sound"), Description("The name of the sound to play when a participant is added to a conversation and `added_to_conversation.enabled` is `true`.")]
    public string? AddedToConversationSound { get; init; }

    [FromForm(Name = "RemovedFromConversation.Enabled"), Description("Whether to send a notification to a user when they are removed from a conversation. The default is `false`.")]
    public bool? RemovedFromConversationEnabled { get; init; }

    [FromForm(Name = "RemovedFromConversation.Template"), Description("The template to use to create the notification text displayed to a user when they are removed from a conversation and `removed_from_conversation.enabled` is `true`.")]
    public string? RemovedFromConversationTemplate { get; init; }

    [FromForm(Name = "RemovedFromConversation.Sound"), Description("The name of the sound to play to a user when they are removed from a conversation and `removed_from_conversation.enabled` is `true`.")]
    public string? RemovedFromConversationSound { get; init; }

    [FromForm(Name = "NewMessage.WithMedia.Enabled"), Description("Whether to send a notification when a new message with media/file attachments is added to a conversation. The default is `false`.")]
    public bool? NewMessageWithMediaEnabled { get; init; }

    [FromForm(Name = "NewMessage.WithMedia.Template"), Description("The template to use to create the notification text displayed when a new message with media/file attachments is added to a conversation and `new_message.attachments.enabled` is `true`.")]
    public string? NewMessageWithMediaTemplate { get; init; }
}
