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
        var run = await TwilioNode.RunScriptAsync("conversations.mjs", Credentials());

        Assert.True(run.ExitCode == 0, $"twilio-node run failed:\n{run.Output}");
        Assert.Contains("\"ok\":true", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twilio_node_helper_library_drives_messaging_services_and_numbers()
    {
        var run = await TwilioNode.RunScriptAsync("messaging.mjs", Credentials());

        Assert.True(run.ExitCode == 0, $"twilio-node run failed:\n{run.Output}");
        Assert.Contains("\"ok\":true", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twilio_node_helper_library_drives_a_service_and_a_conversation_in_it()
    {
        var run = await TwilioNode.RunScriptAsync("services.mjs", Credentials());

        Assert.True(run.ExitCode == 0, $"twilio-node run failed:\n{run.Output}");
        Assert.Contains("\"ok\":true", run.Output, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Credentials() => new()
    {
        ["ENGINE_URL"] = fixture.Host.BaseUrl,
        ["ACCOUNT_SID"] = EngineHost.AccountSid,
        ["AUTH_TOKEN"] = EngineHost.AuthToken,
    };
}
