using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace ConversationEngine.Tests.Browser;

/// <summary>The API reference (<c>/docs</c>) in a real browser: it renders from the engine alone.</summary>
[Collection(ConsoleBrowser.Name)]
public sealed class ReferencePageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Reference_page_renders_the_operations_and_loads_nothing_from_another_host()
    {
        var page = await fixture.NewPageAsync();
        var elsewhere = new ConcurrentQueue<string>();
        var engine = new Uri(fixture.Host.BaseUrl);
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Authority != engine.Authority)
            {
                elsewhere.Enqueue(request.Url);
            }
        };

        await page.GotoAsync("/docs");

        await Assertions.Expect(page.GetByText("ConversationEngine").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByText("Operator").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Conversations").First).ToBeVisibleAsync();
        await ConsoleFixture.ScreenshotAsync(page, "api-reference");
        Assert.Empty(elsewhere);
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task A_request_sent_from_the_reference_page_reaches_the_engine_with_the_typed_credentials()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/docs");
        await Assertions.Expect(page.GetByText("ConversationEngine").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Username" }).First.FillAsync(Support.EngineHost.AccountSid);
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Password" }).First.FillAsync(Support.EngineHost.AuthToken);
        await page.GetByText("Configuration", new() { Exact = true }).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Test Request" }).First.ClickAsync();
        await ConsoleFixture.ScreenshotAsync(page, "api-reference-client");
        var answer = page.WaitForResponseAsync(r => r.Url.Contains("/v1/Configuration", StringComparison.Ordinal) && r.Request.Method == "GET");
        await page.Keyboard.PressAsync("Control+Enter");
        var response = await answer;
        await ConsoleFixture.ScreenshotAsync(page, "api-reference-answer");

        Assert.Equal(200, response.Status);
        Assert.Contains("default_chat_service_sid", await response.TextAsync(), StringComparison.Ordinal);
        await fixture.CloseAsync(page);
    }
}
