using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Grains.Hosting;

public static class HostRun
{
    /// <summary>Exit code of a host refused at start for its configuration.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>
    /// Runs the host; a configuration refused at start ends it with the offending keys on standard
    /// error and <see cref="InvalidConfiguration"/>, not an unhandled exception's stack trace.
    /// </summary>
    public static async Task<int> RunEngineAsync(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException error)
        {
            await Console.Error.WriteLineAsync("Invalid configuration:").ConfigureAwait(false);
            foreach (var failure in error.Failures)
            {
                await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
            }

            return InvalidConfiguration;
        }
    }
}
