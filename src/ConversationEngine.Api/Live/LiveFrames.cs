using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationEngine.Events;

namespace ConversationEngine.Api.Live;

/// <summary>
/// The stream's frames, one JSON object per WebSocket text message, each with a <c>type</c>
/// (README, "The live stream"). Events carry Twilio's webhook parameters for the event, as
/// Conversations webhooks would, under <c>data</c>.
/// </summary>
public static class LiveFrames
{
    /// <summary>The close status after <c>resync</c>: the client was too slow and should reconnect with its positions.</summary>
    public const WebSocketCloseStatus ResyncCloseStatus = (WebSocketCloseStatus)4008;

    public static string Event(ConversationEvent change)
    {
        var data = new JsonObject();
        foreach (var (name, value) in change.Parameters)
        {
            data[name] = value;
        }

        return new JsonObject
        {
            ["type"] = "event",
            ["conversation_sid"] = change.ConversationSid,
            ["sequence"] = change.Sequence,
            ["event_type"] = change.Type,
            ["date"] = change.Date.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["source"] = change.Source,
            ["data"] = data,
        }.ToJsonString();
    }

    /// <summary>After <c>hello</c>: the user, and the sequence each followed conversation is streamed after.</summary>
    public static string Ready(string identity, string chatServiceSid, IReadOnlyDictionary<string, long> positions) =>
        new JsonObject
        {
            ["type"] = "ready",
            ["identity"] = identity,
            ["chat_service_sid"] = chatServiceSid,
            ["conversations"] = Positions(positions),
        }.ToJsonString();

    /// <summary>The user now takes part in the conversation: events after <paramref name="position"/> follow; read the rest over REST.</summary>
    public static string Joined(string conversationSid, long position) =>
        new JsonObject { ["type"] = "joined", ["conversation_sid"] = conversationSid, ["sequence"] = position }.ToJsonString();

    /// <summary>The user no longer takes part in the conversation: nothing more of it follows.</summary>
    public static string Left(string conversationSid) =>
        new JsonObject { ["type"] = "left", ["conversation_sid"] = conversationSid }.ToJsonString();

    public static string Typing(string conversationSid, string identity) =>
        new JsonObject { ["type"] = "typing", ["conversation_sid"] = conversationSid, ["identity"] = identity }.ToJsonString();

    public static string Reachability(string conversationSid, string identity, bool online) =>
        new JsonObject { ["type"] = "reachability", ["conversation_sid"] = conversationSid, ["identity"] = identity, ["online"] = online }.ToJsonString();

    public static string Resync() => new JsonObject { ["type"] = "resync" }.ToJsonString();

    public static string Pong() => new JsonObject { ["type"] = "pong" }.ToJsonString();

    public static string Error(string message) => new JsonObject { ["type"] = "error", ["message"] = message }.ToJsonString();

    /// <summary>The positions a <c>hello</c> frame carries (<c>{"CH…": 12}</c>); anything malformed is left out.</summary>
    public static Dictionary<string, long> ReadPositions(JsonObject? hello)
    {
        var positions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (hello?["positions"] is JsonObject given)
        {
            foreach (var (sid, value) in given)
            {
                if (Sids.IsValid(sid, Sids.Conversation) && value is JsonValue number && number.TryGetValue<long>(out var position) && position >= 0)
                {
                    positions[sid] = position;
                }
            }
        }

        return positions;
    }

    private static JsonObject Positions(IReadOnlyDictionary<string, long> positions)
    {
        var result = new JsonObject();
        foreach (var (sid, position) in positions)
        {
            result[sid] = position;
        }

        return result;
    }
}
