using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Http;
using ConversationEngine.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ConversationEngine.Tests.Browser;

/// <summary>
/// One engine (development sign-in on) and one headless Chromium for the console's browser tests.
/// The browser is Debian's <c>chromium</c> (<c>ENGINE_TEST_CHROMIUM</c> overrides the path), driven
/// by the Playwright driver the NuGet package ships: nothing is downloaded. A missing browser or
/// driver fails the tests, never skips them.
/// </summary>
public class ConsoleFixture : IAsyncLifetime
{
    public const string OurNumber = "+15005550006";

    private readonly IReadOnlyDictionary<string, string?> settings;

    public ConsoleFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>An engine with <paramref name="extraSettings"/> on top of the console's.</summary>
    protected ConsoleFixture(IReadOnlyDictionary<string, string?> extraSettings)
    {
        settings = new Dictionary<string, string?>(extraSettings) { ["Console:DevelopmentSignIn"] = "true" };
    }

    public EngineHost Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Closes the agents' live connections on demand, and can hold reconnects off.</summary>
    public StreamDropper Streams { get; } = new();

    public string DefaultService { get; private set; } = null!;

    /// <summary>Where the screenshots of the main screens go (kept as test artifacts).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "console-screenshots");

    private IPlaywright playwright = null!;

    public async Task InitializeAsync()
    {
        Host = await EngineHost.StartAsync(
            settings: settings,
            services: s => s.AddSingleton<IStartupFilter>(Streams));
        DefaultService = (string)(await Host.Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
        var chromium = Environment.GetEnvironmentVariable("ENGINE_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>A page of its own (own session storage), at desktop size unless told.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = Host.BaseUrl });
        var page = await context.NewPageAsync();
        var problems = new ConcurrentQueue<string>();
        Problems[page] = problems;
        page.PageError += (_, error) => problems.Enqueue("uncaught: " + error);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                problems.Enqueue("CSP: " + message.Text);
            }
        };
        return page;
    }

    private ConcurrentDictionary<IPage, ConcurrentQueue<string>> Problems { get; } = new();

    /// <summary>Closes the page's context, asserting its scripts threw nothing and the CSP refused nothing.</summary>
    public async Task CloseAsync(params IPage[] pages)
    {
        foreach (var page in pages)
        {
            await page.Context.CloseAsync();
            Problems.TryRemove(page, out var problems);
            Assert.Empty(problems ?? []);
        }
    }

    /// <summary>
    /// Opens the console and signs in with a pasted token; returns once the stream is live.
    /// <paramref name="watch"/> sees the page before it loads anything (to observe its requests).
    /// </summary>
    public async Task<IPage> SignInAsync(string identity, int width = 1280, int height = 800, Action<IPage>? watch = null)
    {
        var page = await NewPageAsync(width, height);
        watch?.Invoke(page);
        await page.GotoAsync("/console/");
        await page.GetByLabel("Access Token", new() { Exact = true }).FillAsync(AccessTokens.Mint(identity, DefaultService));
        await page.Locator("#token-form").GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Live");
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png") });

    /// <summary>A conversation in the default service with the agent (optionally in a conversation role) and an SMS customer.</summary>
    public async Task<(string Conversation, string Customer)> ConversationAsync(string friendlyName, string agent, string? roleSid = null)
    {
        var conversation = (string)(await Host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", friendlyName)).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var fields = new List<(string, string)> { ("Identity", agent) };
        if (roleSid is not null)
        {
            fields.Add(("RoleSid", roleSid));
        }

        await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", [.. fields]).ExpectAsync(HttpStatusCode.Created);
        var customer = Numbers.NextUs();
        await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
            ("MessagingBinding.Address", customer), ("MessagingBinding.ProxyAddress", OurNumber)).ExpectAsync(HttpStatusCode.Created);
        return (conversation, customer);
    }

    public async Task<string> RoleAsync(string friendlyName)
    {
        var roles = await Host.Client.GetAsync($"/v1/Services/{DefaultService}/Roles").ExpectAsync(HttpStatusCode.OK);
        return (string)roles["roles"]!.AsArray().Single(r => (string?)r!["friendly_name"] == friendlyName)!["sid"]!;
    }

    /// <summary>Every body the sandbox transport "sent".</summary>
    public async Task<List<JsonNode>> SandboxAsync()
    {
        var all = new List<JsonNode>();
        string? next = "/engine/v1/Sandbox/Messages?PageSize=50";
        while (next is not null)
        {
            var page = await Host.Client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
            all.AddRange(page["messages"]!.AsArray().Select(m => m!));
            next = (string?)page["meta"]?["next_page_url"];
        }

        return all;
    }
}

/// <summary>
/// A test hook in front of the engine's pipeline: tracks the live stream's requests so a test can
/// drop them all (as a failed front end or network would), and refuse new ones for a while.
/// </summary>
public sealed class StreamDropper : IStartupFilter
{
    private readonly ConcurrentDictionary<HttpContext, byte> open = new();

    private volatile bool refusing;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            if (!context.Request.Path.StartsWithSegments("/engine/v1/Stream", StringComparison.Ordinal))
            {
                await inner(context);
                return;
            }

            if (refusing)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            open[context] = 0;
            try
            {
                await inner(context);
            }
            finally
            {
                open.TryRemove(context, out _);
            }
        });
        next(app);
    };

    /// <summary>Aborts every open stream connection and refuses new ones until <see cref="Resume"/>.</summary>
    public int DropAllAndHold()
    {
        refusing = true;
        var dropped = 0;
        foreach (var context in open.Keys)
        {
            context.Abort();
            dropped++;
        }

        return dropped;
    }

    public void Resume() => refusing = false;
}

[CollectionDefinition(Name)]
public sealed class ConsoleBrowser : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console browser";
}
