using System.Diagnostics;
using System.Net;
using ConversationEngine.Tests.Support;
using Microsoft.Playwright;

namespace ConversationEngine.Tests.Browser;

/// <summary>
/// The agent console (<c>/console</c>) in headless Chromium against a real engine: customers'
/// messages arriving, replies reaching the (sandbox) carrier and their delivery, transfers between
/// agents, reconnecting after a drop, phone size and the keyboard.
/// </summary>
[Collection(ConsoleBrowser.Name)]
public sealed class ConsoleTests(ConsoleFixture fixture)
{
    private EngineHost Host => fixture.Host;

    private static string NewAgent() => "agent." + Guid.NewGuid().ToString("N")[..8];

    private static ILocator Items(IPage page) => page.Locator("#conversation-list li");

    private static ILocator Item(IPage page, string conversation) => page.Locator($"#conversation-list li[data-sid='{conversation}']");

    [Fact]
    public async Task Inbound_sms_moves_its_conversation_to_the_top_with_its_unread_count_within_a_second()
    {
        var agent = NewAgent();
        var (older, customer) = await fixture.ConversationAsync("Order 1001", agent);
        var (newer, _) = await fixture.ConversationAsync("Order 1002", agent);
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // Twilio's dates are to the second: no tie with the first's creation
        await Host.Client.PostFormAsync($"/v1/Conversations/{newer}/Messages", ("Author", "ops"), ("Body", "Parcel picked up")).ExpectAsync(HttpStatusCode.Created);
        var page = await fixture.SignInAsync(agent);
        await Assertions.Expect(Items(page)).ToHaveCountAsync(2);
        await Assertions.Expect(Items(page).First).ToHaveAttributeAsync("data-sid", newer);

        var watch = Stopwatch.StartNew();
        using var response = await Host.PostSignedAsync(SignedWebhooks.MessagesPath,
            SignedWebhooks.Inbound("SM" + Guid.NewGuid().ToString("N"), customer, ConsoleFixture.OurNumber, "Where is my order?"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await Assertions.Expect(Items(page).First).ToHaveAttributeAsync("data-sid", older, new() { Timeout = 1000 });
        await Assertions.Expect(Item(page, older).Locator(".unread")).ToHaveTextAsync("1", new() { Timeout = 1000 });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"webhook to console took {watch.Elapsed}");
        await Assertions.Expect(Item(page, older).Locator(".preview")).ToContainTextAsync("Where is my order?");
        await ConsoleFixture.ScreenshotAsync(page, "desktop-list");
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task Reply_sent_with_Enter_reaches_the_sandbox_and_shows_delivered()
    {
        var agent = NewAgent();
        var (conversation, customer) = await fixture.ConversationAsync("Refund question", agent);
        await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", customer), ("Body", "Can I get a refund?")).ExpectAsync(HttpStatusCode.Created);
        var page = await fixture.SignInAsync(agent);

        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("#messages .message")).ToHaveCountAsync(1);
        await Assertions.Expect(Item(page, conversation).Locator(".unread")).ToHaveTextAsync("0");
        var box = page.GetByLabel("Message", new() { Exact = true });
        await Assertions.Expect(box).ToBeFocusedAsync();
        await box.PressSequentiallyAsync("Yes, it is on its way.");
        await box.PressAsync("Shift+Enter");
        await box.PressSequentiallyAsync("Anything else?");
        await box.PressAsync("Enter");

        var mine = page.Locator("#messages .message.mine");
        await Assertions.Expect(mine).ToHaveCountAsync(1);
        await Assertions.Expect(mine.Locator(".body")).ToHaveTextAsync("Yes, it is on its way.\nAnything else?");
        await Assertions.Expect(box).ToHaveValueAsync("");
        await Assertions.Expect(mine.Locator(".delivery")).ToHaveTextAsync("✓ delivered", new() { Timeout = 15_000 });
        var sent = (await fixture.SandboxAsync()).Single(m => (string?)m["to"] == customer);
        Assert.Equal("Yes, it is on its way.\nAnything else?", (string?)sent["body"]);
        await Assertions.Expect(page.Locator("#participants")).ToContainTextAsync(customer);
        await Assertions.Expect(page.Locator("#participants")).ToContainTextAsync("sms");
        await Assertions.Expect(page.Locator("#participants .consent.none")).ToHaveTextAsync("no opt-in recorded");
        await ConsoleFixture.ScreenshotAsync(page, "desktop-conversation");

        // The read horizon followed what was shown.
        var read = await Host.Client.GetAsync($"/v1/Services/{fixture.DefaultService}/Users/{agent}/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (long)read["unread_messages_count"]!);
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task Participant_shows_the_opt_in_recorded_for_its_channel_and_how_it_was_given()
    {
        var agent = NewAgent();
        var (conversation, customer) = await fixture.ConversationAsync("Opted in", agent);
        await Host.Client.PostFormAsync(
            $"/engine/v1/ContactChannels/{Uri.EscapeDataString(ConsoleFixture.OurNumber)}/{Uri.EscapeDataString(customer)}/Consent",
            ("State", "opted_in"), ("Source", "web_form"), ("Evidence", "Ticked 'Text me about my order' at checkout")).ExpectAsync(HttpStatusCode.OK);

        var page = await fixture.SignInAsync(agent);
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();

        var consent = page.Locator("#participants .consent.opted-in");
        await Assertions.Expect(consent).ToHaveTextAsync("opted in (web_form)");
        await Assertions.Expect(consent).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("^since "));
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task Reply_to_a_contact_who_opted_out_shows_failed_with_twilios_error_code()
    {
        var agent = NewAgent();
        var (conversation, customer) = await fixture.ConversationAsync("Opted out", agent);
        using (var stop = await Host.PostSignedAsync(SignedWebhooks.MessagesPath,
            SignedWebhooks.Inbound("SM" + Guid.NewGuid().ToString("N"), customer, ConsoleFixture.OurNumber, "STOP")))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        var page = await fixture.SignInAsync(agent);
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();
        var box = page.GetByLabel("Message", new() { Exact = true });
        await box.FillAsync("Your refund is done");
        await box.PressAsync("Enter");

        var delivery = page.Locator("#messages .message.mine .delivery");
        await Assertions.Expect(delivery).ToHaveTextAsync("✗ failed (error 21610)", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#participants .consent.opted-out")).ToHaveTextAsync("opted out (STOP)");

        // Shown again from the message's receipts when the conversation is opened afresh.
        await page.ReloadAsync();
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(delivery).ToHaveTextAsync("✗ failed (error 21610)");
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task Transfer_reaches_the_second_agent_live_and_a_refused_one_shows_why()
    {
        var giver = NewAgent();
        var receiver = NewAgent();
        var (conversation, _) = await fixture.ConversationAsync("Billing dispute", giver, await fixture.RoleAsync("channel admin"));
        var (plain, _) = await fixture.ConversationAsync("Plain role", giver);
        var first = await fixture.SignInAsync(giver);
        var second = await fixture.SignInAsync(receiver);
        await Assertions.Expect(Items(second)).ToHaveCountAsync(0);

        // A channel user may not add the receiver: the engine's 403 is shown as it is.
        await Item(first, plain).GetByRole(AriaRole.Button).ClickAsync();
        await first.GetByLabel("Transfer to (identity)").FillAsync(receiver);
        await first.GetByRole(AriaRole.Button, new() { Name = "Transfer", Exact = true }).ClickAsync();
        await Assertions.Expect(first.Locator("#conversation-error")).ToContainTextAsync("addParticipant");

        await Item(first, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await first.GetByLabel("Transfer to (identity)").FillAsync(receiver);
        await first.GetByRole(AriaRole.Button, new() { Name = "Transfer", Exact = true }).ClickAsync();

        await Assertions.Expect(Item(second, conversation)).ToHaveCountAsync(1, new() { Timeout = 5000 });
        await Assertions.Expect(Item(first, conversation)).ToHaveCountAsync(0);
        await Assertions.Expect(first.Locator("#notice")).ToHaveTextAsync($"Transferred to {receiver}.");
        await Item(second, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(second.Locator("#messages")).ToContainTextAsync($"Conversation transferred from {giver} to {receiver}");
        await ConsoleFixture.ScreenshotAsync(second, "desktop-after-transfer");
        await fixture.CloseAsync(first, second);
    }

    [Fact]
    public async Task Typing_shows_to_the_other_agent_and_closing_needs_the_role_for_it()
    {
        var (lead, helper) = (NewAgent(), NewAgent());
        var (conversation, _) = await fixture.ConversationAsync("Escalation", lead, await fixture.RoleAsync("channel admin"));
        await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", helper)).ExpectAsync(HttpStatusCode.Created);
        var first = await fixture.SignInAsync(lead);
        var second = await fixture.SignInAsync(helper);
        await Item(first, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await Item(second, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(second.Locator("#conversation-title")).ToHaveTextAsync("Escalation");

        await second.GetByLabel("Message", new() { Exact = true }).PressSequentiallyAsync("Let me check");
        await Assertions.Expect(first.Locator("#typing")).ToHaveTextAsync($"{helper} is typing…");

        // A channel user may not close it; the lead (channel admin) may, and the helper sees it live.
        await second.GetByRole(AriaRole.Button, new() { Name = "Close conversation" }).ClickAsync();
        await Assertions.Expect(second.Locator("#conversation-error")).ToContainTextAsync("deleteConversation");
        await first.GetByRole(AriaRole.Button, new() { Name = "Close conversation" }).ClickAsync();
        await Assertions.Expect(first.Locator("#conversation-state")).ToHaveTextAsync("closed");
        var state = await Host.Client.GetAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("closed", (string?)state["state"]);
        await fixture.CloseAsync(first, second);
    }

    [Fact]
    public async Task After_the_server_drops_the_stream_the_console_reconnects_and_shows_every_missed_message_once()
    {
        var agent = NewAgent();
        var (conversation, customer) = await fixture.ConversationAsync("Flaky network", agent);
        var (other, _) = await fixture.ConversationAsync("Other one", agent);
        var page = await fixture.SignInAsync(agent);
        await Item(page, conversation).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("#conversation-title")).ToHaveTextAsync("Flaky network");

        try
        {
            Assert.True(fixture.Streams.DropAllAndHold() >= 1);
            await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Reconnecting…");
            foreach (var body in new[] { "one", "two", "three" })
            {
                await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", customer), ("Body", body)).ExpectAsync(HttpStatusCode.Created);
            }

            await Host.Client.PostFormAsync($"/v1/Conversations/{other}/Messages", ("Author", "ops"), ("Body", "meanwhile")).ExpectAsync(HttpStatusCode.Created);
        }
        finally
        {
            fixture.Streams.Resume();
        }

        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Live", new() { Timeout = 15_000 });
        var bodies = page.Locator("#messages .message .body");
        await Assertions.Expect(bodies).ToHaveTextAsync(["one", "two", "three"]);
        await Assertions.Expect(Item(page, other).Locator(".unread")).ToHaveTextAsync("1");
        await page.WaitForTimeoutAsync(500);
        await Assertions.Expect(bodies).ToHaveCountAsync(3);
        await fixture.CloseAsync(page);
    }

    [Fact]
    public async Task Phone_size_shows_the_list_and_a_conversation_as_separate_views_after_a_development_sign_in()
    {
        var agent = NewAgent();
        var (conversation, customer) = await fixture.ConversationAsync("On the go", agent);
        await Host.Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", customer), ("Body", "Are you there?")).ExpectAsync(HttpStatusCode.Created);
        var page = await fixture.NewPageAsync(390, 844);
        await page.GotoAsync("/console/");
        await page.GetByLabel("Account SID or API key SID").FillAsync(EngineHost.AccountSid);
        await page.GetByLabel("Auth Token or API key secret").FillAsync(EngineHost.AuthToken);
        await page.GetByLabel("Identity", new() { Exact = true }).FillAsync(agent);
        await ConsoleFixture.ScreenshotAsync(page, "phone-sign-in");
        await page.Locator("#dev-form").GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Live");

        await Assertions.Expect(Item(page, conversation).Locator(".unread")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#conversation-pane")).ToBeHiddenAsync();
        await ConsoleFixture.ScreenshotAsync(page, "phone-list");

        // Keyboard only: Tab to the conversation, Enter opens it, Enter sends.
        await page.Locator("#sign-out").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(Item(page, conversation).GetByRole(AriaRole.Button)).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#list-pane")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#messages")).ToContainTextAsync("Are you there?");
        await page.Keyboard.TypeAsync("Yes, here.");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#messages .message.mine .body")).ToHaveTextAsync("Yes, here.");
        await ConsoleFixture.ScreenshotAsync(page, "phone-conversation");

        await page.GetByRole(AriaRole.Button, new() { Name = "Back to conversations" }).ClickAsync();
        await Assertions.Expect(page.Locator("#list-pane")).ToBeVisibleAsync();
        await Assertions.Expect(Item(page, conversation).Locator(".unread")).ToHaveTextAsync("0");
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.length ? 'localStorage used' : null"));
        await fixture.CloseAsync(page);
    }
}
