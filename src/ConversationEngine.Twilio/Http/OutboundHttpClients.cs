using Microsoft.Extensions.DependencyInjection;

namespace ConversationEngine.Twilio.Http;

/// <summary>
/// How the engine's outbound HTTP clients (Twilio's API, webhooks, inbound media) hold their
/// connections: one handler for the host's life, its pooled connections renewed every
/// <see cref="ConnectionLifetime"/> so a changed DNS record is seen.
/// </summary>
/// <remarks>
/// The factory's default instead replaces the handler every two minutes, on a timer that holds the
/// handler's service scope: a host stopped within that time stays in memory until the timer fires,
/// and one process running host after host (an application embedding the engine, a test run)
/// carries every recent host at once.
/// </remarks>
public static class OutboundHttpClients
{
    /// <summary>How long a pooled connection is used before a new one is opened.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <param name="configure">Further settings of the client's handler (redirects, cookies).</param>
    public static IHttpClientBuilder WithLongLivedHandler(this IHttpClientBuilder builder, Action<SocketsHttpHandler>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() =>
            {
                var handler = new SocketsHttpHandler { PooledConnectionLifetime = ConnectionLifetime };
                configure?.Invoke(handler);
                return handler;
            });
    }
}
