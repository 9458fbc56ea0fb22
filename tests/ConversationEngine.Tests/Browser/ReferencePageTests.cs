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
}
