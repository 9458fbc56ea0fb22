using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>Consent records and a service's consent policy survive a restart on the same database.</summary>
public sealed class ConsentRestartTests
{
    [Fact]
    public async Task A_new_host_on_the_same_database_has_the_same_consent_history_and_policy()
    {
        string dataDirectory, service, consentBefore, policyBefore;
        var contact = Numbers.NextUs();
        var ours = Numbers.NextUs();
        string Path(string sid) => $"/engine/v1/ContactChannels/{sid}/{Uri.EscapeDataString(contact)}/Consent";

        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            service = await host.Client.NewServiceAsync();
            policyBefore = (await host.Client.PostFormAsync($"/engine/v1/MessagingServices/{service}/Consent",
                [.. ConsentTests.JapaneseAndSpanish, ("RequireOptIn", "true"), ("EngineReplies", "false")]).ExpectAsync(HttpStatusCode.OK)).ToJsonString()
                .Replace(host.BaseUrl, "{base}", StringComparison.Ordinal);
            await host.Client.PostFormAsync(Path(service), ("State", "opted_in"), ("Source", "import"), ("Evidence", "CRM row 42")).ExpectAsync(HttpStatusCode.OK);
            var fields = SignedWebhooks.Inbound("SM" + Guid.NewGuid().ToString("N"), contact, ours, "停止");
            fields["MessagingServiceSid"] = service;
            Assert.Empty(await ConsentTests.Replies(host, fields));
            consentBefore = (await host.Client.GetAsync(Path(service)).ExpectAsync(HttpStatusCode.OK)).ToJsonString()
                .Replace(host.BaseUrl, "{base}", StringComparison.Ordinal);
        }

        await using (var host = await EngineHost.StartAsync(dataDirectory))
        {
            var consentAfter = await host.Client.GetAsync(Path(service)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(consentBefore, consentAfter.ToJsonString().Replace(host.BaseUrl, "{base}", StringComparison.Ordinal));
            Assert.Equal("opted_out", (string?)consentAfter["state"]);
            Assert.Equal(["keyword", "import"], consentAfter["events"]!.AsArray().Select(e => (string)e!["source"]!));
            var policyAfter = await host.Client.GetAsync($"/engine/v1/MessagingServices/{service}/Consent").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(policyBefore, policyAfter.ToJsonString().Replace(host.BaseUrl, "{base}", StringComparison.Ordinal));

            // The rules still apply.
            var fields = SignedWebhooks.Inbound("SM" + Guid.NewGuid().ToString("N"), contact, ours, "ｃｏｍｅｎｚａｒ");
            fields["MessagingServiceSid"] = service;
            Assert.Empty(await ConsentTests.Replies(host, fields));
            Assert.Equal("opted_in", (string?)(await host.Client.GetAsync(Path(service)).ExpectAsync(HttpStatusCode.OK))["state"]);
        }
    }
}
