using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources;
using ConversationEngine.Indexes;

namespace ConversationEngine.Api.Live;

/// <summary>
/// <c>/engine/v1/Stream</c>: an agent's live stream, a WebSocket opened with the agent's Access
/// Token (header <c>X-Twilio-Token</c>, or <c>access_token</c> in the query, since browsers cannot
/// set headers on a WebSocket). Account credentials have no user to stream for (403).
/// </summary>
public static class LiveEndpoints
{
    public const string Path = "/engine/v1/Stream";

    /// <summary>The query parameter a browser passes its token in.</summary>
    public const string TokenParameter = "access_token";

    public static IEndpointRouteBuilder MapLiveEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.Map(Path, StreamAsync).WithName("EngineStream").ExcludeFromDescription();
        return routes;
    }

    private static async Task StreamAsync(HttpContext context, LiveHub hub)
    {
        if (UserCaller.Of(context) is not { } caller)
        {
            throw Errors.AccountOnly("nothing: the stream is an agent's; connect with an Access Token,");
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw Errors.Invalid("request", "the stream is a WebSocket: send a WebSocket upgrade request");
        }

        var userKey = IndexKeys.ParticipantIdentity(caller.ChatServiceSid, caller.Identity);
        if (!hub.HasRoomFor(userKey))
        {
            throw new EngineException(ErrorKind.TooManyRequests, Errors.TooManyRequests, $"At most {hub.Options.MaxConnectionsPerUser} live connections per user on one front end");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var connection = new LiveConnection(socket, caller, userKey, hub.Options.QueueLimit);
        await hub.RunAsync(connection, context.RequestAborted);
    }
}
