using Microsoft.Extensions.Configuration;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// <c>healthcheck</c> as a command of the host's own binary, for container health checks:
/// runtime images carry no curl. Asks this host's <c>/healthz</c> and answers with an exit code.
/// </summary>
public static class HealthProbe
{
    public const string Command = "healthcheck";

    /// <returns>0 when <paramref name="path"/> (<c>/healthz</c>, or the front end's readiness <c>/readyz</c>) answers 2xx, 1 otherwise.</returns>
    public static async Task<int> RunAsync(IConfiguration configuration, string path = "/healthz")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var listening = (configuration["Urls"] ?? "http://127.0.0.1:8080").Split(';')[0];
        var uri = new UriBuilder(listening.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)) { Path = path }.Uri;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(uri);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (HttpRequestException)
        {
            return 1;
        }
        catch (TaskCanceledException)
        {
            return 1;
        }
    }
}
