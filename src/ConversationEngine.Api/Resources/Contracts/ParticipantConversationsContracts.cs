using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>ListParticipantConversation</c> (GET <c>/v1/ParticipantConversations</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListParticipantConversationRequest
{
    [FromQuery(Name = "Identity"), Description("A unique string identifier for the conversation participant as [Conversation User](https://www.twilio.com/docs/conversations/api/user-resource). This parameter is non-null if (and only if) the participant is using the Conversations SDK to communicate. Limited to 256 characters.")]
    public string? Identity { get; init; }

    [FromQuery(Name = "Address"), Description("A unique string identifier for the conversation participant who's not a Conversation User. This parameter could be found in messaging_binding.address field of Participant resource. It should be url-encoded.")]
    public string? Address { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 50), Description("How many resources to return in each list page. The default is 50, and the maximum is 50.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}
