using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Conversations;
using ConversationEngine.Events;
using ConversationEngine.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/v1/Conversations</c> and <c>/v1/Services/{ChatServiceSid}/Conversations</c>: create, fetch
/// (by SID or UniqueName), update, delete, list, in the request's service.
/// </summary>
public static class ConversationEndpoints
{
    /// <summary>The spec's <c>PageSize</c> maximum for this list.</summary>
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapConversationEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/Conversations").WithTags("Conversations");
            group.MapPost("/", CreateAsync).WithName(name("CreateConversation")).Takes<CreateConversationRequest>().Idempotent();
            group.MapGet("/", ListAsync).WithName(name("ListConversation")).Takes<ListConversationRequest>().Lists<ConversationResource>("conversations");
            group.MapGet("/{Sid}", FetchAsync).WithName(name("FetchConversation")).Takes<FetchConversationRequest>();
            group.MapPost("/{Sid}", UpdateAsync).WithName(name("UpdateConversation")).Takes<UpdateConversationRequest>();
            group.MapDelete("/{Sid}", DeleteAsync).WithName(name("DeleteConversation")).Takes<DeleteConversationRequest>();
        }

        return routes;
    }

    public static async Task<Created<ConversationResource>> CreateAsync(HttpRequest request, ConversationLookup lookup, ResourceLinks links, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var command = await NewConversationAsync(await Form.ReadAsync(request), lookup);
        var decision = await gate.AskAsync(request, hooks, PreActionEvents.ConversationAdd, command.ChatServiceSid, () => PreActionEvents.ConversationAddParameters(command));
        var reservation = IdempotencyReservation.Of(request);
        var sid = reservation?.Sid(Sids.Conversation) ?? Sids.New(Sids.Conversation);
        var conversation = await lookup.Grains.GetGrain<IConversationGrain>(sid).CreateAsync(PreActionEvents.Apply(decision, command) with { Reserved = reservation is not null });
        var resource = links.Conversation(conversation);
        return TypedResults.Created(resource.Url, resource);
    }

    /// <summary>
    /// The conversation a create's form describes (also ConversationWithParticipants'): timers
    /// only with State, the account's default timers, conversation service and messaging service otherwise.
    /// </summary>
    internal static async Task<CreateConversation> NewConversationAsync(Form form, ConversationLookup lookup)
    {
        RefuseEmailBindings(form);
        var (inactive, closed) = Timers(form);
        if ((inactive is not null || closed is not null) && !form.Has("State"))
        {
            throw Errors.Invalid(Errors.TimersWithoutState, "Timers can only be set together with State");
        }

        // A conversation without timers of its own takes the account's defaults.
        var configuration = await lookup.ConfigurationAsync();
        if (inactive is null && closed is null)
        {
            (inactive, closed) = (configuration.DefaultInactiveTimer, configuration.DefaultClosedTimer);
        }

        return new CreateConversation
        {
            ChatServiceSid = await lookup.ServiceSidAsync(),
            FriendlyName = form.Value("FriendlyName"),
            UniqueName = form.Value("UniqueName"),
            Attributes = form.Value("Attributes"),
            MessagingServiceSid = form.Value("MessagingServiceSid") ?? configuration.DefaultMessagingServiceSid,
            State = form.Value("State"),
            InactiveTimer = inactive,
            ClosedTimer = closed,
            DateCreated = form.Date("DateCreated"),
            DateUpdated = form.Date("DateUpdated"),
        };
    }

    public static async Task<Ok<ConversationResource>> FetchAsync(string sid, ConversationLookup lookup, ResourceLinks links)
    {
        var (_, conversation) = await lookup.ExistingAsync(sid);
        return TypedResults.Ok(links.Conversation(conversation));
    }

    public static async Task<Ok<ConversationResource>> UpdateAsync(string sid, HttpRequest request, ConversationLookup lookup, ResourceLinks links, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        RefuseEmailBindings(form);
        var (inactive, closed) = Timers(form);
        var grain = await lookup.GrainAsync(sid);
        var requested = new UpdateConversation
        {
            FriendlyName = form.Value("FriendlyName"),
            UniqueName = form.Value("UniqueName"),
            Attributes = form.Value("Attributes"),
            MessagingServiceSid = form.Value("MessagingServiceSid"),
            State = form.Value("State"),
            InactiveTimer = inactive,
            ClosedTimer = closed,
            RemoveInactiveTimer = form.IsEmpty("Timers.Inactive"),
            RemoveClosedTimer = form.IsEmpty("Timers.Closed"),
            DateCreated = form.Date("DateCreated"),
            DateUpdated = form.Date("DateUpdated"),
        };
        var decision = await gate.AskAsync(request, hooks, PreActionEvents.ConversationUpdate, async () =>
        {
            var current = await grain.GetAsync() ?? throw Errors.Unknown("The resource");
            return (current.ChatServiceSid, PreActionEvents.ConversationChangeParameters(current, requested));
        });
        var conversation = await grain.UpdateAsync(PreActionEvents.Apply(decision, requested));
        return TypedResults.Ok(links.Conversation(conversation));
    }

    public static async Task<NoContent> DeleteAsync(string sid, HttpRequest request, ConversationLookup lookup, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var (grain, conversation) = await lookup.ExistingAsync(sid);
        await gate.AskAsync(request, hooks, PreActionEvents.ConversationRemove, conversation.ChatServiceSid, () => PreActionEvents.ConversationChangeParameters(conversation));
        await grain.DeleteAsync();

        // After the conversation: should this fail, the webhooks left behind belong to no conversation.
        await lookup.Grains.GetGrain<IConversationWebhooksGrain>(conversation.Sid).ClearAsync();
        return TypedResults.NoContent();
    }

    public static async Task<IResult> ListAsync(HttpRequest request, ConversationLookup lookup, ResourceLinks links)
    {
        var paging = Paging.From(request, MaxPageSize);
        var filters = new Dictionary<string, string>();
        var state = Form.Query(request, "State");
        if (state is not null)
        {
            if (!ConversationStates.IsKnown(state))
            {
                throw Errors.Invalid("State", $"'{state}' is not one of initializing, active, inactive, closed");
            }

            filters["State"] = state;
        }

        var startDate = QueryDate(request, "StartDate", filters);
        var endDate = QueryDate(request, "EndDate", filters);

        // Twilio sorts newest first when a date filter is given; EndDate includes its whole day.
        var descending = startDate is not null || endDate is not null;
        var query = new ConversationQuery
        {
            ChatServiceSid = await lookup.ServiceSidAsync(),
            State = state,
            CreatedFrom = startDate,
            CreatedBefore = endDate is { } end && end.UtcDateTime.Date < DateTime.MaxValue.Date ? new DateTimeOffset(end.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) : null,
        };
        var list = lookup.Grains.GetGrain<IConversationListGrain>(0);
        var start = paging.Position ?? (descending ? long.MaxValue : 0);
        var page = await list.ListAsync(query, start, descending, paging.PageSize + 1);
        long? previous = null;
        if (paging.Position is { } position && (descending ? position < long.MaxValue : position > 0))
        {
            var before = await list.ListAsync(query, descending ? position + 1 : position - 1, !descending, paging.PageSize);
            previous = before.Count > 0 ? before[^1].Position : null;
        }

        var items = page.Take(paging.PageSize).Select(e => links.Conversation(e.Conversation)).ToList();
        var next = page.Count > paging.PageSize ? page[paging.PageSize].Position : (long?)null;
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["conversations"] = items,
            ["meta"] = paging.Meta("conversations", links.ConversationsUrl, filters, next, previous),
        }, TwilioJson.Options);
    }

    private static DateTimeOffset? QueryDate(HttpRequest request, string name, Dictionary<string, string> filters)
    {
        var text = Form.Query(request, name);
        var value = Form.ParseDate(name, text);
        if (text is not null)
        {
            filters[name] = text;
        }

        return value;
    }

    private static (TimeSpan? Inactive, TimeSpan? Closed) Timers(Form form) =>
        (form.Duration("Timers.Inactive", Errors.InvalidInactiveTimer), form.Duration("Timers.Closed", Errors.InvalidClosedTimer));

    private static void RefuseEmailBindings(Form form)
    {
        if (form.Has("Bindings.Email.Address") || form.Has("Bindings.Email.Name"))
        {
            throw Errors.Invalid("Bindings.Email", "the email channel is not supported by this engine");
        }
    }
}

/// <summary>
/// The optional <c>X-Twilio-Webhook-Enabled</c> header of a REST write, accepted as <c>true</c> or
/// <c>false</c>: the changes the request makes fire webhooks only with <c>true</c>, as in Twilio.
/// The grains learn it from the request context (<see cref="Events.EventOrigin"/>).
/// </summary>
internal static class WebhookHeader
{
    public const string Header = "X-Twilio-Webhook-Enabled";

    public static bool Apply(HttpRequest request)
    {
        RequestContract.Of(request.HttpContext)?.Require(Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Header, Header);
        var value = request.Headers[Header].ToString();
        var enabled = value.Length switch
        {
            0 => false,
            _ when bool.TryParse(value, out var parsed) => parsed,
            _ => throw Errors.Invalid("X-Twilio-Webhook-Enabled", "must be true or false"),
        };
        Events.EventOrigin.Set(new Events.EventOrigin { Source = "API", WebhookEnabled = enabled });
        return enabled;
    }
}
