using System.Diagnostics;

namespace ConversationEngine.Tests.Support;

/// <summary>
/// Runs scripts of tests/compat/twilio-node with Twilio's own Node.js helper library (npm
/// <c>twilio</c>, pinned there), installing it with <c>npm ci</c> when it is not yet.
/// </summary>
public static class TwilioNode
{
    public static async Task<(int ExitCode, string Output)> RunScriptAsync(string script, Dictionary<string, string> environment)
    {
        var directory = CompatDirectory();
        if (!File.Exists(Path.Combine(directory, "node_modules", "twilio", "package.json")))
        {
            var install = await RunAsync("npm", "ci --no-audit --no-fund", directory, []);
            Assert.True(install.ExitCode == 0, $"npm ci failed in {directory}:\n{install.Output}");
        }

        return await RunAsync("node", script, directory, environment);
    }

    private static string CompatDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ConversationEngine.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("solution root not found"), "tests", "compat", "twilio-node");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, string arguments, string directory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
