using System.Text.Json;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Conversations;
using ConversationEngine.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// <c>/v1/ConversationWithParticipants</c>: a conversation and up to ten participants in one call.
/// Everything is validated, and every unique name and address pair claimed, before anything is
/// stored; the conversation then goes through <c>initializing</c> while its participants are
/// added, and a failure part-way leaves it closed with nothing held (50427).
/// </summary>
public static class ConversationWithParticipantsEndpoints
{
    /// <summary>The most <c>Participant</c> entries one request may carry.</summary>
    public const int MaxParticipants = 10;

    public static IEndpointRouteBuilder MapConversationWithParticipantsEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (scope, name) in ServiceScope.Twins(routes))
        {
            var group = scope.MapGroup("/ConversationWithParticipants").WithTags("ConversationWithParticipants");
            group.MapPost("/", CreateAsync).WithName(name("CreateConversationWithParticipants")).Takes<CreateConversationWithParticipantsRequest>().Idempotent();
        }

        return routes;
    }

    public static async Task<Created<ConversationResource>> CreateAsync(HttpRequest request, ConversationLookup lookup, ResourceLinks links, PreActionGate gate)
    {
        var hooks = WebhookHeader.Apply(request);
        var form = await Form.ReadAsync(request);
        var participants = Participants(form.Values("Participant"));
        var command = await ConversationEndpoints.NewConversationAsync(form, lookup);
        var reservation = IdempotencyReservation.Of(request);
        var sid = reservation?.Sid(Sids.Conversation) ?? Sids.New(Sids.Conversation);

        // Every hook is asked before anything is claimed: any of them may reject the whole request.
        var decision = await gate.AskAsync(request, hooks, PreActionEvents.ConversationAdd, command.ChatServiceSid, () => PreActionEvents.ConversationAddParameters(command));
        foreach (var participant in participants)
        {
            await gate.AskAsync(request, hooks, PreActionEvents.ParticipantAdd, command.ChatServiceSid, () => PreActionEvents.ParticipantAddParameters(sid, participant));
        }

        var conversation = await lookup.Grains.GetGrain<IConversationGrain>(sid)
            .CreateWithParticipantsAsync(PreActionEvents.Apply(decision, command) with { Reserved = reservation is not null }, participants);
        var resource = links.Conversation(conversation);
        return TypedResults.Created(resource.Url, resource);
    }

    /// <summary>The <c>Participant</c> entries: at most <see cref="MaxParticipants"/> (50426), each a JSON object (50424).</summary>
    internal static List<AddParticipant> Participants(IReadOnlyList<string> entries)
    {
        if (entries.Count > MaxParticipants)
        {
            throw Errors.Invalid(Errors.TooManyBulkParticipants, $"At most {MaxParticipants} participants can be added in one request; {entries.Count} were given");
        }

        return entries.Select((entry, position) => Participant(entry, position + 1)).ToList();
    }

    /// <summary>
    /// One entry: the participant resource's parameters in snake_case, e.g.
    /// <c>{"identity": "…"}</c> or <c>{"messaging_binding": {"address": "…", "proxy_address": "…"}}</c>.
    /// </summary>
    private static AddParticipant Participant(string entry, int position)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(entry);
            root = document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw Invalid(position, error.Message);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(position, "it is not a JSON object");
        }

        var binding = Member(root, "messaging_binding") is { } value
            ? value.ValueKind == JsonValueKind.Object ? value : throw Invalid(position, "messaging_binding is not an object")
            : (JsonElement?)null;
        return new AddParticipant
        {
            Identity = Text(root, "identity", position),
            Address = binding is { } b1 ? Text(b1, "address", position) : null,
            ProxyAddress = binding is { } b2 ? Text(b2, "proxy_address", position) : null,
            ProjectedAddress = binding is { } b3 ? Text(b3, "projected_address", position) : null,
            Attributes = Attributes(root, position),
            RoleSid = Text(root, "role_sid", position),
            DateCreated = Date(root, "date_created", position),
            DateUpdated = Date(root, "date_updated", position),
        };
    }

    private static JsonElement? Member(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? Text(JsonElement owner, string name, int position) => Member(owner, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw Invalid(position, $"{name} is not a string"),
    };

    /// <summary>A string holding JSON, as the participant resource takes it; a JSON object or array given as such is kept as its text.</summary>
    private static string? Attributes(JsonElement owner, int position) => Member(owner, "attributes") switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { ValueKind: JsonValueKind.Object or JsonValueKind.Array } value => value.GetRawText(),
        _ => throw Invalid(position, "attributes is neither a string nor a JSON object"),
    };

    private static DateTimeOffset? Date(JsonElement owner, string name, int position)
    {
        var text = Text(owner, name, position);
        try
        {
            return Form.ParseDate(name, text);
        }
        catch (EngineException error)
        {
            throw Invalid(position, error.Message);
        }
    }

    private static EngineException Invalid(int position, string reason) =>
        Errors.Invalid(Errors.InvalidParticipantJson, $"Participant {position} is not valid participant JSON: {reason}");
}
