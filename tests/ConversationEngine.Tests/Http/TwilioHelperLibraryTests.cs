using System.Net;
using ConversationEngine.Push;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Twilio's own Node.js helper library (npm <c>twilio</c>, pinned in tests/compat/twilio-node),
/// pointed at the engine by its base URL alone, drives conversations, participants, messages,
/// paging and error handling (tests/compat/twilio-node/conversations.mjs asserts each step), and
/// every other resource through the scripts beside it.
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

    [Fact]
    public async Task Twilio_node_helper_library_drives_roles_users_and_their_conversations()
    {
        var run = await TwilioNode.RunScriptAsync("people.mjs", Credentials());

        Assert.True(run.ExitCode == 0, $"twilio-node run failed:\n{run.Output}");
        Assert.Contains("\"ok\":true", run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Twilio's REST API reads and deletes bindings but cannot create one (devices register them),
    /// so the test registers the script's bindings in a fresh service first.
    /// </summary>
    [Fact]
    public async Task Twilio_node_helper_library_drives_push_credentials_bindings_and_configuration()
    {
        var service = (string)(await fixture.Host.Client.PostFormAsync("/v1/Services", ("FriendlyName", "twilio-node push"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var bindings = fixture.Host.Grains.GetGrain<IPushBindingsGrain>(service);
        var registered = new[]
        {
            await bindings.RegisterAsync(new PushBindingRegistration { Identity = "alice", BindingType = "apn", Endpoint = "alice#iphone", Address = "apns-device-token" }),
            await bindings.RegisterAsync(new PushBindingRegistration { Identity = "alice", BindingType = "fcm", Endpoint = "alice#pixel", Address = "fcm-device-token" }),
            await bindings.RegisterAsync(new PushBindingRegistration
            {
                Identity = "bob@example.com", BindingType = "fcm", Endpoint = "bob#pixel", Address = "fcm-device-token-2", MessageTypes = ["new_message"],
            }),
        };
        var environment = Credentials();
        environment["PUSH_SERVICE_SID"] = service;
        environment["PUSH_BINDING_SIDS"] = string.Join(',', registered.Select(b => b.Sid));

        var run = await TwilioNode.RunScriptAsync("push.mjs", environment);

        Assert.True(run.ExitCode == 0, $"twilio-node run failed:\n{run.Output}");
        Assert.Contains("\"ok\":true", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twilio_node_helper_library_drives_conversation_webhooks_receipts_and_address_configurations()
    {
        var run = await TwilioNode.RunScriptAsync("extras.mjs", Credentials());

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
