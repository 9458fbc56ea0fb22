using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>CreateConversationWithParticipants</c> (POST <c>/v1/ConversationWithParticipants</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateConversationWithParticipantsRequest
{
    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("The X-Twilio-Webhook-Enabled HTTP request header")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "FriendlyName"), Description("The human-readable name of this conversation, limited to 256 characters. Optional.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "UniqueName"), Description("An application-defined string that uniquely identifies the resource. It can be used to address the resource in place of the resource's `sid` in the URL.")]
    public string? UniqueName { get; init; }

    [FromForm(Name = "DateCreated"), Description("The date that this resource was created.")]
    public DateTimeOffset? DateCreated { get; init; }

    [FromForm(Name = "DateUpdated"), Description("The date that this resource was last updated.")]
    public DateTimeOffset? DateUpdated { get; init; }

    [FromForm(Name = "MessagingServiceSid"), Description("The unique ID of the [Messaging Service](https://www.twilio.com/docs/messaging/api/service-resource) this conversation belongs to.")]
    public string? MessagingServiceSid { get; init; }

    [FromForm(Name = "Attributes"), Description("An optional string metadata field you can use to store any data you wish. The string value must contain structurally valid JSON if specified. **Note** that if the attributes are not set \"{}\" will be returned.")]
    public string? Attributes { get; init; }

    [FromForm(Name = "State"), AllowedValues("initializing", "inactive", "active", "closed"), Description("Current state of this conversation. Can be either `initializing`, `active`, `inactive` or `closed` and defaults to `active`")]
    public string? State { get; init; }

    [FromForm(Name = "Timers.Inactive"), Description("ISO8601 duration when conversation will be switched to `inactive` state. Minimum value for this timer is 1 minute.")]
    public string? TimersInactive { get; init; }

    [FromForm(Name = "Timers.Closed"), Description("ISO8601 duration when conversation will be switched to `closed` state. Minimum value for this timer is 10 minutes.")]
    public string? TimersClosed { get; init; }

    [FromForm(Name = "Bindings.Email.Address"), Description("The default email address that will be used when sending outbound emails in this conversation.")]
    public string? BindingsEmailAddress { get; init; }

    [FromForm(Name = "Bindings.Email.Name"), Description("The default name that will be used when sending outbound emails in this conversation.")]
    public string? BindingsEmailName { get; init; }

    [FromForm(Name = "Participant"), Description("The participant to be added to the conversation in JSON format. The JSON object attributes are as parameters in [Participant Resource](https://www.twilio.com/docs/conversations/api/conversation-participant-resource). The maximum number of participants that can be added in a single request is 10.")]
    public IReadOnlyList<string>? Participant { get; init; }
}
