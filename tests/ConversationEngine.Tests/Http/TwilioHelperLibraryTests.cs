using System.Diagnostics;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Twilio's own Node.js helper library (npm <c>twilio</c>, pinned in tests/compat/twilio-node),
/// pointed at the engine by its base URL alone, drives conversations, participants, messages,
/// paging and error handling (tests/compat/twilio-node/conversations.mjs asserts each step).
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class TwilioHelperLibraryTests(EngineFixture fixture)
{
    [Fact]
    public async Task Twilio_node_helper_library_drives_the_api_with_only_its_base_url_changed()
    {
        var directory = CompatDirectory();
        if (!File.Exists(Path.Combine(directory, "node_modules", "twilio", "package.json")))
        {
            var install = await RunAsync("npm", "ci --no-audit --no-fund", directory, []);
            Assert.True(install.ExitCode == 0, $"npm ci failed in {directory}:\n{install.Output}");
        }

        var run = await RunAsync("node", "conversations.mjs", directory, new Dictionary<string, string>
        {
            ["ENGINE_URL"] = fixture.Host.BaseUrl,
            ["ACCOUNT_SID"] = EngineHost.AccountSid,
            ["AUTH_TOKEN"] = EngineHost.AuthToken,
        });

        Assert.True(run.ExitCode == 0, $"twilio-node run failed:\n{run.Output}");
        Assert.Contains("\"ok\":true", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twilio_node_helper_library_drives_messaging_services_and_numbers()
    {
        var directory = CompatDirectory();
        if (!File.Exists(Path.Combine(directory, "node_modules", "twilio", "package.json")))
        {
            var install = await RunAsync("npm", "ci --no-audit --no-fund", directory, []);
            Assert.True(install.ExitCode == 0, $"npm ci failed in {directory}:\n{install.Output}");
        }

        var run = await RunAsync("node", "messaging.mjs", directory, new Dictionary<string, string>
        {
            ["ENGINE_URL"] = fixture.Host.BaseUrl,
            ["ACCOUNT_SID"] = EngineHost.AccountSid,
            ["AUTH_TOKEN"] = EngineHost.AuthToken,
        });

        Assert.True(run.ExitCode == 0, $"twilio-node run failed:\n{run.Output}");
        Assert.Contains("\"ok\":true", run.Output, StringComparison.Ordinal);
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
