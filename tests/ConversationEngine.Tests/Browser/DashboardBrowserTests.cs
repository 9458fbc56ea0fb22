using System.Net;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Orleans.Runtime;

namespace ConversationEngine.Tests.Browser;

/// <summary>The Orleans Dashboard as an operator's browser shows it: it asks for the account's credentials, then shows this host's silo.</summary>
[Collection(ConsoleBrowser.Name)]
public sealed class DashboardBrowserTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task An_operator_signs_in_with_the_accounts_credentials_and_sees_the_silo()
    {
        var silo = fixture.Host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        await using var operatorContext = await fixture.Browser.NewContextAsync(new()
        {
            BaseURL = fixture.Host.BaseUrl,
            ViewportSize = new() { Width = 1280, Height = 800 },
            HttpCredentials = new() { Username = EngineHost.AccountSid, Password = EngineHost.AuthToken },
        });
        var page = await operatorContext.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        var response = await page.GotoAsync("/dashboard/");
        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Orleans Dashboard" })).ToBeVisibleAsync();

        // Its own script renders the cluster's silos from its API, with the credentials the browser was given.
        await page.GetByRole(AriaRole.Link, new() { Name = "Silos" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"{silo.Endpoint.Address}:{silo.Endpoint.Port}").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await ConsoleFixture.ScreenshotAsync(page, "dashboard");
        Assert.Empty(errors);

        // Without credentials the browser is challenged for them (headless, it has none to give) and gets no page.
        await using var stranger = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.Host.BaseUrl });
        var refused = await Assert.ThrowsAsync<PlaywrightException>(async () => await (await stranger.NewPageAsync()).GotoAsync("/dashboard/"));
        Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", refused.Message, StringComparison.Ordinal);
    }
}
