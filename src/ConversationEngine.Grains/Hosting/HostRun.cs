using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Grains.Hosting;

public static class HostRun
{
    /// <summary>Exit code of a host refused at start for its configuration.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>
    /// Runs the host; a configuration refused at start ends it with the offending keys on standard
    /// error and <see cref="InvalidConfiguration"/>, not a stack trace.
    /// </summary>
    public static async Task<int> RunEngineAsync(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            // Before the host starts: it resolves its hosted services first, and Orleans' silo reads
            // options in its constructor, so a bad value would surface there as "Hosting failed to start".
            host.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception error) when (Failures(error) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("Invalid configuration:").ConfigureAwait(false);
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
            }

            return InvalidConfiguration;
        }

        await host.RunAsync().ConfigureAwait(false);
        return 0;
    }

    private static List<string> Failures(Exception error) => error switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException all when all.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. all.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures)],
        _ => [],
    };
}
