using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Api.Http;
using ConversationEngine.Conversations;
using ConversationEngine.Idempotency;
using ConversationEngine.Tests.Compat;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Twilio.Rest.Conversations.V1;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// <c>Idempotency-Key</c> on creates: a retried request answers with the first outcome and never
/// creates a second resource, also when the first answer was lost. One engine for the class, with
/// its own clock for the records, so leases and the 24 hours pass in no time.
/// </summary>
public sealed class IdempotencyTests(IdempotencyTests.Engine engine) : IClassFixture<IdempotencyTests.Engine>
{
    private static readonly string[] TwilioErrorFields = ["code", "message", "more_info", "status"];

    private HttpClient Client => engine.Host.Client;

    [Fact]
    public async Task Same_key_and_request_twice_answer_the_same_conversation_and_create_one()
    {
        var key = NewKey();
        var name = "idem-" + Guid.NewGuid().ToString("N");
        using var first = await PostAsync("/v1/Conversations", key, ("FriendlyName", "once"), ("UniqueName", name));
        using var second = await PostAsync("/v1/Conversations", key, ("FriendlyName", "once"), ("UniqueName", name));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.False(first.Headers.Contains(IdempotencyFilter.ReplayedHeader));
        Assert.Equal("true", second.Headers.GetValues(IdempotencyFilter.ReplayedHeader).Single());
    }

    [Fact]
    public async Task Same_key_and_message_twice_leave_one_message_in_the_list()
    {
        var conversation = await NewConversationAsync();
        var key = NewKey();
        var first = await PostAsync($"/v1/Conversations/{conversation}/Messages", key, ("Body", "pay 10 EUR")).ExpectAsync(HttpStatusCode.Created);
        var second = await PostAsync($"/v1/Conversations/{conversation}/Messages", key, ("Body", "pay 10 EUR")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((string?)first["sid"], (string?)second["sid"]);
        Assert.Single(await MessagesAsync(conversation));
    }

    [Fact]
    public async Task Same_key_with_another_request_is_refused_with_422()
    {
        var conversation = await NewConversationAsync();
        var key = NewKey();
        await PostAsync($"/v1/Conversations/{conversation}/Messages", key, ("Body", "first")).ExpectAsync(HttpStatusCode.Created);

        var refused = await PostAsync($"/v1/Conversations/{conversation}/Messages", key, ("Body", "second")).ExpectErrorAsync((HttpStatusCode)422, Errors.IdempotencyKeyReused);
        Assert.Equal(TwilioErrorFields, refused.Select(p => p.Key).Order());

        // Another path with the same key is another request too.
        await PostAsync("/v1/Conversations", key, ("Body", "first")).ExpectErrorAsync((HttpStatusCode)422, Errors.IdempotencyKeyReused);
        Assert.Single(await MessagesAsync(conversation));
    }

    [Fact]
    public async Task Different_keys_create_two_resources()
    {
        var conversation = await NewConversationAsync();
        var first = await PostAsync($"/v1/Conversations/{conversation}/Messages", NewKey(), ("Body", "same")).ExpectAsync(HttpStatusCode.Created);
        var second = await PostAsync($"/v1/Conversations/{conversation}/Messages", NewKey(), ("Body", "same")).ExpectAsync(HttpStatusCode.Created);

        Assert.NotEqual((string?)first["sid"], (string?)second["sid"]);
        Assert.Equal(2, (await MessagesAsync(conversation)).Count);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_create_exactly_one_message()
    {
        var conversation = await NewConversationAsync();
        var key = NewKey();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            PostAsync($"/v1/Conversations/{conversation}/Messages", key, ("Body", "once only")).ExpectAsync(HttpStatusCode.Created)));

        Assert.Single(answers.Select(a => (string?)a["sid"]).Distinct());
        Assert.Single(await MessagesAsync(conversation));
    }

    [Fact]
    public async Task A_retry_after_a_lost_answer_finds_the_message_the_first_attempt_created()
    {
        var conversation = await NewConversationAsync();
        var key = NewKey();
        var path = $"/v1/Conversations/{conversation}/Messages";

        // The first attempt as a front end makes it: reserved, carried out by the conversation,
        // then its answer lost to a timeout (504, attempt given up, no outcome kept).
        var record = Record(key);
        var ticket = await record.BeginAsync(IdempotencyFilter.Fingerprint("POST", path, [new("Body", "lost answer")]));
        Assert.Equal(IdempotencyStep.Run, ticket.Step);
        var created = await engine.Host.Grains.GetGrain<IConversationGrain>(conversation).AddMessageAsync(new AddMessage { Body = "lost answer", Reservation = ticket.Reservation });
        await record.AbandonAsync(ticket.Attempt);

        var retried = await PostAsync(path, key, ("Body", "lost answer")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(created.Sid, (string?)retried["sid"]);
        Assert.Single(await MessagesAsync(conversation));
    }

    [Fact]
    public async Task A_retry_after_the_front_end_died_waits_out_the_lease_and_finds_the_conversation()
    {
        var key = NewKey();
        var configuration = await Client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK);

        // The first front end reserved, created, and died: nothing gave the attempt up.
        var record = Record(key);
        var ticket = await record.BeginAsync(IdempotencyFilter.Fingerprint("POST", "/v1/Conversations", [new("FriendlyName", "orphaned")]));
        var sid = Sids.Reserved(Sids.Conversation, ticket.Reservation);
        await engine.Host.Grains.GetGrain<IConversationGrain>(sid).CreateAsync(new CreateConversation
        {
            ChatServiceSid = (string)configuration["default_chat_service_sid"]!,
            FriendlyName = "orphaned",
            Reserved = true,
        });

        // While its lease runs the retry waits a little, then hears that the first is still running.
        await PostAsync("/v1/Conversations", key, ("FriendlyName", "orphaned")).ExpectErrorAsync(HttpStatusCode.Conflict, Errors.IdempotencyKeyInUse);

        engine.Time.Advance(IdempotencyGrain.AttemptLease);
        var retried = await PostAsync("/v1/Conversations", key, ("FriendlyName", "orphaned")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(sid, (string?)retried["sid"]);
        Assert.Equal("orphaned", (string?)retried["friendly_name"]);
    }

    [Fact]
    public async Task A_retry_of_a_participant_and_a_webhook_whose_answers_were_lost_creates_no_second()
    {
        var conversation = await NewConversationAsync();
        var participants = $"/v1/Conversations/{conversation}/Participants";
        var participantKey = NewKey();
        var record = Record(participantKey);
        var ticket = await record.BeginAsync(IdempotencyFilter.Fingerprint("POST", participants, [new("Identity", "alice")]));
        var participant = await engine.Host.Grains.GetGrain<IConversationGrain>(conversation)
            .AddParticipantAsync(new AddParticipant { Identity = "alice", Sid = Sids.Reserved(Sids.Participant, ticket.Reservation) });
        await record.AbandonAsync(ticket.Attempt);

        // Without the reservation this would be refused: alice is already there.
        var retried = await PostAsync(participants, participantKey, ("Identity", "alice")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(participant.Sid, (string?)retried["sid"]);

        var webhooks = $"/v1/Conversations/{conversation}/Webhooks";
        var webhookKey = NewKey();
        var fields = new (string, string)[] { ("Target", "webhook"), ("Configuration.Url", "https://example.com/hook") };
        var first = await PostAsync(webhooks, webhookKey, fields).ExpectAsync(HttpStatusCode.Created);
        var second = await PostAsync(webhooks, webhookKey, fields).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal((string?)first["sid"], (string?)second["sid"]);
        Assert.Single((await Client.GetAsync(webhooks).ExpectAsync(HttpStatusCode.OK))["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task A_messaging_service_created_twice_with_one_key_is_one_service()
    {
        var key = NewKey();
        var name = "pool-" + Guid.NewGuid().ToString("N");
        var first = await PostAsync("/messaging/v1/Services", key, ("FriendlyName", name)).ExpectAsync(HttpStatusCode.Created);
        var second = await PostAsync("/messaging/v1/Services", key, ("FriendlyName", name)).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((string?)first["sid"], (string?)second["sid"]);
        var services = (await Client.GetAsync("/messaging/v1/Services?PageSize=1000").ExpectAsync(HttpStatusCode.OK))["services"]!.AsArray();
        Assert.Single(services, s => (string?)s!["friendly_name"] == name);
    }

    [Fact]
    public async Task Retries_of_a_number_and_its_pool_membership_whose_answers_were_lost_are_not_refused_as_duplicates()
    {
        var number = SenderApiSupport.UsNumber();
        var numbers = SenderApiSupport.NumbersPath + ".json";
        var numberKey = NewKey();
        var record = Record(numberKey);
        var ticket = await record.BeginAsync(IdempotencyFilter.Fingerprint("POST", numbers, [new("PhoneNumber", number)]));
        var registered = await engine.Host.Grains.GetGrain<Senders.ISenderRegistryGrain>(EngineHost.AccountSid)
            .RegisterNumberAsync(new Senders.SenderRegistration { Address = number, Sid = Sids.Reserved(Sids.PhoneNumber, ticket.Reservation) });
        await record.AbandonAsync(ticket.Attempt);

        // Without the reservation the number would be "already registered".
        var retried = await PostAsync(numbers, numberKey, ("PhoneNumber", number)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(registered.Sid, (string?)retried["sid"]);

        var service = await Client.NewServiceAsync();
        var members = $"/messaging/v1/Services/{service}/PhoneNumbers";
        var memberKey = NewKey();
        record = Record(memberKey);
        ticket = await record.BeginAsync(IdempotencyFilter.Fingerprint("POST", members, [new("PhoneNumberSid", registered.Sid)]));
        await engine.Host.Grains.GetGrain<Senders.IMessagingServiceGrain>(service).AddSenderAsync(registered.Sid);
        await record.AbandonAsync(ticket.Attempt);

        // Without the key this is 21710, already in the service.
        var added = await PostAsync(members, memberKey, ("PhoneNumberSid", registered.Sid)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(registered.Sid, (string?)added["sid"]);
        await Client.PostFormAsync(members, ("PhoneNumberSid", registered.Sid)).ExpectErrorAsync(HttpStatusCode.Conflict, Errors.SenderAlreadyInService);
    }

    [Fact]
    public async Task A_refusal_is_the_first_outcome_and_is_answered_again()
    {
        var name = "taken-" + Guid.NewGuid().ToString("N");
        var owner = await Client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);
        var key = NewKey();
        await PostAsync("/v1/Conversations", key, ("UniqueName", name)).ExpectErrorAsync(HttpStatusCode.Conflict, Errors.UniqueNameTaken);

        // The name is free now, but the key's request was answered.
        await Client.DeleteAsync($"/v1/Conversations/{owner["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        await PostAsync("/v1/Conversations", key, ("UniqueName", name)).ExpectErrorAsync(HttpStatusCode.Conflict, Errors.UniqueNameTaken);
    }

    [Fact]
    public async Task A_record_expires_after_24_hours()
    {
        var conversation = await NewConversationAsync();
        var key = NewKey();
        await PostAsync($"/v1/Conversations/{conversation}/Messages", key, ("Body", "yesterday")).ExpectAsync(HttpStatusCode.Created);

        engine.Time.Advance(IdempotencyGrain.Retention);
        await PostAsync($"/v1/Conversations/{conversation}/Messages", key, ("Body", "today")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2, (await MessagesAsync(conversation)).Count);
    }

    [Fact]
    public async Task Keys_of_any_text_up_to_255_characters_work_and_longer_ones_are_refused()
    {
        var conversation = await NewConversationAsync();
        var path = $"/v1/Conversations/{conversation}/Messages";
        var longest = new string('k', IdempotencyKeys.MaxLength - 8) + Guid.NewGuid().ToString("N")[..8];
        await PostAsync(path, longest, ("Body", "long key")).ExpectAsync(HttpStatusCode.Created);
        await PostAsync(path, longest, ("Body", "long key")).ExpectAsync(HttpStatusCode.Created);
        await PostAsync(path, "{odd} key | " + Guid.NewGuid(), ("Body", "odd key")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2, (await MessagesAsync(conversation)).Count);

        await PostAsync(path, longest + "x", ("Body", "too long")).ExpectErrorAsync(HttpStatusCode.BadRequest, Errors.InvalidParameter);
        Assert.Equal(2, (await MessagesAsync(conversation)).Count);
    }

    [Fact]
    public async Task The_header_on_an_update_is_ignored()
    {
        var conversation = await NewConversationAsync();
        var key = NewKey();
        var first = await PostAsync($"/v1/Conversations/{conversation}", key, ("FriendlyName", "one")).ExpectAsync(HttpStatusCode.OK);
        var second = await PostAsync($"/v1/Conversations/{conversation}", key, ("FriendlyName", "two")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("one", (string?)first["friendly_name"]);
        Assert.Equal("two", (string?)second["friendly_name"]);
    }

    [Fact]
    public async Task Twilios_library_sends_the_key_as_a_custom_header()
    {
        using var library = new TwilioLibraryClient(engine.Host);
        var key = NewKey();
        var options = new CreateConversationOptions { FriendlyName = "from the library" };

        async Task<ConversationResource> CreateAsync()
        {
            var headers = options.GetHeaderParams();
            headers.Add(new(IdempotencyFilter.Header, key));
            var response = await library.Rest.RequestAsync(new global::Twilio.Http.Request(
                global::Twilio.Http.HttpMethod.Post, global::Twilio.Rest.Domain.Conversations, "/v1/Conversations", postParams: options.GetParams(), headerParams: headers));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return ConversationResource.FromJson(response.Content);
        }

        var first = await CreateAsync();
        var second = await CreateAsync();
        Assert.Equal(first.Sid, second.Sid);
        Assert.Equal("from the library", second.FriendlyName);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string key, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.TryAddWithoutValidation(IdempotencyFilter.Header, key);
        return await Client.SendAsync(request);
    }

    private IIdempotencyGrain Record(string key) => engine.Host.Grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.For(EngineHost.AccountSid, key));

    private async Task<string> NewConversationAsync() =>
        (string)(await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "idempotency")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<JsonArray> MessagesAsync(string conversation) =>
        (await Client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray();

    private static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    public sealed class Engine : IAsyncLifetime
    {
        public ShiftedTime Time { get; } = new();

        public EngineHost Host { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Host = await EngineHost.StartAsync(services: services => services.AddKeyedSingleton<TimeProvider>(IdempotencyGrain.Clock, Time));

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    /// <summary>The real clock moved on by what a test says (for the idempotency records only).</summary>
    public sealed class ShiftedTime : TimeProvider
    {
        private long offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref offsetTicks));
    }
}

/// <summary>The record is stored: a new host on the same storage answers a repeat with the first outcome.</summary>
public sealed class IdempotencyRestartTests
{
    [Fact]
    public Task A_key_outlives_a_restart_on_sqlite() => OutlivesRestartAsync(settings: null);

    [PostgresFact]
    public Task A_key_outlives_a_restart_on_postgres() => OutlivesRestartAsync(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "PostgreSql",
        ["Storage:ConnectionString"] = Postgres.Get(),
        ["Orleans:ClusterId"] = "idem-" + Guid.NewGuid().ToString("N")[..12],
        ["Orleans:ServiceId"] = "idem-" + Guid.NewGuid().ToString("N")[..12],
    });

    [Fact]
    public async Task A_record_read_back_after_24_hours_is_forgotten()
    {
        var key = "expired-" + Guid.NewGuid().ToString("N");
        string dataDirectory;
        string conversation;
        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "expiry")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
            await SendAsync(host, conversation, key).ExpectAsync(HttpStatusCode.Created);
        }

        // A day later the record's activation finds it expired: the key starts afresh.
        var later = new IdempotencyTests.ShiftedTime();
        later.Advance(IdempotencyGrain.Retention);
        await using (var host = await EngineHost.StartAsync(dataDirectory, services: services => services.AddKeyedSingleton<TimeProvider>(IdempotencyGrain.Clock, later)))
        {
            var again = await SendAsync(host, conversation, key).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(1, (long)again["index"]!);
        }
    }

    private static async Task OutlivesRestartAsync(IReadOnlyDictionary<string, string?>? settings)
    {
        var key = "restart-" + Guid.NewGuid().ToString("N");
        string dataDirectory;
        string conversation;
        JsonObject first;
        await using (var host = await EngineHost.StartAsync(settings: settings))
        {
            dataDirectory = host.DataDirectory;
            conversation = (string)(await host.Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "restart")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
            first = await SendAsync(host, conversation, key).ExpectAsync(HttpStatusCode.Created);
        }

        await using (var host = await EngineHost.StartAsync(dataDirectory, settings))
        {
            var again = await SendAsync(host, conversation, key).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal((string?)first["sid"], (string?)again["sid"]);
            var messages = await host.Client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK);
            Assert.Single(messages["messages"]!.AsArray());
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(EngineHost host, string conversation, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v1/Conversations/{conversation}/Messages", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("Body", "across a restart")]),
        };
        request.Headers.Add(IdempotencyFilter.Header, key);
        return await host.Client.SendAsync(request);
    }
}
