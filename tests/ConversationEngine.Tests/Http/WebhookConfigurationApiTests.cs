using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConversationEngine.Tests.Support;
using ConversationEngine.Webhooks;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Webhook configuration at its three levels, through HTTP: the account's and the service's
/// (<c>/v1/Configuration/Webhooks</c>, <c>/v1/Services/{IS}/Configuration/Webhooks</c>) and a
/// conversation's scoped webhooks. An engine of its own, so the account and service settings
/// these tests change reach no other test.
/// </summary>
public sealed partial class WebhookConfigurationApiTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string AccountPath = "/v1/Configuration/Webhooks";
    private const string Hook = "http://127.0.0.1:9/hooks";

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Account_webhook_configuration_round_trips_every_field_and_keeps_what_an_update_leaves_out()
    {
        var initial = await Client.GetAsync(AccountPath).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(EngineHost.AccountSid, (string?)initial["account_sid"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Configuration/Webhooks", (string?)initial["url"]);
        Assert.Equal("webhook", (string?)initial["target"]);
        Assert.Equal("POST", (string?)initial["method"]);

        var updated = await Client.PostFormAsync(AccountPath,
            ("PreWebhookUrl", "https://example.com/pre"), ("PostWebhookUrl", "https://example.com/post?x=1"), ("Method", "get"),
            ("Filters", "onMessageAdd"), ("Filters", "onMessageAdded"), ("Filters", "onConversationUpdated"), ("Target", "flex"))
            .ExpectAsync(HttpStatusCode.OK);
        var fetched = await Client.GetAsync(AccountPath).ExpectAsync(HttpStatusCode.OK);
        foreach (var body in new[] { updated, fetched })
        {
            Assert.Equal(EngineHost.AccountSid, (string?)body["account_sid"]);
            Assert.Equal("https://example.com/pre", (string?)body["pre_webhook_url"]);
            Assert.Equal("https://example.com/post?x=1", (string?)body["post_webhook_url"]);
            Assert.Equal("GET", (string?)body["method"]);
            Assert.Equal(["onMessageAdd", "onMessageAdded", "onConversationUpdated"], Strings(body["filters"]));
            Assert.Equal("flex", (string?)body["target"]);
            Assert.Equal(["account_sid", "method", "filters", "pre_webhook_url", "post_webhook_url", "target", "url"], body.Select(p => p.Key));
        }

        // Only Method: the rest stays. An empty URL clears it; Filters sent empty clears them.
        var partial = await Client.PostFormAsync(AccountPath, ("Method", "POST"), ("Target", "webhook")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("POST", (string?)partial["method"]);
        Assert.Equal("https://example.com/pre", (string?)partial["pre_webhook_url"]);
        Assert.Equal(3, partial["filters"]!.AsArray().Count);

        var cleared = await Client.PostFormAsync(AccountPath, ("PreWebhookUrl", ""), ("Filters", "")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null((string?)cleared["pre_webhook_url"]);
        Assert.Equal("https://example.com/post?x=1", (string?)cleared["post_webhook_url"]);
        Assert.Empty(cleared["filters"]!.AsArray());
        Assert.Equal("webhook", (string?)cleared["target"]);
    }

    [Fact]
    public async Task Service_webhook_configuration_round_trips_apart_from_the_account_and_an_unknown_service_is_404()
    {
        var service = await DefaultServiceAsync();
        var path = $"/v1/Services/{service}/Configuration/Webhooks";

        var updated = await Client.PostFormAsync(path,
            ("PreWebhookUrl", "https://www.example.com/pre"), ("PostWebhookUrl", "https://www.example.com/post"),
            ("Filters", "onMessageRemoved"), ("Filters", "onParticipantAdded"), ("Method", "GET"))
            .ExpectAsync(HttpStatusCode.OK);
        var fetched = await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        foreach (var body in new[] { updated, fetched })
        {
            Assert.Equal(EngineHost.AccountSid, (string?)body["account_sid"]);
            Assert.Equal(service, (string?)body["chat_service_sid"]);
            Assert.Equal("https://www.example.com/pre", (string?)body["pre_webhook_url"]);
            Assert.Equal("https://www.example.com/post", (string?)body["post_webhook_url"]);
            Assert.Equal(["onMessageRemoved", "onParticipantAdded"], Strings(body["filters"]));
            Assert.Equal("GET", (string?)body["method"]);
            Assert.Equal($"{fixture.Host.BaseUrl}{path}", (string?)body["url"]);
            Assert.Equal(["account_sid", "chat_service_sid", "pre_webhook_url", "post_webhook_url", "filters", "method", "url"], body.Select(p => p.Key));
        }

        Assert.NotEqual("https://www.example.com/post", (string?)(await Client.GetAsync(AccountPath).ExpectAsync(HttpStatusCode.OK))["post_webhook_url"]);

        // Target is the account's alone: a service ignores it, as Twilio ignores parameters a resource does not have.
        var ignored = await Client.PostFormAsync(path, ("Target", "flex")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(fetched.ToJsonString(), ignored.ToJsonString());

        var unknown = Sids.New(Sids.ChatService);
        await Client.GetAsync($"/v1/Services/{unknown}/Configuration/Webhooks").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/v1/Services/{unknown}/Configuration/Webhooks", ("Method", "GET")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync("/v1/Services/not-a-service/Configuration/Webhooks").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Configured_levels_give_the_delivery_its_targets_with_the_filters_of_each_kind()
    {
        var service = await DefaultServiceAsync();
        await Client.PostFormAsync($"/v1/Services/{service}/Configuration/Webhooks",
            ("PreWebhookUrl", "https://example.com/service-pre"), ("PostWebhookUrl", "https://example.com/service-post"),
            ("Filters", "onMessageAdd"), ("Filters", "onMessageAdded"), ("Filters", "onParticipantRemoved"), ("Method", "get")).ExpectAsync(HttpStatusCode.OK);

        var grain = fixture.Host.Grains.GetGrain<IWebhookConfigurationGrain>(service);
        var post = await grain.PostTargetAsync();
        var pre = await grain.PreTargetAsync();

        Assert.NotNull(post);
        Assert.Equal("service", post.Id);
        Assert.Equal("https://example.com/service-post", post.Url);
        Assert.Equal("GET", post.Method);
        Assert.Equal(["onMessageAdded", "onParticipantRemoved"], post.Filters);
        Assert.NotNull(pre);
        Assert.Equal("https://example.com/service-pre", pre.Url);
        Assert.Equal("GET", pre.Method);
        Assert.Equal(["onMessageAdd"], pre.Filters);

        // The account's post-event target starts when its URL is set; another URL keeps that start,
        // clearing and setting again starts anew (events before a start are not sent to it).
        var account = fixture.Host.Grains.GetGrain<IWebhookConfigurationGrain>(EngineHost.AccountSid);
        await Client.PostFormAsync(AccountPath, ("PostWebhookUrl", ""), ("PreWebhookUrl", "")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(await account.PostTargetAsync());
        Assert.Null(await account.PreTargetAsync());
        var before = DateTimeOffset.UtcNow;
        await Client.PostFormAsync(AccountPath, ("PostWebhookUrl", "https://example.com/account-post")).ExpectAsync(HttpStatusCode.OK);
        var first = await account.PostTargetAsync();
        Assert.NotNull(first);
        Assert.Equal("account", first.Id);
        Assert.InRange(first.Since, before, DateTimeOffset.UtcNow);
        await Client.PostFormAsync(AccountPath, ("PostWebhookUrl", "https://example.com/account-post-2")).ExpectAsync(HttpStatusCode.OK);
        var moved = await account.PostTargetAsync();
        Assert.Equal("https://example.com/account-post-2", moved!.Url);
        Assert.Equal(first.Since, moved.Since);
        await Client.PostFormAsync(AccountPath, ("PostWebhookUrl", "")).ExpectAsync(HttpStatusCode.OK);
        await Client.PostFormAsync(AccountPath, ("PostWebhookUrl", "https://example.com/account-post")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((await account.PostTargetAsync())!.Since > first.Since);
    }

    [Fact]
    public async Task Unknown_filter_is_refused_with_50365_at_every_level_and_nothing_changes()
    {
        var before = await Client.GetAsync(AccountPath).ExpectAsync(HttpStatusCode.OK);
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync(AccountPath, ("Filters", "onMessageAdded"), ("Filters", "onMessageSent"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50365);
        await Client.PostFormAsync($"/v1/Services/{await DefaultServiceAsync()}/Configuration/Webhooks", ("Filters", "onmessageadded"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50365);

        // Scoped webhooks hear post-action events only.
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks",
            ("Target", "webhook"), ("Configuration.Url", Hook), ("Configuration.Filters", "onMessageAdd"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50365);
        await Client.PostFormAsync("/v1/Configuration/Addresses",
            ("Type", "sms"), ("Address", Numbers.NextUs()), ("AutoCreation.Enabled", "true"), ("AutoCreation.Type", "webhook"),
            ("AutoCreation.WebhookUrl", Hook), ("AutoCreation.WebhookFilters", "onConversationAdd"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50365);

        Assert.Equal(before.ToJsonString(), (await Client.GetAsync(AccountPath).ExpectAsync(HttpStatusCode.OK)).ToJsonString());
        Assert.Empty((await ListAsync(conversation))["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task Url_longer_than_512_characters_is_refused_with_50372_and_a_relative_one_with_400()
    {
        var conversation = await NewConversationAsync();
        var atLimit = "https://example.com/" + new string('a', 512 - "https://example.com/".Length);
        var tooLong = atLimit + "a";

        await Client.PostFormAsync(AccountPath, ("PostWebhookUrl", tooLong)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50372);
        await Client.PostFormAsync($"/v1/Services/{await DefaultServiceAsync()}/Configuration/Webhooks", ("PreWebhookUrl", tooLong))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50372);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks", ("Target", "webhook"), ("Configuration.Url", tooLong))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50372);
        await Client.PostFormAsync("/v1/Configuration/Addresses",
            ("Type", "sms"), ("Address", Numbers.NextUs()), ("AutoCreation.Type", "webhook"), ("AutoCreation.WebhookUrl", tooLong))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50372);

        await Client.PostFormAsync(AccountPath, ("PostWebhookUrl", "/relative/hook")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks", ("Target", "webhook"), ("Configuration.Url", "ftp://example.com/hook"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        var created = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks", ("Target", "webhook"), ("Configuration.Url", atLimit))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(atLimit, (string?)created["configuration"]!["url"]);
    }

    [Fact]
    public async Task Method_other_than_get_or_post_is_refused_with_400()
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync(AccountPath, ("Method", "PUT")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync($"/v1/Services/{await DefaultServiceAsync()}/Configuration/Webhooks", ("Method", "delete"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks",
            ("Target", "webhook"), ("Configuration.Url", Hook), ("Configuration.Method", "patch"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(AccountPath, ("Target", "studio")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Scoped_webhook_is_created_fetched_by_conversation_sid_or_unique_name_updated_and_deleted()
    {
        var unique = "webhooks-" + Guid.NewGuid().ToString("N");
        var conversation = await NewConversationAsync(("UniqueName", unique));

        var created = await Client.PostFormAsync($"/v1/Conversations/{unique}/Webhooks",
            ("Target", "webhook"), ("Configuration.Url", "https://bot.example.com/in"), ("Configuration.Method", "get"),
            ("Configuration.Filters", "onMessageAdded"), ("Configuration.Filters", "onConversationStateUpdated"),
            ("Configuration.ReplayAfter", "7"))
            .ExpectAsync(HttpStatusCode.Created);

        var sid = (string)created["sid"]!;
        Assert.Matches("^WH[0-9a-f]{32}$", sid);
        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
        Assert.Equal(conversation, (string?)created["conversation_sid"]);
        Assert.Equal("webhook", (string?)created["target"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{conversation}/Webhooks/{sid}", (string?)created["url"]);
        var configuration = created["configuration"]!;
        Assert.Equal("https://bot.example.com/in", (string?)configuration["url"]);
        Assert.Equal("get", (string?)configuration["method"]);
        Assert.Equal(["onMessageAdded", "onConversationStateUpdated"], Strings(configuration["filters"]));
        Assert.Equal(7, (long)configuration["replay_after"]!);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string)created["date_created"]!);
        Assert.Equal(["sid", "account_sid", "conversation_sid", "target", "url", "configuration", "date_created", "date_updated"], created.Select(p => p.Key));

        var bySid = await Client.GetAsync($"/v1/Conversations/{conversation}/Webhooks/{sid}").ExpectAsync(HttpStatusCode.OK);
        var byName = await Client.GetAsync($"/v1/Conversations/{unique}/Webhooks/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.ToJsonString(), bySid.ToJsonString());
        Assert.Equal(created.ToJsonString(), byName.ToJsonString());

        var updated = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks/{sid}",
            ("Configuration.Url", "https://bot.example.com/v2"), ("Configuration.Method", "POST"), ("Configuration.Filters", "onParticipantAdded"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(sid, (string?)updated["sid"]);
        Assert.Equal("https://bot.example.com/v2", (string?)updated["configuration"]!["url"]);
        Assert.Equal("post", (string?)updated["configuration"]!["method"]);
        Assert.Equal(["onParticipantAdded"], Strings(updated["configuration"]!["filters"]));
        Assert.Equal(7, (long)updated["configuration"]!["replay_after"]!);

        var targets = await fixture.Host.Grains.GetGrain<IConversationWebhooksGrain>(conversation).TargetsAsync();
        var target = Assert.Single(targets);
        Assert.Equal(sid, target.Id);
        Assert.Equal("https://bot.example.com/v2", target.Url);
        Assert.Equal("POST", target.Method);
        Assert.Equal(["onParticipantAdded"], target.Filters);
        Assert.Equal(7, target.ReplayAfter);
        Assert.InRange(target.Since, DateTimeOffset.Parse((string)created["date_created"]!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow);

        await Client.DeleteAsync($"/v1/Conversations/{conversation}/Webhooks/{sid}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"/v1/Conversations/{conversation}/Webhooks/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"/v1/Conversations/{conversation}/Webhooks/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.Empty((await ListAsync(conversation))["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task Five_scoped_webhooks_page_in_order_and_the_sixth_is_refused()
    {
        var conversation = await NewConversationAsync();
        var sids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var created = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks",
                ("Target", "webhook"), ("Configuration.Url", $"{Hook}/{i}")).ExpectAsync(HttpStatusCode.Created);
            sids.Add((string)created["sid"]!);
        }

        var sixth = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks", ("Target", "webhook"), ("Configuration.Url", $"{Hook}/5"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        Assert.Contains("at most 5", (string?)sixth["message"], StringComparison.Ordinal);

        var seen = new List<string>();
        var listUrl = $"/v1/Conversations/{conversation}/Webhooks?PageSize=2";
        var pages = 0;
        for (string? url = listUrl; url is not null; pages++)
        {
            var page = await Client.GetAsync(url).ExpectAsync(HttpStatusCode.OK);
            var meta = page["meta"]!;
            Assert.Equal("webhooks", (string?)meta["key"]);
            Assert.Equal(2, (int)meta["page_size"]!);
            Assert.Equal(pages, (int)meta["page"]!);
            Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{conversation}/Webhooks?PageSize=2&Page=0", (string?)meta["first_page_url"]);
            seen.AddRange(page["webhooks"]!.AsArray().Select(w => (string)w!["sid"]!));
            url = (string?)meta["next_page_url"];
        }

        Assert.Equal(3, pages);
        Assert.Equal(sids, seen);
        var all = await Client.GetAsync($"/v1/Conversations/{conversation}/Webhooks").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{Hook}/{i}"), all["webhooks"]!.AsArray().Select(w => (string)w!["configuration"]!["url"]!));
        Assert.Null(all["meta"]!["next_page_url"]);

        // A deleted one frees its place.
        await Client.DeleteAsync($"/v1/Conversations/{conversation}/Webhooks/{sids[0]}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks", ("Target", "webhook"), ("Configuration.Url", $"{Hook}/5"))
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Each_target_requires_its_configuration_and_shows_it()
    {
        var conversation = await NewConversationAsync();
        var path = $"/v1/Conversations/{conversation}/Webhooks";
        var flow = Sids.New("FW");

        await Client.PostFormAsync(path, ("Configuration.Url", Hook)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("Target", "flex"), ("Configuration.Url", Hook)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("Target", "webhook")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("Target", "trigger"), ("Configuration.Url", Hook)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("Target", "studio")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("Target", "studio"), ("Configuration.FlowSid", "FW123")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("Target", "webhook"), ("Configuration.Url", Hook), ("Configuration.ReplayAfter", "-1"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync(path, ("Target", "webhook"), ("Configuration.Url", Hook), ("Configuration.ReplayAfter", "soon"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        Assert.Empty((await ListAsync(conversation))["webhooks"]!.AsArray());

        var trigger = await Client.PostFormAsync(path, ("Target", "trigger"), ("Configuration.Url", Hook),
            ("Configuration.Triggers", "agent"), ("Configuration.Triggers", "help me")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("trigger", (string?)trigger["target"]);
        Assert.Equal(["agent", "help me"], Strings(trigger["configuration"]!["triggers"]));
        Assert.Equal("post", (string?)trigger["configuration"]!["method"]);

        var studio = await Client.PostFormAsync(path, ("Target", "studio"), ("Configuration.FlowSid", flow)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("studio", (string?)studio["target"]);
        Assert.Equal(flow, (string?)studio["configuration"]!["flow_sid"]);
        Assert.Null(studio["configuration"]!["url"]);

        // A trigger's words are kept and fire on messages; the studio webhook is kept but nothing is called for it.
        var targets = await fixture.Host.Grains.GetGrain<IConversationWebhooksGrain>(conversation).TargetsAsync();
        var only = Assert.Single(targets);
        Assert.Equal((string)trigger["sid"]!, only.Id);
        Assert.Equal("trigger", only.Kind);
        Assert.Equal(["agent", "help me"], only.Triggers);
        Assert.Equal(["onMessageAdded"], only.Filters);

        // A trigger cannot lose all its words, nor a studio webhook its flow.
        await Client.PostFormAsync($"{path}/{trigger["sid"]}", ("Configuration.Triggers", "")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync($"{path}/{studio["sid"]}", ("Configuration.FlowSid", "not-a-flow")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Scoped_webhooks_of_an_unknown_conversation_are_404()
    {
        var unknown = Sids.New(Sids.Conversation);

        await Client.GetAsync($"/v1/Conversations/{unknown}/Webhooks").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/v1/Conversations/{unknown}/Webhooks", ("Target", "webhook"), ("Configuration.Url", Hook))
            .ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Conversations/no-such-name/Webhooks/{Sids.New(Sids.Webhook)}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.Empty(await fixture.Host.Grains.GetGrain<IConversationWebhooksGrain>(unknown).ListAsync());
    }

    [Fact]
    public async Task Deleting_the_conversation_clears_its_scoped_webhooks_yet_leaves_their_targets_for_what_it_recorded_before()
    {
        var conversation = await NewConversationAsync();
        var webhook = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks",
            ("Target", "webhook"), ("Configuration.Url", Hook), ("Configuration.Filters", "onConversationRemoved")).ExpectAsync(HttpStatusCode.Created);
        var studio = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks", ("Target", "studio"), ("Configuration.FlowSid", Sids.New("FW")))
            .ExpectAsync(HttpStatusCode.Created);
        var grain = fixture.Host.Grains.GetGrain<IConversationWebhooksGrain>(conversation);
        Assert.Equal(2, (await grain.ListAsync()).Count);

        await Client.DeleteAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.NoContent);

        await Client.GetAsync($"/v1/Conversations/{conversation}/Webhooks").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.Empty(await grain.ListAsync());
        Assert.Null(await grain.GetAsync((string)studio["sid"]!));
        var late = await Assert.ThrowsAsync<EngineException>(() => grain.CreateAsync(new ScopedWebhookCommand { Target = "webhook", Url = Hook }));
        Assert.Equal(ErrorKind.NotFound, late.Kind);
        await Assert.ThrowsAsync<EngineException>(() => grain.DeleteAsync((string)webhook["sid"]!));

        // The queue of the webhook can still deliver the conversation's onConversationRemoved.
        var target = Assert.Single(await grain.TargetsAsync());
        Assert.Equal((string)webhook["sid"]!, target.Id);
        Assert.Equal(["onConversationRemoved"], target.Filters);

        // Clearing again (a retried delete) changes nothing.
        await grain.ClearAsync();
        Assert.Single(await grain.TargetsAsync());

        // Once the queues have had their time (the reminder, fired here rather than waited for), nothing is left.
        await grain.AsReference<IRemindable>().ReceiveReminder("forget", default);
        Assert.Empty(await grain.TargetsAsync());
    }

    [Fact]
    public async Task Auto_creation_of_type_webhook_attaches_a_scoped_webhook_to_the_new_conversation()
    {
        var ourNumber = Numbers.NextUs();
        var contact = Numbers.NextUs();
        var configuration = await Client.PostFormAsync("/v1/Configuration/Addresses",
            ("Type", "sms"), ("Address", ourNumber), ("AutoCreation.Enabled", "true"), ("AutoCreation.Type", "webhook"),
            ("AutoCreation.WebhookUrl", "https://bot.example.com/autocreated"), ("AutoCreation.WebhookMethod", "get"),
            ("AutoCreation.WebhookFilters", "onMessageAdded"), ("AutoCreation.WebhookFilters", "onParticipantAdded"))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("webhook", (string?)configuration["auto_creation"]!["type"]);

        var messageSid = Sids.New("SM");
        using var inbound = await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(messageSid, contact, ourNumber, "hi bot"));
        Assert.Equal(HttpStatusCode.OK, inbound.StatusCode);
        var outcome = await Client.GetAsync($"/engine/v1/InboundMessages/{messageSid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("auto_created", (string?)outcome["outcome"]);
        var conversation = (string)outcome["conversation_sid"]!;

        var webhook = Assert.Single((await ListAsync(conversation))["webhooks"]!.AsArray())!;
        Assert.Equal("webhook", (string?)webhook["target"]);
        Assert.Equal(conversation, (string?)webhook["conversation_sid"]);
        Assert.Equal("https://bot.example.com/autocreated", (string?)webhook["configuration"]!["url"]);
        Assert.Equal("get", (string?)webhook["configuration"]!["method"]);
        Assert.Equal(["onMessageAdded", "onParticipantAdded"], Strings(webhook["configuration"]!["filters"]));

        // A second message goes to the same conversation and attaches nothing more.
        await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), contact, ourNumber, "still there?"));
        Assert.Single((await ListAsync(conversation))["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task Auto_creation_of_type_default_attaches_no_webhook()
    {
        var ourNumber = Numbers.NextUs();
        await Client.PostFormAsync("/v1/Configuration/Addresses",
            ("Type", "sms"), ("Address", ourNumber), ("AutoCreation.Enabled", "true"), ("AutoCreation.Type", "default"),
            ("AutoCreation.WebhookUrl", "https://bot.example.com/ignored")).ExpectAsync(HttpStatusCode.Created);

        var messageSid = Sids.New("SM");
        await fixture.Host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(messageSid, Numbers.NextUs(), ourNumber, "hello"));
        var conversation = (string)(await Client.GetAsync($"/engine/v1/InboundMessages/{messageSid}").ExpectAsync(HttpStatusCode.OK))["conversation_sid"]!;

        Assert.Empty((await ListAsync(conversation))["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task Webhook_configuration_at_every_level_survives_a_restart_on_the_same_database()
    {
        string dataDirectory, conversation, service;
        string account, serviceBefore, scoped;
        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            var client = host.Client;
            service = (string)(await client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
            conversation = (string)(await client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
            account = (await client.PostFormAsync(AccountPath, ("PostWebhookUrl", "https://example.com/post"), ("Filters", "onMessageAdded"), ("Method", "GET"))
                .ExpectAsync(HttpStatusCode.OK)).ToJsonString();
            serviceBefore = (await client.PostFormAsync($"/v1/Services/{service}/Configuration/Webhooks", ("PreWebhookUrl", "https://example.com/pre"), ("Filters", "onMessageAdd"))
                .ExpectAsync(HttpStatusCode.OK)).ToJsonString();
            await client.PostFormAsync($"/v1/Conversations/{conversation}/Webhooks", ("Target", "trigger"), ("Configuration.Url", Hook), ("Configuration.Triggers", "agent"))
                .ExpectAsync(HttpStatusCode.Created);
            scoped = (await client.GetAsync($"/v1/Conversations/{conversation}/Webhooks").ExpectAsync(HttpStatusCode.OK))["webhooks"]!.ToJsonString();
        }

        // A new host listens on another port: the resource URLs differ by their base only.
        await using (var host = await EngineHost.StartAsync(dataDirectory))
        {
            var client = host.Client;
            Assert.Equal(WithoutBase(account), WithoutBase((await client.GetAsync(AccountPath).ExpectAsync(HttpStatusCode.OK)).ToJsonString()));
            Assert.Equal(WithoutBase(serviceBefore), WithoutBase((await client.GetAsync($"/v1/Services/{service}/Configuration/Webhooks").ExpectAsync(HttpStatusCode.OK)).ToJsonString()));
            Assert.Equal(WithoutBase(scoped), WithoutBase((await client.GetAsync($"/v1/Conversations/{conversation}/Webhooks").ExpectAsync(HttpStatusCode.OK))["webhooks"]!.ToJsonString()));
            Assert.Equal("trigger", Assert.Single(await host.Grains.GetGrain<IConversationWebhooksGrain>(conversation).TargetsAsync()).Kind);
        }
    }

    private async Task<string> NewConversationAsync(params (string Name, string Value)[] fields) =>
        (string)(await Client.PostFormAsync("/v1/Conversations", fields).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<string> DefaultServiceAsync() =>
        (string)(await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;

    private Task<JsonObject> ListAsync(string conversation) =>
        Client.GetAsync($"/v1/Conversations/{conversation}/Webhooks").ExpectAsync(HttpStatusCode.OK);

    private static string WithoutBase(string json) => BaseUrl().Replace(json, "");

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex BaseUrl();

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!).ToList();
}
