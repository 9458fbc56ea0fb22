using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary><c>/v1/Conversations/{ConversationSid}/Webhooks</c> (and its service twin): a conversation's scoped webhooks (at most five).</summary>
public static class ConversationWebhookEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 5;

    public static IEndpointRouteBuilder MapConversationWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/Conversations/{ConversationSid}/Webhooks").WithTags("Conversation webhooks");
            group.MapPost("/", CreateAsync).WithName(name("CreateConversationScopedWebhook")).Takes<CreateConversationScopedWebhookRequest>().Idempotent();
            group.MapGet("/", ListAsync).WithName(name("ListConversationScopedWebhook")).Takes<ListConversationScopedWebhookRequest>().Lists<ScopedWebhookResource>("webhooks");
            group.MapGet("/{Sid}", FetchAsync).WithName(name("FetchConversationScopedWebhook")).Takes<FetchConversationScopedWebhookRequest>();
            group.MapPost("/{Sid}", UpdateAsync).WithName(name("UpdateConversationScopedWebhook")).Takes<UpdateConversationScopedWebhookRequest>();
            group.MapDelete("/{Sid}", DeleteAsync).WithName(name("DeleteConversationScopedWebhook")).Takes<DeleteConversationScopedWebhookRequest>();
        }

        return routes;
    }

    public static async Task<Created<ScopedWebhookResource>> CreateAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var webhooks = await WebhooksAsync(conversationSid, lookup);
        var webhook = await webhooks.CreateAsync(Command(form) with
        {
            Target = form.Value("Target"),
            ReplayAfter = form.Number("Configuration.ReplayAfter"),
            Sid = IdempotencyReservation.Of(request)?.Sid(Sids.Webhook),
        });
        if (webhook.ReplayAfter is not null && webhook.Target is "webhook" or "trigger")
        {
            // Replaying earlier messages cannot wait for the conversation's next event.
            var (_, conversation) = await lookup.ExistingAsync(webhook.ConversationSid);
            await lookup.Grains.GetGrain<Events.IWebhookQueueGrain>(Events.WebhookTargets.QueueKey(webhook.ConversationSid, conversation.ChatServiceSid, webhook.Sid)).StartAsync();
        }

        var resource = Resource(webhook, links);
        return TypedResults.Created(resource.Url, resource);
    }

    public static async Task<Ok<ScopedWebhookResource>> FetchAsync(string conversationSid, string sid, ConversationLookup lookup, ResourceLinks links)
    {
        var webhooks = await WebhooksAsync(conversationSid, lookup);
        return TypedResults.Ok(Resource(await webhooks.GetAsync(sid) ?? throw Errors.Unknown("The resource"), links));
    }

    public static async Task<Ok<ScopedWebhookResource>> UpdateAsync(string conversationSid, string sid, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        var form = await Form.ReadAsync(request);
        var webhooks = await WebhooksAsync(conversationSid, lookup);
        return TypedResults.Ok(Resource(await webhooks.UpdateAsync(sid, Command(form)), links));
    }

    public static async Task<NoContent> DeleteAsync(string conversationSid, string sid, ConversationLookup lookup)
    {
        var webhooks = await WebhooksAsync(conversationSid, lookup);
        await webhooks.DeleteAsync(sid);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The spec caps the page size at 5, every webhook a conversation can have, and the default
    /// page is 5 too; a larger one is refused like any list's beyond its cap.
    /// </summary>
    public static async Task<IResult> ListAsync(string conversationSid, HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);
        var (_, conversation) = await lookup.ExistingAsync(conversationSid);
        var all = await lookup.Grains.GetGrain<IConversationWebhooksGrain>(conversation.Sid).ListAsync();
        var page = Page.Slice(all, paging.Position ?? 0, paging.PageSize);
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["webhooks"] = page.Items.Select(w => Resource(w, links)).ToList(),
            ["meta"] = paging.Meta("webhooks", links.ConversationUrl(conversation.Sid) + "/Webhooks", null, page.Next, page.Previous),
        }, TwilioJson.Options);
    }

    /// <summary>The configuration as sent; repeated keys for Filters and Triggers, only empty values clear them.</summary>
    private static ScopedWebhookCommand Command(Form form) => new()
    {
        Url = form.Value("Configuration.Url"),
        Method = form.Value("Configuration.Method"),
        Filters = List(form, "Configuration.Filters"),
        Triggers = List(form, "Configuration.Triggers"),
        FlowSid = form.Value("Configuration.FlowSid"),
    };

    private static List<string>? List(Form form, string name) =>
        form.Has(name) ? form.Values(name).Where(v => v.Length > 0).ToList() : null;

    /// <summary>The webhooks of the conversation the path names (by SID or UniqueName); 404 when there is none.</summary>
    private static async Task<IConversationWebhooksGrain> WebhooksAsync(string conversationSid, ConversationLookup lookup)
    {
        var (_, conversation) = await lookup.ExistingAsync(conversationSid);
        return lookup.Grains.GetGrain<IConversationWebhooksGrain>(conversation.Sid);
    }

    /// <summary>
    /// <c>configuration</c> holds what the target uses, as in Twilio's examples: url, method
    /// (lower-case, as the scoped resource's enum) and filters for webhook; triggers too for
    /// trigger; flow_sid for studio; replay_after when it was given.
    /// </summary>
    private static ScopedWebhookResource Resource(ScopedWebhook webhook, ResourceLinks links)
    {
        var configuration = new Dictionary<string, object?>();
        if (webhook.Target == "studio")
        {
            configuration["flow_sid"] = webhook.FlowSid;
            if (webhook.Filters.Count > 0)
            {
                configuration["filters"] = webhook.Filters;
            }
        }
        else
        {
            configuration["url"] = webhook.Url;
            configuration["method"] = webhook.Method.ToLowerInvariant();
            configuration["filters"] = webhook.Filters;
            if (webhook.Target == "trigger")
            {
                configuration["triggers"] = webhook.Triggers;
            }
        }

        if (webhook.ReplayAfter is { } replayAfter)
        {
            configuration["replay_after"] = replayAfter;
        }

        return new ScopedWebhookResource(
            webhook.Sid,
            links.AccountSid,
            links.NamedServiceSid,
            webhook.ConversationSid,
            webhook.Target,
            links.ConversationUrl(webhook.ConversationSid) + "/Webhooks/" + webhook.Sid,
            configuration,
            webhook.DateCreated,
            webhook.DateUpdated);
    }
}

/// <summary><c>conversations.v1.conversation.conversation_scoped_webhook</c> (with <c>chat_service_sid</c> under a service's path).</summary>
public sealed record ScopedWebhookResource(
    string Sid,
    string AccountSid,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? ChatServiceSid,
    string ConversationSid,
    string Target,
    string Url,
    Dictionary<string, object?> Configuration,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated);
