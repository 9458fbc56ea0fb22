using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary><c>/v1/Conversations/{ConversationSid}/Messages/{MessageSid}/Receipts</c> (and its service twin): delivery receipts.</summary>
public static class ReceiptEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 50;

    public static IEndpointRouteBuilder MapReceiptEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/Conversations/{ConversationSid}/Messages/{MessageSid}/Receipts").WithTags("Receipts");
            group.MapGet("/", ListAsync).WithName(name("ListConversationMessageReceipt")).Takes<ListConversationMessageReceiptRequest>().Lists<ReceiptResource>("delivery_receipts");
            group.MapGet("/{Sid}", FetchAsync).WithName(name("FetchConversationMessageReceipt")).Takes<FetchConversationMessageReceiptRequest>();
        }

        return routes;
    }

    public static async Task<IResult> ListAsync(string conversationSid, string messageSid, HttpRequest request, ConversationLookup lookup, MessageReceipts receipts, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);
        var message = await lookup.MessageAsync(conversationSid, messageSid);
        var page = Page.Slice(await receipts.ForAsync(message), paging.Position ?? 0, paging.PageSize);
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["delivery_receipts"] = page.Items.Select(links.Receipt).ToList(),
            ["meta"] = paging.Meta("delivery_receipts", links.ReceiptsUrl(message.ConversationSid, message.Sid), null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    public static async Task<Ok<ReceiptResource>> FetchAsync(string conversationSid, string messageSid, string sid, ConversationLookup lookup, MessageReceipts receipts, ResourceLinks links)
    {
        var message = await lookup.MessageAsync(conversationSid, messageSid);
        var receipt = (await receipts.ForAsync(message)).FirstOrDefault(r => r.Sid == sid)
            ?? throw Errors.Unknown("The resource");
        return TypedResults.Ok(links.Receipt(receipt));
    }
}
