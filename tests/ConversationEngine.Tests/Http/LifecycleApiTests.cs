using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Indexes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>A host whose timers may be as short as a second (the test-only option).</summary>
public sealed class ShortTimerEngineFixture : IAsyncLifetime
{
    public EngineHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await EngineHost.StartAsync(settings: EngineHost.ShortTimers);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ShortTimerEngine : ICollectionFixture<ShortTimerEngineFixture>
{
    public const string Name = "short-timer engine";
}

[Collection(ShortTimerEngine.Name)]
public sealed class LifecycleApiTests(ShortTimerEngineFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Timers_are_reported_as_absolute_due_dates_from_the_last_activity()
    {
        var created = await Client.PostFormAsync("/v1/Conversations", ("State", "active"), ("Timers.Inactive", "PT1M"), ("Timers.Closed", "PT10M"))
            .ExpectAsync(HttpStatusCode.Created);

        var updated = Date(created["date_updated"]);
        Assert.Equal(updated.AddMinutes(1), Date(created["timers"]!["date_inactive"]), TimeSpan.FromSeconds(1));
        Assert.Equal(updated.AddMinutes(10), Date(created["timers"]!["date_closed"]), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Update_changes_and_removes_timers()
    {
        var created = await Client.PostFormAsync("/v1/Conversations", ("State", "active"), ("Timers.Inactive", "PT1H")).ExpectAsync(HttpStatusCode.Created);
        var url = $"/v1/Conversations/{created["sid"]}";

        var changed = await Client.PostFormAsync(url, ("Timers.Closed", "P1D")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(changed["timers"]!["date_inactive"]);
        Assert.Equal(Date(changed["date_updated"]).AddDays(1), Date(changed["timers"]!["date_closed"]), TimeSpan.FromSeconds(2));

        var removed = await Client.PostFormAsync(url, ("Timers.Inactive", "")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["date_closed"], removed["timers"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Conversation_moves_active_to_inactive_to_closed_and_then_refuses_writes()
    {
        var created = await Client.PostFormAsync("/v1/Conversations", ("State", "active"), ("Timers.Inactive", "PT1S"), ("Timers.Closed", "PT3S"))
            .ExpectAsync(HttpStatusCode.Created);
        var url = $"/v1/Conversations/{created["sid"]}";

        await WaitForStateAsync(url, "inactive");
        await WaitForStateAsync(url, "closed");

        await Client.PostFormAsync(url + "/Messages", ("Body", "too late")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50377);
        await Client.PostFormAsync(url + "/Participants", ("Identity", "too-late")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50377);
        await Client.PostFormAsync(url, ("State", "active")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50377);
        var closed = await Client.GetAsync(url).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(closed["timers"]!.AsObject());
    }

    [Fact]
    public async Task Account_default_timers_apply_to_conversations_created_without_their_own()
    {
        var configuration = await Client.PostFormAsync("/v1/Configuration", ("DefaultInactiveTimer", "PT5M"), ("DefaultClosedTimer", "PT1H"))
            .ExpectAsync(HttpStatusCode.OK);
        try
        {
            Assert.Equal("PT5M", (string?)configuration["default_inactive_timer"]);
            Assert.Equal("PT1H", (string?)configuration["default_closed_timer"]);
            Assert.Equal("PT5M", (string?)(await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_inactive_timer"]);

            var defaulted = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
            var own = await Client.PostFormAsync("/v1/Conversations", ("State", "active"), ("Timers.Closed", "PT2H")).ExpectAsync(HttpStatusCode.Created);

            Assert.Equal(Date(defaulted["date_updated"]).AddMinutes(5), Date(defaulted["timers"]!["date_inactive"]), TimeSpan.FromSeconds(1));
            Assert.Equal(Date(defaulted["date_updated"]).AddHours(1), Date(defaulted["timers"]!["date_closed"]), TimeSpan.FromSeconds(1));
            Assert.Equal(["date_closed"], own["timers"]!.AsObject().Select(p => p.Key));
        }
        finally
        {
            var cleared = await Client.PostFormAsync("/v1/Configuration", ("DefaultInactiveTimer", ""), ("DefaultClosedTimer", "")).ExpectAsync(HttpStatusCode.OK);
            Assert.Null(cleared["default_inactive_timer"]);
        }
    }

    [Fact]
    public async Task Account_default_messaging_service_applies_to_conversations_created_without_their_own()
    {
        const string Default = "MG00000000000000000000000000000d3f";
        const string Own = "MG0000000000000000000000000000000a";
        var configuration = await Client.PostFormAsync("/v1/Configuration", ("DefaultMessagingServiceSid", Default)).ExpectAsync(HttpStatusCode.OK);
        try
        {
            Assert.Equal(Default, (string?)configuration["default_messaging_service_sid"]);

            var defaulted = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
            var own = await Client.PostFormAsync("/v1/Conversations", ("MessagingServiceSid", Own)).ExpectAsync(HttpStatusCode.Created);
            var withParticipants = await Client.PostFormAsync("/v1/ConversationWithParticipants").ExpectAsync(HttpStatusCode.Created);

            Assert.Equal(Default, (string?)defaulted["messaging_service_sid"]);
            Assert.Equal(Default, (string?)(await Client.GetAsync($"/v1/Conversations/{defaulted["sid"]}").ExpectAsync(HttpStatusCode.OK))["messaging_service_sid"]);
            Assert.Equal(Own, (string?)own["messaging_service_sid"]);
            Assert.Equal(Default, (string?)withParticipants["messaging_service_sid"]);
        }
        finally
        {
            var cleared = await Client.PostFormAsync("/v1/Configuration", ("DefaultMessagingServiceSid", "")).ExpectAsync(HttpStatusCode.OK);
            Assert.Null((string?)cleared["default_messaging_service_sid"]);
        }

        var without = await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        Assert.Null((string?)without["messaging_service_sid"]);
    }

    [Fact]
    public async Task Configuration_refuses_malformed_and_too_short_defaults()
    {
        await Client.PostFormAsync("/v1/Configuration", ("DefaultInactiveTimer", "soon")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50379);
        await Client.PostFormAsync("/v1/Configuration", ("DefaultClosedTimer", "PT")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50380);
        await Client.PostFormAsync("/v1/Configuration", ("DefaultInactiveTimer", "PT0.5S")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50375);
        await Client.PostFormAsync("/v1/Configuration", ("DefaultChatServiceSid", "IS0123456789abcdef0123456789abcdef")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync("/v1/Configuration", ("DefaultMessagingServiceSid", "nope")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Service_configuration_is_fetched_and_updated()
    {
        var account = await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK);
        var service = (string)account["default_chat_service_sid"]!;
        var url = $"/v1/Services/{service}/Configuration";

        var before = await Client.GetAsync(url).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(service, (string?)before["chat_service_sid"]);
        Assert.False((bool)before["reachability_enabled"]!);
        Assert.Equal($"{fixture.Host.BaseUrl}{url}", (string?)before["url"]);

        var role = (string)(await Client.PostFormAsync("/v1/Roles", ("FriendlyName", "member"), ("Type", "conversation"), ("Permission", "sendMessage"))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var after = await Client.PostFormAsync(url, ("ReachabilityEnabled", "true"), ("DefaultConversationRoleSid", role))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)after["reachability_enabled"]!);
        Assert.Equal(role, (string?)after["default_conversation_role_sid"]);

        // The defaults never set name the roles the service started with.
        Assert.Equal((string?)before["default_conversation_creator_role_sid"], (string?)after["default_conversation_creator_role_sid"]);
        Assert.Matches("^RL[0-9a-f]{32}$", (string?)after["default_conversation_creator_role_sid"]);
        await Client.PostFormAsync(url, ("DefaultConversationRoleSid", (string)before["default_conversation_role_sid"]!)).ExpectAsync(HttpStatusCode.OK);

        await Client.GetAsync("/v1/Services/IS0123456789abcdef0123456789abcdef/Configuration").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync(url, ("ReachabilityEnabled", "perhaps")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    private async Task WaitForStateAsync(string url, string state)
    {
        var clock = Stopwatch.StartNew();
        while ((string?)(await Client.GetAsync(url).ExpectAsync(HttpStatusCode.OK))["state"] != state)
        {
            Assert.True(clock.Elapsed < Patience, $"{url} did not become {state}");
            await Task.Delay(200);
        }
    }

    private static DateTimeOffset Date(JsonNode? node) =>
        DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

/// <summary>Timers are reminders on the SQLite file: they fire after a restart even if they fell due while the host was down.</summary>
public sealed class LifecycleRestartTests
{
    [Fact]
    public async Task Timer_due_while_the_host_was_down_fires_after_restart()
    {
        string dataDirectory;
        string pair;
        await using (var host = await EngineHost.StartAsync(settings: EngineHost.ShortTimers))
        {
            dataDirectory = host.DataDirectory;
            var created = await host.Client.PostFormAsync("/v1/Conversations", ("State", "active"), ("Timers.Inactive", "PT2S"), ("Timers.Closed", "PT4S"))
                .ExpectAsync(HttpStatusCode.Created);
            var address = Numbers.NextUs();
            await host.Client.PostFormAsync($"/v1/Conversations/{created["sid"]}/Participants",
                ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", "+15005550006")).ExpectAsync(HttpStatusCode.Created);
            pair = address + "|+15005550006";
        }

        await Task.Delay(TimeSpan.FromSeconds(5));

        await using (var host = await EngineHost.StartAsync(dataDirectory, EngineHost.ShortTimers))
        {
            // Nothing asks the conversation: only its reminder can close it and free the pair.
            var index = host.Grains.GetGrain<IBindingIndexGrain>(pair);
            var clock = Stopwatch.StartNew();
            while (await index.GetHolderAsync() is not null)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the timer did not fire after the restart");
                await Task.Delay(200);
            }
        }
    }
}
