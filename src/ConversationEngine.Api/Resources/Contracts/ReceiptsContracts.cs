using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>FetchConversationMessageReceipt</c> (GET <c>/v1/Conversations/{ConversationSid}/Messages/{MessageSid}/Receipts/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchConversationMessageReceiptRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this message.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "MessageSid"), Required, Description("The SID of the message within a [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) the delivery receipt belongs to.")]
    public string? MessageSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>ListConversationMessageReceipt</c> (GET <c>/v1/Conversations/{ConversationSid}/Messages/{MessageSid}/Receipts</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListConversationMessageReceiptRequest
{
    [FromRoute(Name = "ConversationSid"), Required, Description("The unique ID of the [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) for this message.")]
    public string? ConversationSid { get; init; }

    [FromRoute(Name = "MessageSid"), Required, Description("The SID of the message within a [Conversation](https://www.twilio.com/docs/conversations/api/conversation-resource) the delivery receipt belongs to.")]
    public string? MessageSid { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 50), Description("How many resources to return in each list page. The default is 50, and the maximum is 50.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}
