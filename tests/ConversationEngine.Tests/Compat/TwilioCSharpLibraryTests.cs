using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Http;
using ConversationEngine.Push;
using ConversationEngine.Tests.Support;
using Newtonsoft.Json.Linq;
using Twilio.Exceptions;
using Twilio.Rest.Conversations.V1;
using Twilio.Rest.Conversations.V1.Conversation;
using Twilio.Security;
using AccountWebhooks = Twilio.Rest.Conversations.V1.Configuration.WebhookResource;
using ServiceConversations = Twilio.Rest.Conversations.V1.Service.ConversationResource;
using ServiceMessages = Twilio.Rest.Conversations.V1.Service.Conversation.MessageResource;
using ServiceParticipants = Twilio.Rest.Conversations.V1.Service.Conversation.ParticipantResource;
using ServiceWebhooks = Twilio.Rest.Conversations.V1.Service.Configuration.WebhookResource;
using ServiceBindings = Twilio.Rest.Conversations.V1.Service.BindingResource;
using ServiceNotifications = Twilio.Rest.Conversations.V1.Service.Configuration.NotificationResource;
using TwilioRestClient = Twilio.Clients.TwilioRestClient;
using UserConversations = Twilio.Rest.Conversations.V1.User.UserConversationResource;

namespace ConversationEngine.Tests.Compat;

/// <summary>
/// Twilio's official C# library (NuGet <c>Twilio</c>) drives the engine through its resource
/// classes, unchanged apart from the transport that sends conversations.twilio.com to the engine.
/// Every assertion is on what the library hands its caller.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class TwilioCSharpLibraryTests(EngineFixture fixture) : IDisposable
{
    private const string OurNumber = "+15005550006";

    private readonly TwilioLibraryClient library = new(fixture.Host);

    private TwilioRestClient Client => library.Rest;

    public void Dispose() => library.Dispose();

    [Fact]
    public async Task Conversation_created_with_every_field_reads_back_through_the_library()
    {
        var unique = Unique("created");

        var created = await ConversationResource.CreateAsync(
            friendlyName: "Support chat", uniqueName: unique, attributes: """{"tier":"gold","seats":2}""",
            state: ConversationResource.StateEnum.Active, timersInactive: "PT10M", timersClosed: "PT1H", client: Client);

        Assert.Matches("^CH[0-9a-f]{32}$", created.Sid);
        Assert.Equal(EngineHost.AccountSid, created.AccountSid);
        Assert.Equal("Support chat", created.FriendlyName);
        Assert.Equal(unique, created.UniqueName);
        AssertSameJson("""{"tier":"gold","seats":2}""", created.Attributes);
        Assert.Equal(ConversationResource.StateEnum.Active, created.State);
        Assert.Matches("^IS[0-9a-f]{32}$", created.ChatServiceSid);
        Assert.NotNull(created.DateCreated);
        var timers = Assert.IsType<JObject>(created.Timers);
        var inactiveAt = timers.Value<DateTime>("date_inactive").ToUniversalTime();
        var closedAt = timers.Value<DateTime>("date_closed").ToUniversalTime();
        Assert.InRange(inactiveAt - created.DateCreated!.Value.ToUniversalTime(), TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(5));
        Assert.InRange(closedAt - created.DateCreated!.Value.ToUniversalTime(), TimeSpan.FromHours(1) - TimeSpan.FromSeconds(5), TimeSpan.FromHours(1) + TimeSpan.FromSeconds(5));
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{created.Sid}", created.Url.ToString());
        Assert.Contains("participants", created.Links.Keys);
        Assert.Contains("messages", created.Links.Keys);
    }

    [Fact]
    public async Task Conversation_fetches_by_sid_and_by_unique_name_alike()
    {
        var unique = Unique("fetched");
        var created = await ConversationResource.CreateAsync(friendlyName: "Fetch me", uniqueName: unique, client: Client);

        var bySid = await ConversationResource.FetchAsync(created.Sid, client: Client);
        var byName = await ConversationResource.FetchAsync(unique, client: Client);

        Assert.Equal(created.Sid, bySid.Sid);
        Assert.Equal(created.Sid, byName.Sid);
        Assert.Equal("Fetch me", byName.FriendlyName);
        Assert.Equal(unique, bySid.UniqueName);
        Assert.Equal(ConversationResource.StateEnum.Active, byName.State);
    }

    [Fact]
    public async Task Conversation_update_changes_name_attributes_and_state()
    {
        var created = await ConversationResource.CreateAsync(friendlyName: "Before", client: Client);

        var updated = await ConversationResource.UpdateAsync(
            created.Sid, friendlyName: "After", attributes: """{"escalated":true}""", state: ConversationResource.StateEnum.Inactive, client: Client);
        var fetched = await ConversationResource.FetchAsync(created.Sid, client: Client);

        Assert.Equal("After", updated.FriendlyName);
        Assert.Equal(ConversationResource.StateEnum.Inactive, updated.State);
        Assert.Equal("After", fetched.FriendlyName);
        AssertSameJson("""{"escalated":true}""", fetched.Attributes);
        Assert.Equal(ConversationResource.StateEnum.Inactive, fetched.State);
        Assert.True(fetched.DateUpdated >= created.DateUpdated);
    }

    [Fact]
    public async Task Conversation_list_follows_the_engine_paging_urls_and_honours_the_limit()
    {
        // An engine of its own, so the list holds exactly the conversations this test made.
        await using var host = await EngineHost.StartAsync();
        using var own = new TwilioLibraryClient(host);
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await ConversationResource.CreateAsync(friendlyName: $"paged {i}", client: own.Rest)).Sid);
        }

        own.Redirect.Forget();
        var all = (await ConversationResource.ReadAsync(pageSize: 3, client: own.Rest)).Select(c => c.Sid).ToList();
        var pagesRead = own.Redirect.Sent.Count;
        own.Redirect.Forget();

        // A multiple of the page size: twilio-csharp's ResourceSet stops at `_processed > Limit`,
        // so a limit inside a page yields one record more than asked, whatever the server.
        var limited = (await ConversationResource.ReadAsync(pageSize: 3, limit: 6, client: own.Rest)).Select(c => c.Sid).ToList();

        Assert.Equal(created, all);
        Assert.Equal(3, pagesRead);
        Assert.Equal(created.Take(6), limited);
        Assert.Equal(2, own.Redirect.Sent.Count);
    }

    [Fact]
    public async Task Conversation_pages_step_forward_and_back_by_the_urls_the_engine_returns()
    {
        await using var host = await EngineHost.StartAsync();
        using var own = new TwilioLibraryClient(host);
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await ConversationResource.CreateAsync(friendlyName: $"stepped {i}", client: own.Rest)).Sid);
        }

        var first = ConversationResource.GetPage("https://conversations.twilio.com/v1/Conversations?PageSize=3", own.Rest);
        var second = ConversationResource.NextPage(first, own.Rest);
        var third = ConversationResource.NextPage(second, own.Rest);
        var backToSecond = ConversationResource.PreviousPage(third, own.Rest);
        var backToFirst = ConversationResource.PreviousPage(backToSecond, own.Rest);

        Assert.Equal(created[..3], first.Records.Select(c => c.Sid));
        Assert.Equal(created[3..6], second.Records.Select(c => c.Sid));
        Assert.Equal(created[6..], third.Records.Select(c => c.Sid));
        Assert.False(third.HasNextPage());
        Assert.Equal(created[3..6], backToSecond.Records.Select(c => c.Sid));
        Assert.Equal(created[..3], backToFirst.Records.Select(c => c.Sid));
    }

    [Fact]
    public async Task Conversation_list_filtered_by_state_holds_only_that_state()
    {
        var inactive = (await ConversationResource.CreateAsync(state: ConversationResource.StateEnum.Inactive, client: Client)).Sid;
        var active = await NewConversationAsync();

        var listed = (await ConversationResource.ReadAsync(state: ConversationResource.StateEnum.Inactive, pageSize: 100, client: Client)).ToList();

        Assert.Contains(inactive, listed.Select(c => c.Sid));
        Assert.DoesNotContain(active, listed.Select(c => c.Sid));
        Assert.All(listed, c => Assert.Equal(ConversationResource.StateEnum.Inactive, c.State));
    }

    [Fact]
    public async Task Deleted_conversation_is_gone_with_404_and_20404()
    {
        var created = await ConversationResource.CreateAsync(friendlyName: "Short lived", client: Client);

        Assert.True(await ConversationResource.DeleteAsync(created.Sid, client: Client));
        var error = await Assert.ThrowsAsync<ApiException>(() => ConversationResource.FetchAsync(created.Sid, client: Client));

        AssertTwilioError(error, HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Chat_and_sms_participants_are_created_fetched_updated_listed_and_deleted()
    {
        var conversation = await NewConversationAsync();
        var customer = Numbers.NextUs();

        var agent = await ParticipantResource.CreateAsync(conversation, identity: "agent-7", attributes: """{"role":"agent"}""", client: Client);
        var sms = await ParticipantResource.CreateAsync(conversation, messagingBindingAddress: customer, messagingBindingProxyAddress: OurNumber, client: Client);

        Assert.Matches("^MB[0-9a-f]{32}$", agent.Sid);
        Assert.Equal(conversation, agent.ConversationSid);
        Assert.Equal("agent-7", agent.Identity);
        Assert.Null(agent.MessagingBinding);
        AssertSameJson("""{"role":"agent"}""", agent.Attributes);
        Assert.Null(sms.Identity);
        var binding = Assert.IsType<JObject>(sms.MessagingBinding);
        Assert.Equal("sms", binding.Value<string>("type"));
        Assert.Equal(customer, binding.Value<string>("address"));
        Assert.Equal(OurNumber, binding.Value<string>("proxy_address"));

        var fetched = await ParticipantResource.FetchAsync(conversation, sms.Sid, client: Client);
        Assert.Equal(customer, Assert.IsType<JObject>(fetched.MessagingBinding).Value<string>("address"));

        var updated = await ParticipantResource.UpdateAsync(conversation, agent.Sid, attributes: """{"role":"supervisor"}""", client: Client);
        AssertSameJson("""{"role":"supervisor"}""", updated.Attributes);
        AssertSameJson("""{"role":"supervisor"}""", (await ParticipantResource.FetchAsync(conversation, agent.Sid, client: Client)).Attributes);

        var listed = (await ParticipantResource.ReadAsync(conversation, client: Client)).Select(p => p.Sid).ToList();
        Assert.Equal([agent.Sid, sms.Sid], listed);

        Assert.True(await ParticipantResource.DeleteAsync(conversation, agent.Sid, client: Client));
        Assert.Equal([sms.Sid], (await ParticipantResource.ReadAsync(conversation, client: Client)).Select(p => p.Sid));
        AssertTwilioError(
            await Assert.ThrowsAsync<ApiException>(() => ParticipantResource.FetchAsync(conversation, agent.Sid, client: Client)),
            HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Second_conversation_with_the_same_binding_is_refused_with_409_and_50416()
    {
        var customer = Numbers.NextUs();
        await ParticipantResource.CreateAsync(await NewConversationAsync(), messagingBindingAddress: customer, messagingBindingProxyAddress: OurNumber, client: Client);
        var second = await NewConversationAsync();

        var error = await Assert.ThrowsAsync<ApiException>(() =>
            ParticipantResource.CreateAsync(second, messagingBindingAddress: customer, messagingBindingProxyAddress: OurNumber, client: Client));

        AssertTwilioError(error, HttpStatusCode.Conflict, 50416);
        Assert.Empty(await ParticipantResource.ReadAsync(second, client: Client));
    }

    [Fact]
    public async Task Same_identity_twice_in_a_conversation_is_refused_with_409_and_50433()
    {
        var conversation = await NewConversationAsync();
        await ParticipantResource.CreateAsync(conversation, identity: "twin", client: Client);

        var error = await Assert.ThrowsAsync<ApiException>(() => ParticipantResource.CreateAsync(conversation, identity: "twin", client: Client));

        AssertTwilioError(error, HttpStatusCode.Conflict, 50433);
        Assert.Single(await ParticipantResource.ReadAsync(conversation, client: Client));
    }

    [Fact]
    public async Task Message_is_created_fetched_updated_and_deleted()
    {
        var conversation = await NewConversationAsync();
        var agent = await ParticipantResource.CreateAsync(conversation, identity: "writer", client: Client);

        var created = await MessageResource.CreateAsync(conversation, author: "writer", body: "Hello there", attributes: """{"draft":false}""", client: Client);

        Assert.Matches("^IM[0-9a-f]{32}$", created.Sid);
        Assert.Equal(conversation, created.ConversationSid);
        Assert.Equal(EngineHost.AccountSid, created.AccountSid);
        Assert.Equal(0, created.Index);
        Assert.Equal("writer", created.Author);
        Assert.Equal("Hello there", created.Body);
        Assert.Equal(agent.Sid, created.ParticipantSid);
        AssertSameJson("""{"draft":false}""", created.Attributes);

        var fetched = await MessageResource.FetchAsync(conversation, created.Sid, client: Client);
        Assert.Equal("Hello there", fetched.Body);
        Assert.Equal(created.DateCreated, fetched.DateCreated);

        var updated = await MessageResource.UpdateAsync(conversation, created.Sid, body: "Hello, edited", attributes: """{"draft":true}""", client: Client);
        Assert.Equal("Hello, edited", updated.Body);
        AssertSameJson("""{"draft":true}""", (await MessageResource.FetchAsync(conversation, created.Sid, client: Client)).Attributes);

        Assert.True(await MessageResource.DeleteAsync(conversation, created.Sid, client: Client));
        AssertTwilioError(
            await Assert.ThrowsAsync<ApiException>(() => MessageResource.FetchAsync(conversation, created.Sid, client: Client)),
            HttpStatusCode.NotFound, 20404);
        Assert.Empty(await MessageResource.ReadAsync(conversation, client: Client));
    }

    [Fact]
    public async Task Imported_history_keeps_the_date_created_the_library_sends_and_read_horizon_is_recorded()
    {
        var conversation = await NewConversationAsync();
        var reader = await ParticipantResource.CreateAsync(conversation, identity: "reader", client: Client);
        var sentAt = new DateTime(2024, 3, 1, 12, 30, 45, DateTimeKind.Utc);

        var imported = await MessageResource.CreateAsync(conversation, author: "archive", body: "from the old system", dateCreated: sentAt, client: Client);
        var read = await ParticipantResource.UpdateAsync(conversation, reader.Sid, lastReadMessageIndex: imported.Index, client: Client);

        Assert.Equal(sentAt, imported.DateCreated?.ToUniversalTime());
        Assert.Equal(sentAt, (await MessageResource.FetchAsync(conversation, imported.Sid, client: Client)).DateCreated?.ToUniversalTime());
        Assert.Equal(0, read.LastReadMessageIndex);
        Assert.Equal(0, (await ParticipantResource.FetchAsync(conversation, reader.Sid, client: Client)).LastReadMessageIndex);
    }

    [Fact]
    public async Task Message_list_in_both_orders_walks_every_page_once()
    {
        var conversation = await NewConversationAsync();
        for (var i = 0; i < 60; i++)
        {
            await MessageResource.CreateAsync(conversation, author: "bulk", body: $"message {i}", client: Client);
        }

        library.Redirect.Forget();
        var ascending = (await MessageResource.ReadAsync(conversation, order: MessageResource.OrderTypeEnum.Asc, pageSize: 25, client: Client)).ToList();
        var ascendingPages = library.Redirect.Sent.Count;
        library.Redirect.Forget();
        var descending = (await MessageResource.ReadAsync(conversation, order: MessageResource.OrderTypeEnum.Desc, pageSize: 25, client: Client)).ToList();
        var descendingPages = library.Redirect.Sent.Count;

        Assert.Equal(Enumerable.Range(0, 60), ascending.Select(m => m.Index!.Value));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"message {i}"), ascending.Select(m => m.Body));
        Assert.Equal(Enumerable.Range(0, 60).Reverse(), descending.Select(m => m.Index!.Value));
        Assert.Equal(60, descending.Select(m => m.Sid).Distinct().Count());
        Assert.Equal(3, ascendingPages);
        Assert.Equal(3, descendingPages);
    }

    [Fact]
    public async Task Attributes_that_are_not_json_surface_as_ApiException_400_with_50304()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => ConversationResource.CreateAsync(attributes: "{not json", client: Client));

        AssertTwilioError(error, HttpStatusCode.BadRequest, 50304);
    }

    [Fact]
    public async Task Unknown_state_surfaces_as_ApiException_400_with_20001_and_leaves_the_conversation_as_it_was()
    {
        var conversation = await NewConversationAsync();

        var error = await Assert.ThrowsAsync<ApiException>(() => ConversationResource.UpdateAsync(conversation, state: "archived", client: Client));

        AssertTwilioError(error, HttpStatusCode.BadRequest, 20001);
        Assert.Contains("State", error.Message, StringComparison.Ordinal);
        Assert.Equal(ConversationResource.StateEnum.Active, (await ConversationResource.FetchAsync(conversation, client: Client)).State);
    }

    [Fact]
    public async Task Message_without_body_surfaces_as_ApiException_400_with_20001_and_stores_nothing()
    {
        var conversation = await NewConversationAsync();

        var error = await Assert.ThrowsAsync<ApiException>(() => MessageResource.CreateAsync(conversation, author: "silent", client: Client));

        AssertTwilioError(error, HttpStatusCode.BadRequest, 20001);
        Assert.Contains("Body", error.Message, StringComparison.Ordinal);
        Assert.Empty(await MessageResource.ReadAsync(conversation, client: Client));
    }

    [Fact]
    public async Task Wrong_auth_token_surfaces_as_ApiException_401_with_20003()
    {
        using var intruder = new TwilioLibraryClient(fixture.Host, password: "not-the-token");

        var error = await Assert.ThrowsAsync<ApiException>(() => ConversationResource.ReadAsync(client: intruder.Rest));

        AssertTwilioError(error, HttpStatusCode.Unauthorized, 20003);
    }

    [Fact]
    public async Task Inbound_sms_signed_as_the_library_validates_lands_in_the_conversation_holding_the_pair()
    {
        var conversation = await NewConversationAsync();
        var customer = Numbers.NextUs();
        var sms = await ParticipantResource.CreateAsync(conversation, messagingBindingAddress: customer, messagingBindingProxyAddress: OurNumber, client: Client);
        var url = fixture.Host.BaseUrl + "/webhooks/twilio/messages";
        var fields = TwilioWebhooks.InboundSms(Sids.New("SM"), customer, OurNumber, "Is my parcel on its way?");
        var signature = TwilioWebhooks.Sign(EngineHost.AuthToken, url, fields);

        Assert.True(new RequestValidator(EngineHost.AuthToken).Validate(url, fields, signature));
        using var response = await TwilioWebhooks.PostAsync(fixture.Host, "/webhooks/twilio/messages", fields, signature);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<?xml", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var message = Assert.Single(await MessageResource.ReadAsync(conversation, client: Client));
        Assert.Equal("Is my parcel on its way?", message.Body);
        Assert.Equal(customer, message.Author);
        Assert.Equal(sms.Sid, message.ParticipantSid);
        Assert.Equal(0, message.Index);
    }

    [Fact]
    public async Task Scoped_webhooks_are_created_listed_updated_and_deleted_through_the_library()
    {
        var conversation = await NewConversationAsync();
        var flow = Sids.New("FW");

        var webhook = await WebhookResource.CreateAsync(conversation, WebhookResource.TargetEnum.Webhook,
            configurationUrl: "https://bot.example.com/in", configurationMethod: WebhookResource.MethodEnum.Get,
            configurationFilters: ["onMessageAdded", "onParticipantAdded"], configurationReplayAfter: 0, client: Client);
        var studio = await WebhookResource.CreateAsync(conversation, WebhookResource.TargetEnum.Studio, configurationFlowSid: flow, client: Client);

        Assert.Matches("^WH[0-9a-f]{32}$", webhook.Sid);
        Assert.Equal(conversation, webhook.ConversationSid);
        Assert.Equal(EngineHost.AccountSid, webhook.AccountSid);
        Assert.Equal("webhook", webhook.Target);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{conversation}/Webhooks/{webhook.Sid}", webhook.Url.ToString());
        var configuration = Assert.IsType<JObject>(webhook.Configuration);
        Assert.Equal("https://bot.example.com/in", configuration.Value<string>("url"));
        Assert.Equal("get", configuration.Value<string>("method"));
        Assert.Equal(["onMessageAdded", "onParticipantAdded"], configuration["filters"]!.Values<string>());
        Assert.Equal(0, configuration.Value<long>("replay_after"));
        Assert.Equal(flow, Assert.IsType<JObject>(studio.Configuration).Value<string>("flow_sid"));

        var listed = (await WebhookResource.ReadAsync(conversation, client: Client)).Select(w => w.Sid).ToList();
        Assert.Equal([webhook.Sid, studio.Sid], listed);

        var updated = await WebhookResource.UpdateAsync(conversation, webhook.Sid, configurationUrl: "https://bot.example.com/v2", client: Client);
        Assert.Equal("https://bot.example.com/v2", Assert.IsType<JObject>(updated.Configuration).Value<string>("url"));
        Assert.Equal("https://bot.example.com/v2", Assert.IsType<JObject>((await WebhookResource.FetchAsync(conversation, webhook.Sid, client: Client)).Configuration).Value<string>("url"));

        Assert.True(await WebhookResource.DeleteAsync(conversation, webhook.Sid, client: Client));
        var gone = await Assert.ThrowsAsync<ApiException>(() => WebhookResource.FetchAsync(conversation, webhook.Sid, client: Client));
        AssertTwilioError(gone, HttpStatusCode.NotFound, 20404);
        var badFilter = await Assert.ThrowsAsync<ApiException>(() => WebhookResource.CreateAsync(conversation, WebhookResource.TargetEnum.Webhook,
            configurationUrl: "https://bot.example.com/in", configurationFilters: ["onMessageAdd"], client: Client));
        AssertTwilioError(badFilter, HttpStatusCode.BadRequest, 50365);
    }

    [Fact]
    public async Task Account_and_service_webhook_configuration_read_back_through_the_library()
    {
        // An engine of its own: the account's and service's webhook settings reach no other test.
        await using var host = await EngineHost.StartAsync();
        using var own = new TwilioLibraryClient(host);
        var service = (await ConfigurationResource.FetchAsync(client: own.Rest)).DefaultChatServiceSid;

        var account = await AccountWebhooks.UpdateAsync(method: "GET", filters: ["onMessageAdd", "onMessageAdded"],
            preWebhookUrl: "https://example.com/pre", postWebhookUrl: "https://example.com/post", target: AccountWebhooks.TargetEnum.Webhook, client: own.Rest);
        var serviceLevel = await ServiceWebhooks.UpdateAsync(service, postWebhookUrl: new Uri("https://example.com/service-post"),
            filters: ["onConversationUpdated"], method: "POST", client: own.Rest);

        var fetched = await AccountWebhooks.FetchAsync(client: own.Rest);
        foreach (var a in new[] { account, fetched })
        {
            Assert.Equal(EngineHost.AccountSid, a.AccountSid);
            Assert.Equal(AccountWebhooks.MethodEnum.Get, a.Method);
            Assert.Equal(["onMessageAdd", "onMessageAdded"], a.Filters);
            Assert.Equal("https://example.com/pre", a.PreWebhookUrl);
            Assert.Equal("https://example.com/post", a.PostWebhookUrl);
            Assert.Equal(AccountWebhooks.TargetEnum.Webhook, a.Target);
        }

        var fetchedService = await ServiceWebhooks.FetchAsync(service, client: own.Rest);
        foreach (var s in new[] { serviceLevel, fetchedService })
        {
            Assert.Equal(service, s.ChatServiceSid);
            Assert.Equal(new Uri("https://example.com/service-post"), s.PostWebhookUrl);
            Assert.Null(s.PreWebhookUrl);
            Assert.Equal(["onConversationUpdated"], s.Filters);
            Assert.Equal(ServiceWebhooks.MethodEnum.Post, s.Method);
        }

        var tooLong = await Assert.ThrowsAsync<ApiException>(() => AccountWebhooks.UpdateAsync(postWebhookUrl: "https://example.com/" + new string('x', 600), client: own.Rest));
        AssertTwilioError(tooLong, HttpStatusCode.BadRequest, 50372);
    }

    [Fact]
    public async Task Push_credential_is_created_fetched_and_listed_through_the_library_without_its_secrets()
    {
        var created = await CredentialResource.CreateAsync(CredentialResource.PushTypeEnum.Apn, friendlyName: "iOS app",
            certificate: "-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----", privateKey: "-----BEGIN RSA PRIVATE KEY-----\nMIIkey\n-----END RSA PRIVATE KEY-----",
            sandbox: true, client: Client);

        var fetched = await CredentialResource.FetchAsync(created.Sid, client: Client);
        var updated = await CredentialResource.UpdateAsync(created.Sid, friendlyName: "iOS app (prod)", sandbox: false, client: Client);
        foreach (var credential in new[] { created, fetched })
        {
            Assert.Matches("^CR[0-9a-f]{32}$", credential.Sid);
            Assert.Equal(EngineHost.AccountSid, credential.AccountSid);
            Assert.Equal("iOS app", credential.FriendlyName);
            Assert.Equal(CredentialResource.PushTypeEnum.Apn, credential.Type);
            Assert.Equal("True", credential.Sandbox);
            Assert.NotNull(credential.DateCreated);
            Assert.Equal(new Uri($"{fixture.Host.BaseUrl}/v1/Credentials/{created.Sid}"), credential.Url);
        }

        Assert.Equal("iOS app (prod)", updated.FriendlyName);
        Assert.Equal("False", updated.Sandbox);
        var listed = await CredentialResource.ReadAsync(pageSize: 100, client: Client);
        Assert.Contains(listed, c => c.Sid == created.Sid && c.FriendlyName == "iOS app (prod)");
        Assert.True(await CredentialResource.DeleteAsync(created.Sid, client: Client));
        var gone = await Assert.ThrowsAsync<ApiException>(() => CredentialResource.FetchAsync(created.Sid, client: Client));
        AssertTwilioError(gone, HttpStatusCode.NotFound, 20404);
        var tooLong = await Assert.ThrowsAsync<ApiException>(() => CredentialResource.CreateAsync(CredentialResource.PushTypeEnum.Apn, friendlyName: new string('x', 65), client: Client));
        AssertTwilioError(tooLong, HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Service_notification_configuration_and_bindings_read_back_through_the_library()
    {
        var service = (await ConfigurationResource.FetchAsync(client: Client)).DefaultChatServiceSid;

        var updated = await ServiceNotifications.UpdateAsync(service, logEnabled: true, newMessageEnabled: true, newMessageTemplate: "${PARTICIPANT}: ${MESSAGE}",
            newMessageSound: "ring", newMessageBadgeCountEnabled: true, addedToConversationEnabled: true, addedToConversationTemplate: "Joined ${CONVERSATION}",
            removedFromConversationEnabled: false, newMessageWithMediaEnabled: true, newMessageWithMediaTemplate: "${MEDIA_COUNT} files", client: Client);
        var fetched = await ServiceNotifications.FetchAsync(service, client: Client);
        foreach (var notifications in new[] { updated, fetched })
        {
            Assert.Equal(EngineHost.AccountSid, notifications.AccountSid);
            Assert.Equal(service, notifications.ChatServiceSid);
            Assert.True(notifications.LogEnabled);
            var newMessage = Assert.IsType<JObject>(notifications.NewMessage);
            Assert.True(newMessage.Value<bool>("enabled"));
            Assert.Equal("${PARTICIPANT}: ${MESSAGE}", newMessage.Value<string>("template"));
            Assert.Equal("ring", newMessage.Value<string>("sound"));
            Assert.True(newMessage.Value<bool>("badge_count_enabled"));
            Assert.Equal("${MEDIA_COUNT} files", newMessage["with_media"]!.Value<string>("template"));
            Assert.Equal("Joined ${CONVERSATION}", Assert.IsType<JObject>(notifications.AddedToConversation).Value<string>("template"));
            Assert.False(Assert.IsType<JObject>(notifications.RemovedFromConversation).Value<bool>("enabled"));
            Assert.Equal(new Uri($"{fixture.Host.BaseUrl}/v1/Services/{service}/Configuration/Notifications"), notifications.Url);
        }

        var identity = Unique("push");
        var registered = await fixture.Host.Grains.GetGrain<IPushBindingsGrain>(service)
            .RegisterAsync(new PushBindingRegistration { Identity = identity, BindingType = "fcm", Endpoint = identity + "#pixel" });
        var binding = await ServiceBindings.FetchAsync(service, registered.Sid, client: Client);
        Assert.Equal(identity, binding.Identity);
        Assert.Equal(ServiceBindings.BindingTypeEnum.Fcm, binding.BindingType);
        Assert.Equal(identity + "#pixel", binding.Endpoint);
        Assert.Contains("new_message", binding.MessageTypes);
        var read = await ServiceBindings.ReadAsync(service, bindingType: [ServiceBindings.BindingTypeEnum.Fcm], identity: [identity], client: Client);
        Assert.Equal([registered.Sid], read.Select(b => b.Sid));
        Assert.True(await ServiceBindings.DeleteAsync(service, registered.Sid, client: Client));
        Assert.Empty(await ServiceBindings.ReadAsync(service, identity: [identity], client: Client));
    }

    [Fact]
    public async Task Service_and_a_conversation_in_it_are_created_read_and_deleted_through_the_library()
    {
        var service = await ServiceResource.CreateAsync("Library service", client: Client);
        Assert.Matches("^IS[0-9a-f]{32}$", service.Sid);
        Assert.Equal(EngineHost.AccountSid, service.AccountSid);
        Assert.Equal("Library service", service.FriendlyName);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Services/{service.Sid}", service.Url.ToString());
        Assert.Equal($"{service.Url}/Conversations", service.Links["conversations"]);
        Assert.Equal(service.Sid, (await ServiceResource.FetchAsync(service.Sid, client: Client)).Sid);
        Assert.Contains(await ServiceResource.ReadAsync(client: Client), s => s.Sid == service.Sid);

        var unique = Unique("in-service");
        var conversation = await ServiceConversations.CreateAsync(service.Sid, friendlyName: "In a service", uniqueName: unique, client: Client);
        Assert.Equal(service.Sid, conversation.ChatServiceSid);
        Assert.Equal($"{service.Url}/Conversations/{conversation.Sid}", conversation.Url.ToString());
        Assert.Equal(conversation.Sid, (await ServiceConversations.FetchAsync(service.Sid, unique, client: Client)).Sid);
        Assert.Equal([conversation.Sid], (await ServiceConversations.ReadAsync(service.Sid, client: Client)).Select(c => c.Sid));

        var participant = await ServiceParticipants.CreateAsync(service.Sid, conversation.Sid, identity: "alice", client: Client);
        Assert.Equal(service.Sid, participant.ChatServiceSid);
        var message = await ServiceMessages.CreateAsync(service.Sid, conversation.Sid, author: "alice", body: "hello", client: Client);
        Assert.Equal(service.Sid, message.ChatServiceSid);
        Assert.Equal("hello", (await ServiceMessages.FetchAsync(service.Sid, conversation.Sid, message.Sid, client: Client)).Body);

        var elsewhere = await Assert.ThrowsAsync<ApiException>(() => ConversationResource.FetchAsync(conversation.Sid, client: Client));
        AssertTwilioError(elsewhere, HttpStatusCode.NotFound, 20404);

        Assert.True(await ServiceResource.DeleteAsync(service.Sid, client: Client));
        var gone = await Assert.ThrowsAsync<ApiException>(() => ServiceConversations.FetchAsync(service.Sid, conversation.Sid, client: Client));
        AssertTwilioError(gone, HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Roles_are_created_fetched_updated_listed_and_deleted_through_the_library()
    {
        var created = await RoleResource.CreateAsync(
            friendlyName: "Library role", type: RoleResource.RoleTypeEnum.Conversation, permission: ["sendMessage", "leaveConversation"], client: Client);

        Assert.Matches("^RL[0-9a-f]{32}$", created.Sid);
        Assert.Equal(EngineHost.AccountSid, created.AccountSid);
        Assert.Matches("^IS[0-9a-f]{32}$", created.ChatServiceSid);
        Assert.Equal("Library role", created.FriendlyName);
        Assert.Equal(RoleResource.RoleTypeEnum.Conversation, created.Type);
        Assert.Equal(["sendMessage", "leaveConversation"], created.Permissions);
        Assert.NotNull(created.DateCreated);
        Assert.NotNull(created.DateUpdated);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Roles/{created.Sid}", created.Url.ToString());

        var fetched = await RoleResource.FetchAsync(created.Sid, client: Client);
        Assert.Equal(created.Sid, fetched.Sid);
        var updated = await RoleResource.UpdateAsync(created.Sid, permission: ["sendMediaMessage"], client: Client);
        Assert.Equal(["sendMediaMessage"], updated.Permissions);

        var listed = (await RoleResource.ReadAsync(pageSize: 50, client: Client)).ToList();
        Assert.Contains(created.Sid, listed.Select(r => r.Sid));
        Assert.Contains(listed, r => r.FriendlyName == "channel user" && r.Type == RoleResource.RoleTypeEnum.Conversation);
        Assert.Contains(listed, r => r.FriendlyName == "service user" && r.Type == RoleResource.RoleTypeEnum.Service);

        Assert.True(await RoleResource.DeleteAsync(created.Sid, client: Client));
        var gone = await Assert.ThrowsAsync<ApiException>(() => RoleResource.FetchAsync(created.Sid, client: Client));
        AssertTwilioError(gone, HttpStatusCode.NotFound, 20404);
        var refused = await Assert.ThrowsAsync<ApiException>(() => RoleResource.CreateAsync(
            friendlyName: "bad", type: RoleResource.RoleTypeEnum.Service, permission: ["sendMessage"], client: Client));
        AssertTwilioError(refused, HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Users_are_created_fetched_updated_listed_and_deleted_through_the_library()
    {
        var identity = Unique("user");
        var created = await UserResource.CreateAsync(identity, friendlyName: "Library user", attributes: """{"duty":"tech"}""", client: Client);

        Assert.Matches("^US[0-9a-f]{32}$", created.Sid);
        Assert.Equal(EngineHost.AccountSid, created.AccountSid);
        Assert.Matches("^IS[0-9a-f]{32}$", created.ChatServiceSid);
        Assert.Matches("^RL[0-9a-f]{32}$", created.RoleSid);
        Assert.Equal(identity, created.Identity);
        Assert.Equal("Library user", created.FriendlyName);
        AssertSameJson("""{"duty":"tech"}""", created.Attributes);
        Assert.Null(created.IsOnline);
        Assert.Null(created.IsNotifiable);
        Assert.NotNull(created.DateCreated);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Users/{created.Sid}", created.Url.ToString());
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Users/{created.Sid}/Conversations", created.Links["user_conversations"]);

        var byIdentity = await UserResource.FetchAsync(identity, client: Client);
        Assert.Equal(created.Sid, byIdentity.Sid);
        var updated = await UserResource.UpdateAsync(created.Sid, friendlyName: "Renamed", client: Client);
        Assert.Equal("Renamed", updated.FriendlyName);
        Assert.Equal(identity, updated.Identity);

        var listed = (await UserResource.ReadAsync(pageSize: 50, client: Client)).Select(u => u.Sid).ToList();
        Assert.Contains(created.Sid, listed);

        var duplicate = await Assert.ThrowsAsync<ApiException>(() => UserResource.CreateAsync(identity, client: Client));
        AssertTwilioError(duplicate, HttpStatusCode.Conflict, 50201);

        Assert.True(await UserResource.DeleteAsync(created.Sid, client: Client));
        var gone = await Assert.ThrowsAsync<ApiException>(() => UserResource.FetchAsync(created.Sid, client: Client));
        AssertTwilioError(gone, HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task User_conversations_are_listed_fetched_updated_and_left_through_the_library()
    {
        var conversation = (await ConversationResource.CreateAsync(friendlyName: "Inbox", client: Client)).Sid;
        var identity = Unique("inbox");
        var participant = await ParticipantResource.CreateAsync(conversation, identity: identity, client: Client);
        await MessageResource.CreateAsync(conversation, author: "agent", body: "one", client: Client);
        await MessageResource.CreateAsync(conversation, author: "agent", body: "two", client: Client);
        var user = await UserResource.FetchAsync(identity, client: Client);

        var listed = (await UserConversations.ReadAsync(identity, pageSize: 50, client: Client)).ToList();
        var entry = Assert.Single(listed);
        Assert.Equal(conversation, entry.ConversationSid);
        Assert.Equal(user.Sid, entry.UserSid);
        Assert.Equal(participant.Sid, entry.ParticipantSid);
        Assert.Equal(2, entry.UnreadMessagesCount);
        Assert.Null(entry.LastReadMessageIndex);
        Assert.Equal("Inbox", entry.FriendlyName);
        Assert.Equal(UserConversations.StateEnum.Active, entry.ConversationState);
        Assert.Equal(UserConversations.NotificationLevelEnum.Default, entry.NotificationLevel);

        var fetched = await UserConversations.FetchAsync(user.Sid, conversation, client: Client);
        Assert.Equal(EngineHost.AccountSid, fetched.AccountSid);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Users/{user.Sid}/Conversations/{conversation}", fetched.Url.ToString());
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{conversation}", fetched.Links["conversation"]);

        var updated = await UserConversations.UpdateAsync(identity, conversation,
            notificationLevel: UserConversations.NotificationLevelEnum.Muted, lastReadTimestamp: new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), lastReadMessageIndex: 0, client: Client);
        Assert.Equal(1, updated.UnreadMessagesCount);
        Assert.Equal(0, updated.LastReadMessageIndex);
        Assert.Equal(UserConversations.NotificationLevelEnum.Muted, updated.NotificationLevel);

        Assert.True(await UserConversations.DeleteAsync(identity, conversation, client: Client));
        var gone = await Assert.ThrowsAsync<ApiException>(() => UserConversations.FetchAsync(identity, conversation, client: Client));
        AssertTwilioError(gone, HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Participant_read_through_the_library_carries_the_default_role_and_its_user()
    {
        var conversation = await NewConversationAsync();
        var identity = Unique("linked");
        var participant = await ParticipantResource.CreateAsync(conversation, identity: identity, client: Client);
        Assert.Matches("^RL[0-9a-f]{32}$", participant.RoleSid);

        var user = await UserResource.FetchAsync(identity, client: Client);
        Assert.Equal(identity, user.Identity);
    }

    [Fact]
    public async Task Conversation_with_participants_is_created_through_the_library()
    {
        var unique = Unique("with-participants");
        var customer = Numbers.NextUs();

        var created = await ConversationWithParticipantsResource.CreateAsync(
            friendlyName: "Bulk", uniqueName: unique, attributes: """{"topic":"feedback"}""",
            participant: ["""{"identity": "lib-agent"}""", ParticipantJson.Binding(customer, OurNumber)],
            client: Client);

        Assert.Matches("^CH[0-9a-f]{32}$", created.Sid);
        Assert.Equal(EngineHost.AccountSid, created.AccountSid);
        Assert.Matches("^IS[0-9a-f]{32}$", created.ChatServiceSid);
        Assert.Equal("Bulk", created.FriendlyName);
        Assert.Equal(unique, created.UniqueName);
        AssertSameJson("""{"topic":"feedback"}""", created.Attributes);
        Assert.Equal(ConversationWithParticipantsResource.StateEnum.Active, created.State);
        Assert.NotNull(created.DateCreated);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Conversations/{created.Sid}", created.Url.ToString());
        Assert.Contains("participants", created.Links.Keys);
        var participants = await ParticipantResource.ReadAsync(created.Sid, client: Client);
        Assert.Equal(["lib-agent", null], participants.Select(p => p.Identity));

        var tooMany = await Assert.ThrowsAsync<ApiException>(() => ConversationWithParticipantsResource.CreateAsync(
            participant: [.. Enumerable.Range(0, 11).Select(i => $$"""{"identity": "p{{i}}"}""")], client: Client));
        AssertTwilioError(tooMany, HttpStatusCode.BadRequest, 50426);
        var invalid = await Assert.ThrowsAsync<ApiException>(() => ConversationWithParticipantsResource.CreateAsync(participant: ["{identity"], client: Client));
        AssertTwilioError(invalid, HttpStatusCode.BadRequest, 50424);
        var inUse = await Assert.ThrowsAsync<ApiException>(() => ConversationWithParticipantsResource.CreateAsync(
            participant: [ParticipantJson.Binding(customer, OurNumber)], client: Client));
        AssertTwilioError(inUse, HttpStatusCode.Conflict, 50425);
    }

    [Fact]
    public async Task Participant_conversations_are_read_through_the_library_by_identity_and_by_address()
    {
        var identity = Unique("pc");
        var customer = Numbers.NextUs();
        var first = await ConversationResource.CreateAsync(friendlyName: "one", uniqueName: Unique("pc-one"), client: Client);
        var chat = await ParticipantResource.CreateAsync(first.Sid, identity: identity, client: Client);
        var sms = await ParticipantResource.CreateAsync(first.Sid, messagingBindingAddress: customer, messagingBindingProxyAddress: OurNumber, client: Client);
        var second = await ConversationWithParticipantsResource.CreateAsync(participant: [$$"""{"identity": "{{identity}}"}"""], client: Client);

        var byIdentity = (await ParticipantConversationResource.ReadAsync(identity: identity, pageSize: 1, client: Client)).ToList();
        var byAddress = (await ParticipantConversationResource.ReadAsync(address: customer, client: Client)).ToList();

        Assert.Equal([first.Sid, second.Sid], byIdentity.Select(c => c.ConversationSid));
        var item = byIdentity[0];
        Assert.Equal(EngineHost.AccountSid, item.AccountSid);
        Assert.Equal(first.ChatServiceSid, item.ChatServiceSid);
        Assert.Equal(chat.Sid, item.ParticipantSid);
        Assert.Equal(identity, item.ParticipantIdentity);
        Assert.Matches("^US[0-9a-f]{32}$", item.ParticipantUserSid);
        Assert.Null(item.ParticipantMessagingBinding);
        Assert.Equal(first.UniqueName, item.ConversationUniqueName);
        Assert.Equal("one", item.ConversationFriendlyName);
        Assert.Equal("{}", item.ConversationAttributes);
        Assert.Equal(ParticipantConversationResource.StateEnum.Active, item.ConversationState);
        Assert.NotNull(item.ConversationDateCreated);
        Assert.Equal(new Uri($"{fixture.Host.BaseUrl}/v1/Conversations/{first.Sid}").ToString(), item.Links["conversation"].ToString());

        var bySms = Assert.Single(byAddress);
        Assert.Equal(sms.Sid, bySms.ParticipantSid);
        var binding = Assert.IsType<JObject>(bySms.ParticipantMessagingBinding);
        Assert.Equal(customer, binding.Value<string>("address"));
        Assert.Equal(OurNumber, binding.Value<string>("proxy_address"));
        Assert.Equal("sms", binding.Value<string>("type"));
    }

    private async Task<string> NewConversationAsync() => (await ConversationResource.CreateAsync(client: Client)).Sid;

    private static string Unique(string purpose) => $"cs-{purpose}-{Guid.NewGuid():N}";

    private static void AssertSameJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}, got {actual}");

    private static void AssertTwilioError(ApiException error, HttpStatusCode status, int code)
    {
        Assert.Equal((int)status, error.Status);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal($"https://www.twilio.com/docs/errors/{code}", error.MoreInfo);
    }
}
