using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Accounts;
using ConversationEngine.Api.Http;
using ConversationEngine.Push;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Push resources through HTTP: credentials (<c>/v1/Credentials</c>), a service's bindings and its
/// notification configuration. An engine of its own, so the account's credential list holds only
/// what these tests create.
/// </summary>
public sealed class PushResourcesTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string Certificate = "-----BEGIN CERTIFICATE-----\nMIIFnTCCBIWgAwIBAgIIAjy9H849+E8wDQYJKoZIhvcNAQEFcertsecret==\n-----END CERTIFICATE-----";
    private const string PrivateKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAuyf/lNrH9ck8DmNyo3fGkeysecret\n-----END RSA PRIVATE KEY-----";
    private const string ApiKey = "AIzaSy-gcm-api-key-secret-0123456789";
    private const string Secret = "AAAA-fcm-server-key-secret-0123456789";
    private const string UnknownService = "IS00000000000000000000000000000000";

    private static readonly string[] CredentialFields = ["sid", "account_sid", "friendly_name", "type", "sandbox", "date_created", "date_updated", "url"];

    private static readonly string[] BindingFields =
        ["sid", "account_sid", "chat_service_sid", "credential_sid", "date_created", "date_updated", "endpoint", "identity", "binding_type", "message_types", "url"];

    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Credential_is_created_fetched_listed_updated_and_deleted_and_no_answer_holds_a_secret()
    {
        var raw = new List<string>();

        var created = await RawAsync(Client.PostFormAsync("/v1/Credentials",
            ("Type", "apn"), ("FriendlyName", "iOS app"), ("Certificate", Certificate), ("PrivateKey", PrivateKey), ("Sandbox", "true")), HttpStatusCode.Created, raw);
        var sid = (string)created["sid"]!;
        Assert.Matches("^CR[0-9a-f]{32}$", sid);
        Assert.Equal(CredentialFields, created.Select(p => p.Key));
        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
        Assert.Equal("iOS app", (string?)created["friendly_name"]);
        Assert.Equal("apn", (string?)created["type"]);
        Assert.Equal("True", (string?)created["sandbox"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)created["date_created"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Credentials/{sid}", (string?)created["url"]);

        var fetched = await RawAsync(Client.GetAsync($"/v1/Credentials/{sid}"), HttpStatusCode.OK, raw);
        Assert.Equal(created.ToJsonString(), fetched.ToJsonString());

        var listed = await RawAsync(Client.GetAsync("/v1/Credentials"), HttpStatusCode.OK, raw);
        var entry = Assert.Single(listed["credentials"]!.AsArray(), c => (string?)c!["sid"] == sid)!.AsObject();
        Assert.Equal(CredentialFields, entry.Select(p => p.Key));

        var updated = await RawAsync(Client.PostFormAsync($"/v1/Credentials/{sid}",
            ("FriendlyName", "iOS app (prod)"), ("Sandbox", "false"), ("Certificate", Certificate + "2"), ("PrivateKey", PrivateKey + "2")), HttpStatusCode.OK, raw);
        Assert.Equal("iOS app (prod)", (string?)updated["friendly_name"]);
        Assert.Equal("False", (string?)updated["sandbox"]);
        Assert.Equal("apn", (string?)updated["type"]);
        Assert.Equal((string?)created["date_created"], (string?)updated["date_created"]);
        Assert.Equal(CredentialFields, updated.Select(p => p.Key));

        // Secrets of the other types, given on create and on update, are kept back alike.
        await RawAsync(Client.PostFormAsync("/v1/Credentials", ("Type", "gcm"), ("ApiKey", ApiKey)), HttpStatusCode.Created, raw);
        var fcm = await RawAsync(Client.PostFormAsync("/v1/Credentials", ("Type", "fcm"), ("Secret", Secret)), HttpStatusCode.Created, raw);
        await RawAsync(Client.PostFormAsync($"/v1/Credentials/{fcm["sid"]}", ("Secret", Secret + "2"), ("ApiKey", ApiKey + "2")), HttpStatusCode.OK, raw);
        await RawAsync(Client.GetAsync("/v1/Credentials?PageSize=100"), HttpStatusCode.OK, raw);

        foreach (var body in raw)
        {
            foreach (var secret in new[] { "certsecret", "keysecret", ApiKey, Secret, "BEGIN" })
            {
                Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            }
        }

        await Client.DeleteAsync($"/v1/Credentials/{sid}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"/v1/Credentials/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"/v1/Credentials/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/v1/Credentials/{sid}", ("FriendlyName", "gone")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Credential_type_is_required_and_must_be_apn_gcm_or_fcm()
    {
        await Client.PostFormAsync("/v1/Credentials", ("FriendlyName", "no type")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        var body = await Client.PostFormAsync("/v1/Credentials", ("Type", "voip"), ("Secret", Secret)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        Assert.Contains("Type", (string?)body["message"], StringComparison.Ordinal);
        await Client.PostFormAsync("/v1/Credentials", ("Type", "APN")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync("/v1/Credentials", ("Type", "fcm"), ("FriendlyName", new string('x', 65))).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync("/v1/Credentials", ("Type", "apn"), ("Sandbox", "maybe")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        var created = await Client.PostFormAsync("/v1/Credentials", ("Type", "fcm"), ("FriendlyName", "Android")).ExpectAsync(HttpStatusCode.Created);
        var sid = (string)created["sid"]!;
        await Client.PostFormAsync($"/v1/Credentials/{sid}", ("Type", "sms"), ("FriendlyName", "changed")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        // The refused update changed nothing; a valid one may change the type.
        var fetched = await Client.GetAsync($"/v1/Credentials/{sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Android", (string?)fetched["friendly_name"]);
        Assert.Equal("fcm", (string?)fetched["type"]);
        var retyped = await Client.PostFormAsync($"/v1/Credentials/{sid}", ("Type", "gcm")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("gcm", (string?)retyped["type"]);
        Assert.Equal("Android", (string?)retyped["friendly_name"]);
    }

    [Fact]
    public async Task Credential_create_retried_with_its_idempotency_key_answers_the_first_credential_without_secrets()
    {
        var key = "push-" + Guid.NewGuid().ToString("N");
        var raw = new List<string>();

        var first = await RawAsync(PostWithKeyAsync(key, ("Type", "fcm"), ("FriendlyName", "retried"), ("Secret", Secret)), HttpStatusCode.Created, raw);
        var again = await RawAsync(PostWithKeyAsync(key, ("Type", "fcm"), ("FriendlyName", "retried"), ("Secret", Secret)), HttpStatusCode.Created, raw);

        Assert.Matches("^CR[0-9a-f]{32}$", (string?)first["sid"]);
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        var listed = await Client.GetAsync("/v1/Credentials?PageSize=100").ExpectAsync(HttpStatusCode.OK);
        Assert.Single(listed["credentials"]!.AsArray(), c => (string?)c!["sid"] == (string?)first["sid"]);
        Assert.All(raw, body => Assert.DoesNotContain(Secret, body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Credentials_list_pages_in_twilios_envelope_and_caps_page_size_at_100()
    {
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var credential = await Client.PostFormAsync("/v1/Credentials", ("Type", "fcm"), ("FriendlyName", $"paged {i}")).ExpectAsync(HttpStatusCode.Created);
            created.Add((string)credential["sid"]!);
        }

        var seen = new List<string>();
        var first = await Client.GetAsync("/v1/Credentials?PageSize=2").ExpectAsync(HttpStatusCode.OK);
        var meta = first["meta"]!.AsObject();
        Assert.Equal("credentials", (string?)meta["key"]);
        Assert.Equal(2, (int)meta["page_size"]!);
        Assert.Equal(0, (int)meta["page"]!);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Credentials?PageSize=2&Page=0", (string?)meta["first_page_url"]);
        Assert.Null((string?)meta["previous_page_url"]);
        var page = first;
        while (true)
        {
            seen.AddRange(page["credentials"]!.AsArray().Select(c => (string)c!["sid"]!));
            if ((string?)page["meta"]!["next_page_url"] is not { } next)
            {
                break;
            }

            page = await Client.GetAsync(new Uri(next)).ExpectAsync(HttpStatusCode.OK);
            Assert.NotNull((string?)page["meta"]!["previous_page_url"]);
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(created, sid => Assert.Contains(sid, seen));

        await Client.GetAsync("/v1/Credentials?PageSize=101").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Bindings_list_filters_by_type_and_identity_fetch_and_delete()
    {
        var service = await NewServiceAsync();
        var bindings = fixture.Host.Grains.GetGrain<IPushBindingsGrain>(service);
        var credential = (string)(await Client.PostFormAsync("/v1/Credentials", ("Type", "apn")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

        var aliceIos = await bindings.RegisterAsync(new PushBindingRegistration
        {
            Identity = "alice", BindingType = "apn", Endpoint = "alice#iphone", Address = "apns-device-token-secret", CredentialSid = credential,
        });
        var aliceAndroid = await bindings.RegisterAsync(new PushBindingRegistration { Identity = "alice", BindingType = "fcm", Endpoint = "alice#pixel" });
        var bob = await bindings.RegisterAsync(new PushBindingRegistration { Identity = "bob@example.com", BindingType = "fcm", Endpoint = "bob#pixel", MessageTypes = ["new_message"] });
        var carol = await bindings.RegisterAsync(new PushBindingRegistration { Identity = "carol", BindingType = "twilsock", Endpoint = "carol#web" });

        // The same identity, type and endpoint again renews the binding; it does not add one.
        var renewed = await bindings.RegisterAsync(new PushBindingRegistration
        {
            Identity = "alice", BindingType = "apn", Endpoint = "alice#iphone", Address = "apns-device-token-secret-2", CredentialSid = credential,
        });
        Assert.Equal(aliceIos.Sid, renewed.Sid);

        var path = $"/v1/Services/{service}/Bindings";
        var all = await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([aliceIos.Sid, aliceAndroid.Sid, bob.Sid, carol.Sid], SidsOf(all["bindings"]));
        Assert.Equal("bindings", (string?)all["meta"]!["key"]);
        Assert.DoesNotContain("device-token", all.ToJsonString(), StringComparison.Ordinal);

        var fetched = await Client.GetAsync($"{path}/{aliceIos.Sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(BindingFields, fetched.Select(p => p.Key));
        Assert.Matches("^BS[0-9a-f]{32}$", (string?)fetched["sid"]);
        Assert.Equal(EngineHost.AccountSid, (string?)fetched["account_sid"]);
        Assert.Equal(service, (string?)fetched["chat_service_sid"]);
        Assert.Equal(credential, (string?)fetched["credential_sid"]);
        Assert.Equal("alice#iphone", (string?)fetched["endpoint"]);
        Assert.Equal("alice", (string?)fetched["identity"]);
        Assert.Equal("apn", (string?)fetched["binding_type"]);
        Assert.Equal(["removed_from_conversation", "new_message", "added_to_conversation"], fetched["message_types"]!.AsArray().Select(t => (string)t!));
        Assert.Equal($"{fixture.Host.BaseUrl}{path}/{aliceIos.Sid}", (string?)fetched["url"]);
        Assert.DoesNotContain("device-token", fetched.ToJsonString(), StringComparison.Ordinal);
        var bobFetched = await Client.GetAsync($"{path}/{bob.Sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Null((string?)bobFetched["credential_sid"]);
        Assert.Equal(["new_message"], bobFetched["message_types"]!.AsArray().Select(t => (string)t!));

        var fcm = await Client.GetAsync($"{path}?BindingType=fcm").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([aliceAndroid.Sid, bob.Sid], SidsOf(fcm["bindings"]));
        Assert.Equal($"{fixture.Host.BaseUrl}{path}?BindingType=fcm&PageSize=50&Page=0", (string?)fcm["meta"]!["url"]);

        var alice = await Client.GetAsync($"{path}?Identity=alice").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([aliceIos.Sid, aliceAndroid.Sid], SidsOf(alice["bindings"]));

        var twoTypes = await Client.GetAsync($"{path}?BindingType=apn&BindingType=twilsock").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([aliceIos.Sid, carol.Sid], SidsOf(twoTypes["bindings"]));

        var both = await Client.GetAsync($"{path}?BindingType=fcm&Identity=alice&Identity={Uri.EscapeDataString("bob@example.com")}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([aliceAndroid.Sid, bob.Sid], SidsOf(both["bindings"]));

        var paged = await Client.GetAsync($"{path}?Identity=alice&PageSize=1").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([aliceIos.Sid], SidsOf(paged["bindings"]));
        var next = (string)paged["meta"]!["next_page_url"]!;
        Assert.StartsWith($"{fixture.Host.BaseUrl}{path}?Identity=alice&PageSize=1&Page=1&PageToken=", next, StringComparison.Ordinal);
        var second = await Client.GetAsync(new Uri(next)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([aliceAndroid.Sid], SidsOf(second["bindings"]));
        Assert.Null((string?)second["meta"]!["next_page_url"]);

        await Client.GetAsync($"{path}?BindingType=sms").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.GetAsync($"{path}?PageSize=101").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        await Client.DeleteAsync($"{path}/{bob.Sid}").ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync($"{path}/{bob.Sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"{path}/{bob.Sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        var remaining = await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([aliceIos.Sid, aliceAndroid.Sid, carol.Sid], SidsOf(remaining["bindings"]));

        // Another service's binding is not found through this one.
        var other = await NewServiceAsync();
        var elsewhere = await fixture.Host.Grains.GetGrain<IPushBindingsGrain>(other)
            .RegisterAsync(new PushBindingRegistration { Identity = "alice", BindingType = "apn", Endpoint = "alice#iphone" });
        await Client.GetAsync($"{path}/{elsewhere.Sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.Equal([elsewhere.Sid], SidsOf((await Client.GetAsync($"/v1/Services/{other}/Bindings").ExpectAsync(HttpStatusCode.OK))["bindings"]));
    }

    [Fact]
    public async Task Default_service_serves_bindings_from_its_first_request()
    {
        var service = (string)(await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;

        var list = await Client.GetAsync($"/v1/Services/{service}/Bindings").ExpectAsync(HttpStatusCode.OK);

        Assert.NotNull(list["bindings"]);
        Assert.Equal($"{fixture.Host.BaseUrl}/v1/Services/{service}/Bindings?PageSize=50&Page=0", (string?)list["meta"]!["first_page_url"]);
    }

    [Fact]
    public async Task Notification_configuration_round_trips_every_parameter_and_keeps_what_an_update_leaves_out()
    {
        var service = await NewServiceAsync();
        var path = $"/v1/Services/{service}/Configuration/Notifications";

        var initial = await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["account_sid", "chat_service_sid", "new_message", "added_to_conversation", "removed_from_conversation", "log_enabled", "url"], initial.Select(p => p.Key));
        Assert.Equal(EngineHost.AccountSid, (string?)initial["account_sid"]);
        Assert.Equal(service, (string?)initial["chat_service_sid"]);
        Assert.False((bool)initial["log_enabled"]!);
        Assert.False((bool)initial["new_message"]!["enabled"]!);
        Assert.False((bool)initial["new_message"]!["badge_count_enabled"]!);
        Assert.False((bool)initial["new_message"]!["with_media"]!["enabled"]!);
        Assert.False((bool)initial["added_to_conversation"]!["enabled"]!);
        Assert.Null((string?)initial["removed_from_conversation"]!["template"]);
        Assert.Equal($"{fixture.Host.BaseUrl}{path}", (string?)initial["url"]);

        var updated = await Client.PostFormAsync(path,
            ("LogEnabled", "true"),
            ("NewMessage.Enabled", "true"), ("NewMessage.Template", "${PARTICIPANT}: ${MESSAGE}"), ("NewMessage.Sound", "ring"), ("NewMessage.BadgeCountEnabled", "true"),
            ("NewMessage.WithMedia.Enabled", "true"), ("NewMessage.WithMedia.Template", "${PARTICIPANT} sent ${MEDIA_COUNT} files"),
            ("AddedToConversation.Enabled", "true"), ("AddedToConversation.Template", "You joined ${CONVERSATION}"), ("AddedToConversation.Sound", "chime"),
            ("RemovedFromConversation.Enabled", "true"), ("RemovedFromConversation.Template", "You left ${CONVERSATION}"), ("RemovedFromConversation.Sound", "bell"))
            .ExpectAsync(HttpStatusCode.OK);

        // Read back after the grain is gone from memory: the settings came from storage.
        await fixture.Host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var fetched = await Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        foreach (var body in new[] { updated, fetched })
        {
            Assert.True((bool)body["log_enabled"]!);
            Assert.Equal("""{"enabled":true,"template":"${PARTICIPANT}: ${MESSAGE}","sound":"ring","badge_count_enabled":true,"with_media":{"enabled":true,"template":"${PARTICIPANT} sent ${MEDIA_COUNT} files"}}""", body["new_message"]!.ToJsonString());
            Assert.Equal("""{"enabled":true,"template":"You joined ${CONVERSATION}","sound":"chime"}""", body["added_to_conversation"]!.ToJsonString());
            Assert.Equal("""{"enabled":true,"template":"You left ${CONVERSATION}","sound":"bell"}""", body["removed_from_conversation"]!.ToJsonString());
        }

        // Only what is sent changes; an empty text clears it.
        var partial = await Client.PostFormAsync(path, ("NewMessage.Enabled", "false"), ("AddedToConversation.Sound", "")).ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)partial["new_message"]!["enabled"]!);
        Assert.Equal("${PARTICIPANT}: ${MESSAGE}", (string?)partial["new_message"]!["template"]);
        Assert.True((bool)partial["new_message"]!["badge_count_enabled"]!);
        Assert.Null((string?)partial["added_to_conversation"]!["sound"]);
        Assert.Equal("You joined ${CONVERSATION}", (string?)partial["added_to_conversation"]!["template"]);
        Assert.True((bool)partial["log_enabled"]!);

        await Client.PostFormAsync(path, ("LogEnabled", "yes")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);

        // Another service keeps its own settings.
        var other = await Client.GetAsync($"/v1/Services/{await NewServiceAsync()}/Configuration/Notifications").ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)other["log_enabled"]!);
    }

    [Theory]
    [InlineData(UnknownService)]
    [InlineData("IS0000")]
    [InlineData("MG00000000000000000000000000000000")]
    public async Task Push_resources_of_a_service_that_does_not_exist_are_404(string service)
    {
        await Client.GetAsync($"/v1/Services/{service}/Bindings").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Services/{service}/Bindings/BS00000000000000000000000000000000").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"/v1/Services/{service}/Bindings/BS00000000000000000000000000000000").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Services/{service}/Configuration/Notifications").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/v1/Services/{service}/Configuration/Notifications", ("LogEnabled", "true")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.False((await fixture.Host.Grains.GetGrain<INotificationConfigurationGrain>(service).GetAsync()).LogEnabled);
    }

    /// <summary>A service other than the default, made the way the account makes its default one.</summary>
    private async Task<string> NewServiceAsync()
    {
        var sid = Sids.New(Sids.ChatService);
        await fixture.Host.Grains.GetGrain<IChatServiceGrain>(sid).InitializeAsync("Push test service");
        return sid;
    }

    private async Task<HttpResponseMessage> PostWithKeyAsync(string key, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/Credentials", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.TryAddWithoutValidation(IdempotencyFilter.Header, key);
        return await Client.SendAsync(request);
    }

    private static List<string> SidsOf(JsonNode? items) => items!.AsArray().Select(b => (string)b!["sid"]!).ToList();

    private static async Task<JsonObject> RawAsync(Task<HttpResponseMessage> request, HttpStatusCode status, List<string> raw)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        raw.Add(text);
        return JsonNode.Parse(text)!.AsObject();
    }
}

/// <summary>Credentials, bindings and notification settings are read back by a new host on the same storage.</summary>
public sealed class PushResourcesRestartTests
{
    [Fact]
    public async Task Push_resources_survive_a_restart_on_sqlite()
    {
        string dataDirectory;
        Stored stored;
        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            stored = await StoreAsync(host);
        }

        await using (var host = await EngineHost.StartAsync(dataDirectory))
        {
            await ReadBackAsync(host, stored);
        }
    }

    [PostgresFact]
    public async Task Push_resources_survive_a_restart_on_postgres()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = Postgres.Get(),
            ["Orleans:ClusterId"] = "push-" + Guid.NewGuid().ToString("N")[..12],
            ["Orleans:ServiceId"] = "push-" + Guid.NewGuid().ToString("N")[..12],
        };
        Stored stored;
        await using (var host = await EngineHost.StartAsync(settings: settings))
        {
            stored = await StoreAsync(host);
        }

        await using (var host = await EngineHost.StartAsync(settings: settings))
        {
            await ReadBackAsync(host, stored);
        }
    }

    private sealed record Stored(string Service, string Credential, string Binding, string CredentialJson, string BindingJson, string NotificationsJson);

    private static async Task<Stored> StoreAsync(EngineHost host)
    {
        var service = (string)(await host.Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;
        var credential = await host.Client.PostFormAsync("/v1/Credentials", ("Type", "fcm"), ("FriendlyName", "Android"), ("Secret", "fcm-secret")).ExpectAsync(HttpStatusCode.Created);
        var binding = await host.Grains.GetGrain<IPushBindingsGrain>(service).RegisterAsync(new PushBindingRegistration
        {
            Identity = "agent {1}", BindingType = "fcm", Endpoint = "agent#pixel", CredentialSid = (string)credential["sid"]!,
        });
        var notifications = await host.Client.PostFormAsync($"/v1/Services/{service}/Configuration/Notifications",
            ("NewMessage.Enabled", "true"), ("NewMessage.Template", "${MESSAGE}"), ("LogEnabled", "true")).ExpectAsync(HttpStatusCode.OK);
        var bindingJson = (await host.Client.GetAsync($"/v1/Services/{service}/Bindings/{binding.Sid}").ExpectAsync(HttpStatusCode.OK)).ToJsonString();
        return new Stored(service, (string)credential["sid"]!, binding.Sid, Unbased(credential.ToJsonString(), host), Unbased(bindingJson, host), Unbased(notifications.ToJsonString(), host));
    }

    private static async Task ReadBackAsync(EngineHost host, Stored stored)
    {
        Assert.Equal((string)(await host.Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!, stored.Service);
        var credential = await host.Client.GetAsync($"/v1/Credentials/{stored.Credential}").ExpectAsync(HttpStatusCode.OK);
        var binding = await host.Client.GetAsync($"/v1/Services/{stored.Service}/Bindings/{stored.Binding}").ExpectAsync(HttpStatusCode.OK);
        var notifications = await host.Client.GetAsync($"/v1/Services/{stored.Service}/Configuration/Notifications").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(stored.CredentialJson, Unbased(credential.ToJsonString(), host));
        Assert.Equal(stored.BindingJson, Unbased(binding.ToJsonString(), host));
        Assert.Equal(stored.NotificationsJson, Unbased(notifications.ToJsonString(), host));
    }

    private static string Unbased(string json, EngineHost host) => json.Replace(host.BaseUrl, "", StringComparison.Ordinal);
}
