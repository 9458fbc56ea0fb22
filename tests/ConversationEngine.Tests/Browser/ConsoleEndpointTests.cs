using System.Net;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Browser;

/// <summary>The console's files and its development sign-in, over HTTP.</summary>
[Collection(ConsoleBrowser.Name)]
public sealed class ConsoleEndpointTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Console_files_are_public_with_a_strict_content_security_policy()
    {
        using var anonymous = fixture.Host.CreateClient();
        using var page = await anonymous.GetAsync("/console/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        using var script = await anonymous.GetAsync("/console/app.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        using var missing = await anonymous.GetAsync("/console/secrets.json");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Development_sign_in_mints_a_token_the_engine_accepts_for_account_credentials_only()
    {
        var body = await fixture.Host.Client.PostFormAsync("/console/dev-token", ("Identity", "agent.dev")).ExpectAsync(HttpStatusCode.OK);
        var token = (string)body["token"]!;
        using var agent = fixture.Host.CreateUserClient(token);
        await agent.GetAsync($"/v1/Services/{fixture.DefaultService}/Users/agent.dev/Conversations").ExpectAsync(HttpStatusCode.OK);

        using var anonymous = fixture.Host.CreateClient();
        await anonymous.PostFormAsync("/console/dev-token", ("Identity", "agent.dev")).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        await agent.PostFormAsync("/console/dev-token", ("Identity", "agent.other")).ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
        await fixture.Host.Client.PostFormAsync("/console/dev-token").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }
}

/// <summary>Off by default: the shared engine does not set <c>Console:DevelopmentSignIn</c>.</summary>
[Collection(SharedEngine.Name)]
public sealed class ConsoleDevelopmentSignInOffTests(EngineFixture fixture)
{
    [Fact]
    public async Task Development_sign_in_is_not_found_unless_enabled()
    {
        await fixture.Host.Client.PostFormAsync("/console/dev-token", ("Identity", "agent.dev")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        using var anonymous = fixture.Host.CreateClient();
        var settings = await anonymous.GetAsync("/console/settings").ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)settings["development_sign_in"]!);
    }
}
