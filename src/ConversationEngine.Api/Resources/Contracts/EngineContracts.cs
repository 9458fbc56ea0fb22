using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

// What the engine's own operations (/engine/v1/…, not in Twilio's documents) take.

/// <summary>Paging of the engine's own lists, in Twilio's words.</summary>
public sealed record PageRequest
{
    [FromQuery(Name = "PageSize"), Range(1, 1000), Description("How many resources to return in each list page. The default is 50, and the maximum is 1000.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>CreateConversationTransfer</c> takes: hand the conversation from one agent to another.</summary>
public sealed record CreateConversationTransferRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The SID or unique name of the conversation to hand over.")]
    public string? ConversationSid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("With true, the pre- and post-action webhooks of the participant and message changes fire.")]
    public string? XTwilioWebhookEnabled { get; init; }

    [FromForm(Name = "From"), Required, Description("The identity of the chat participant handing over; it leaves the conversation.")]
    public string? From { get; init; }

    [FromForm(Name = "To"), Required, Description("The identity of the agent receiving the conversation; it joins as a chat participant.")]
    public string? To { get; init; }

    [FromForm(Name = "RoleSid"), Description("The SID of the role the receiving participant takes; the service's default otherwise.")]
    public string? RoleSid { get; init; }

    [FromForm(Name = "Body"), Description("The body of the system message recording the transfer; a sentence naming both agents otherwise.")]
    public string? Body { get; init; }
}

/// <summary>What <c>CreateConversationReopen</c> takes: open a closed conversation again as a new one.</summary>
public sealed record CreateConversationReopenRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The SID or unique name of the closed conversation.")]
    public string? ConversationSid { get; init; }

    [FromHeader(Name = "X-Twilio-Webhook-Enabled"), AllowedValues("true", "false"), Description("With true, the webhooks of the conversation, participant and message additions fire.")]
    public string? XTwilioWebhookEnabled { get; init; }
}

/// <summary>What <c>FetchConversationParticipantConsent</c> takes.</summary>
public sealed record FetchConversationParticipantConsentRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The SID or unique name of the conversation.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The SID of the participant.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>FetchInboundMessage</c> takes.</summary>
public sealed record FetchInboundMessageRequest
{
    [FromRoute(Name = "MessageSid"), Required, Description("The Twilio SID (SM…/MM…) of the inbound message.")]
    public string? MessageSid { get; init; }
}

/// <summary>What <c>FetchContactChannel</c> takes.</summary>
public sealed record FetchContactChannelRequest
{
    [FromRoute(Name = "Scope"), Required, Description("The Messaging Service SID or the engine's number the contact talks to.")]
    public string? Scope { get; init; }

    [FromRoute(Name = "Address"), Required, Description("The contact's address, such as +15551234567 or whatsapp:+15551234567.")]
    public string? Address { get; init; }
}

/// <summary>What <c>FetchMessageDelivery</c> takes.</summary>
public sealed record FetchMessageDeliveryRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The SID or unique name of the conversation.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "MessageSid"), Required, Description("The SID of the conversation message.")]
    public string? MessageSid { get; init; }
}

/// <summary>What <c>ListWebhookQueues</c> takes.</summary>
public sealed record ListWebhookQueuesRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The SID or unique name of a conversation, or the SID (US…) of a user, whose event feed is listed.")]
    public string? ConversationSid { get; init; }
}

/// <summary>What <c>ReplayWebhookQueue</c> takes.</summary>
public sealed record ReplayWebhookQueueRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The SID or unique name of a conversation, or the SID (US…) of a user.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "Target"), Required, Description("The queue's target, as ListWebhookQueues names it.")]
    public string? Target { get; init; }

    [FromForm(Name = "Sequence"), Required, Description("The first event to deliver again (1 or more); failed ones included.")]
    public long? Sequence { get; init; }
}

/// <summary>What <c>CreateShortCode</c> takes: registers a short code Twilio provisioned (API 2010 has no such operation).</summary>
public sealed record CreateShortCodeRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the account.")]
    public string? AccountSid { get; init; }

    [FromForm(Name = "ShortCode"), Required, Description("The short code, such as 894546.")]
    public string? ShortCode { get; init; }

    [FromForm(Name = "IsoCountry"), Description("The ISO 3166-1 alpha-2 code of the country the short code serves.")]
    public string? IsoCountry { get; init; }

    [FromForm(Name = "FriendlyName"), Description("A descriptive string for the short code; the short code otherwise.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "Capabilities"), Description("The channels this sender serves (sms, mms), repeated or comma-separated.")]
    public IReadOnlyList<string>? Capabilities { get; init; }

    [FromForm(Name = "Mps"), Description("The sender's throughput in messages per second, which the engine's sending pace respects.")]
    public double? Mps { get; init; }
}

/// <summary>What <c>DeleteShortCode</c> takes.</summary>
public sealed record DeleteShortCodeRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the account.")]
    public string? AccountSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The SID (SC…) of the short code.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>FetchContactChannelConsent</c> takes.</summary>
public sealed record FetchContactChannelConsentRequest
{
    [FromRoute(Name = "Scope"), Required, Description("The Messaging Service SID (MG…), or the engine's number (or WhatsApp address) the contact talks to when there is no service.")]
    public string? Scope { get; init; }

    [FromRoute(Name = "Address"), Required, Description("The contact's address, URL-encoded, such as %2B15551234567 or whatsapp%3A%2B15551234567.")]
    public string? Address { get; init; }
}

/// <summary>What <c>UpdateContactChannelConsent</c> takes: an opt-in or opt-out given outside a keyword.</summary>
public sealed record UpdateContactChannelConsentRequest
{
    [FromRoute(Name = "Scope"), Required, Description("The Messaging Service SID (MG…), or the engine's number (or WhatsApp address) the contact talks to when there is no service.")]
    public string? Scope { get; init; }

    [FromRoute(Name = "Address"), Required, Description("The contact's address, URL-encoded, such as %2B15551234567 or whatsapp%3A%2B15551234567.")]
    public string? Address { get; init; }

    [FromForm(Name = "State"), Required, AllowedValues("opted_in", "opted_out"), Description("opted_in to record the contact's consent on this channel, opted_out to revoke it.")]
    public string? State { get; init; }

    [FromForm(Name = "Source"), StringLength(64), Description("How it was given: api (the default), web_form, verbal, import, … (free text, at most 64 characters).")]
    public string? Source { get; init; }

    [FromForm(Name = "Evidence"), StringLength(1000), Description("What the contact agreed to, and where or how (at most 1000 characters); required for opted_in.")]
    public string? Evidence { get; init; }
}

/// <summary>What <c>FetchMessagingServiceConsent</c> takes.</summary>
public sealed record FetchMessagingServiceConsentRequest
{
    [FromRoute(Name = "MessagingServiceSid"), Required, Description("The SID (MG…) of the Messaging Service.")]
    public string? MessagingServiceSid { get; init; }
}

/// <summary>What <c>UpdateMessagingServiceConsent</c> takes: what is not sent stays as it is.</summary>
public sealed record UpdateMessagingServiceConsentRequest
{
    [FromRoute(Name = "MessagingServiceSid"), Required, Description("The SID (MG…) of the Messaging Service.")]
    public string? MessagingServiceSid { get; init; }

    [FromForm(Name = "RequireOptIn"), Description("With true, messages to a contact with no recorded opt-in on its channel fail (20403) unless the contact wrote in the conversation.")]
    public bool? RequireOptIn { get; init; }

    [FromForm(Name = "EngineReplies"), Description("With false, the engine does not answer the service's own keywords (Twilio's Advanced Opt-Out answers them); their consent changes still apply. Default true.")]
    public bool? EngineReplies { get; init; }

    [FromForm(Name = "Keywords"), Description("The service's keywords, replacing all of them: each value a JSON rule {\"language\":\"ja\",\"action\":\"opt_out\",\"keywords\":[\"停止\"],\"reply\":\"…\"} (action opt_out, opt_in or help) or an array of rules; [] clears them.")]
    public IReadOnlyList<string>? Keywords { get; init; }
}
