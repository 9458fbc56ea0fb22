using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Every kind of malformed parameter, body, path and method is refused with a 4xx and Twilio's error
/// body, never a 5xx. Where Twilio documents the code, the code is asserted too.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class MalformedInputTests(EngineFixture fixture)
{
    private const string MissingConversation = "CH00000000000000000000000000000000";
    private const string MissingParticipant = "MB00000000000000000000000000000000";
    private static readonly string TooLong = new('x', 257);

    private HttpClient Client => fixture.Host.Client;

    [Theory]
    [InlineData("not json")]
    [InlineData("{")]
    [InlineData("{'single':'quotes'}")]
    [InlineData("{\"trailing\":1,}")]
    public async Task Attributes_that_are_not_json_are_refused_with_50304_on_every_resource(string attributes)
    {
        var conversation = await NewConversationAsync();
        var participant = await NewChatParticipantAsync(conversation);
        var message = await NewMessageAsync(conversation);

        await Client.PostFormAsync("/v1/Conversations", ("Attributes", attributes)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", ("Attributes", attributes)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "p-" + Guid.NewGuid().ToString("N")), ("Attributes", attributes))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{participant}", ("Attributes", attributes))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "hi"), ("Attributes", attributes))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages/{message}", ("Attributes", attributes))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
    }

    [Fact]
    public async Task Attributes_over_their_byte_limits_are_refused_with_50304()
    {
        var conversation = await NewConversationAsync();
        var participant = await NewChatParticipantAsync(conversation);

        await Client.PostFormAsync("/v1/Conversations", ("Attributes", JsonOfBytes((16 * 1024) + 1)))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{participant}", ("Attributes", JsonOfBytes((4 * 1024) + 1)))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "hi"), ("Attributes", JsonOfBytes((4 * 1024) + 1)))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50304);
        await Client.PostFormAsync("/v1/Conversations", ("Attributes", JsonOfBytes(16 * 1024))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Body_over_1600_characters_is_refused_with_50504_once_an_sms_participant_exists()
    {
        var conversation = await NewConversationAsync();
        var message = await NewMessageAsync(conversation);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", new string('b', 1601))).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants",
                ("MessagingBinding.Address", Numbers.NextUs()), ("MessagingBinding.ProxyAddress", "+15005550006"))
            .ExpectAsync(HttpStatusCode.Created);

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", new string('b', 1601))).ExpectErrorAsync(HttpStatusCode.BadRequest, 50504);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages/{message}", ("Body", new string('b', 1601)))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50504);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", new string('b', 1600))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Names_longer_than_256_characters_are_refused()
    {
        var conversation = await NewConversationAsync();
        var participant = await NewChatParticipantAsync(conversation);
        var message = await NewMessageAsync(conversation);

        await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", TooLong)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync("/v1/Conversations", ("UniqueName", TooLong)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", ("FriendlyName", TooLong)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", ("UniqueName", TooLong)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", TooLong)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{participant}", ("Identity", TooLong)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "hi"), ("Author", TooLong)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages/{message}", ("Author", TooLong)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "hi"), ("Subject", TooLong)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);

        var unchanged = await Client.GetAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
        Assert.Null((string?)unchanged["friendly_name"]);
    }

    [Fact]
    public async Task Unique_name_that_looks_like_a_conversation_sid_is_refused_with_50390_on_update()
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync($"/v1/Conversations/{conversation}", ("UniqueName", "CH0123456789abcdef0123456789abcdef"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50390);
    }

    [Theory]
    [InlineData("open")]
    [InlineData("archived")]
    public async Task Unknown_state_is_refused(string state)
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync("/v1/Conversations", ("State", state)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", ("State", state)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.GetAsync($"/v1/Conversations?State={Uri.EscapeDataString(state)}").ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);

        var unchanged = await Client.GetAsync($"/v1/Conversations/{conversation}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", (string?)unchanged["state"]);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2024-13-45T00:00:00Z")]
    [InlineData("2024-02-30T10:00:00Z")]
    [InlineData("2024-01-01T25:00:00Z")]
    public async Task Malformed_dates_are_refused(string date)
    {
        var conversation = await NewConversationAsync();
        var participant = await NewChatParticipantAsync(conversation);
        var message = await NewMessageAsync(conversation);

        foreach (var name in new[] { "DateCreated", "DateUpdated" })
        {
            await Client.PostFormAsync("/v1/Conversations", (name, date)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
            await Client.PostFormAsync($"/v1/Conversations/{conversation}", (name, date)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
            await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "p-" + Guid.NewGuid().ToString("N")), (name, date))
                .ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
            await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{participant}", (name, date)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
            await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "hi"), (name, date)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
            await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages/{message}", (name, date)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        }

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{participant}", ("LastReadTimestamp", date))
            .ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.GetAsync($"/v1/Conversations?StartDate={Uri.EscapeDataString(date)}").ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.GetAsync($"/v1/Conversations?EndDate={Uri.EscapeDataString(date)}").ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("Timers.Inactive", "banana", 50379)]
    [InlineData("Timers.Inactive", "10 minutes", 50379)]
    [InlineData("Timers.Inactive", "PT", 50379)]
    [InlineData("Timers.Inactive", "-PT5M", 50379)]
    [InlineData("Timers.Inactive", "PT30S", 50375)]
    [InlineData("Timers.Inactive", "PT59S", 50375)]
    [InlineData("Timers.Closed", "banana", 50380)]
    [InlineData("Timers.Closed", "600", 50380)]
    [InlineData("Timers.Closed", "P", 50380)]
    [InlineData("Timers.Closed", "PT5M", 50376)]
    [InlineData("Timers.Closed", "PT9M59S", 50376)]
    public async Task Malformed_or_too_short_timers_are_refused_with_their_codes(string name, string value, int code)
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync("/v1/Conversations", ("State", "active"), (name, value)).ExpectErrorAsync(HttpStatusCode.BadRequest, code);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", (name, value)).ExpectErrorAsync(HttpStatusCode.BadRequest, code);
    }

    [Theory]
    [InlineData("Timers.Inactive", "PT1M")]
    [InlineData("Timers.Closed", "PT10M")]
    public async Task Shortest_allowed_timers_are_accepted(string name, string value)
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync("/v1/Conversations", ("State", "active"), (name, value)).ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", (name, value)).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Timers.Inactive", "PT5M")]
    [InlineData("Timers.Closed", "PT1H")]
    public async Task Timers_on_create_without_state_are_refused_with_50382(string name, string value)
    {
        await Client.PostFormAsync("/v1/Conversations", (name, value)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50382);
    }

    [Theory]
    [InlineData("Timers.Closed", "P20000Y")]
    [InlineData("Timers.Inactive", "P9000Y")]
    [InlineData("Timers.Closed", "P10675199D")]
    public async Task Timers_that_end_beyond_the_calendar_are_refused_not_a_server_fault(string name, string value)
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync("/v1/Conversations", ("State", "active"), (name, value)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", (name, value)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Timers_running_from_the_last_representable_date_do_not_cause_a_server_fault()
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync("/v1/Conversations", ("State", "active"), ("Timers.Inactive", "PT5M"), ("DateUpdated", "9999-12-31T23:59:59Z"))
            .ExpectBelow500WithTwilioErrorAsync();
        await Client.PostFormAsync("/v1/Conversations", ("State", "inactive"), ("Timers.Closed", "PT10M"), ("DateCreated", "9999-12-31T23:55:00Z"))
            .ExpectBelow500WithTwilioErrorAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", ("Timers.Inactive", "PT5M"), ("DateUpdated", "9999-12-31T23:59:59Z"))
            .ExpectBelow500WithTwilioErrorAsync();
    }

    [Theory]
    [InlineData("MG123")]
    [InlineData("IS0123456789abcdef0123456789abcdef")]
    [InlineData("MG0123456789abcdef0123456789abcdeZ")]
    public async Task Malformed_messaging_service_sid_is_refused(string sid)
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync("/v1/Conversations", ("MessagingServiceSid", sid)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", ("MessagingServiceSid", sid)).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("RL123")]
    [InlineData("MB0123456789abcdef0123456789abcdef")]
    [InlineData("RL0123456789abcdef0123456789abcdex")]
    public async Task Malformed_role_sid_is_refused(string sid)
    {
        var conversation = await NewConversationAsync();
        var participant = await NewChatParticipantAsync(conversation);

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "p-" + Guid.NewGuid().ToString("N")), ("RoleSid", sid))
            .ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{participant}", ("RoleSid", sid))
            .ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("MediaSid", "ME123")]
    [InlineData("MediaSid", "HX0123456789abcdef0123456789abcdef")]
    [InlineData("ContentSid", "HX123")]
    [InlineData("ContentSid", "ME0123456789abcdef0123456789abcdef")]
    public async Task Malformed_media_and_content_sids_are_refused(string name, string sid)
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "hi"), (name, sid))
            .ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);

        var messages = await Client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(messages["messages"]!.AsArray());
    }

    [Fact]
    public async Task Content_variables_that_are_not_json_are_refused_with_50527()
    {
        var conversation = await NewConversationAsync();

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages",
                ("ContentSid", "HX0123456789abcdef0123456789abcdef"), ("ContentVariables", "{\"1\":"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50527);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public async Task Malformed_last_read_message_index_is_refused(string index)
    {
        var conversation = await NewConversationAsync();
        var participant = await NewChatParticipantAsync(conversation);

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{participant}", ("LastReadMessageIndex", index))
            .ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);

        var unchanged = await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/{participant}").ExpectAsync(HttpStatusCode.OK);
        Assert.Null(unchanged["last_read_message_index"]);
    }

    [Theory]
    [InlineData("PageSize=0")]
    [InlineData("PageSize=1001")]
    [InlineData("PageSize=x")]
    [InlineData("PageSize=-5")]
    [InlineData("PageSize=99999999999")]
    [InlineData("Page=-1")]
    [InlineData("Page=first")]
    public async Task Malformed_paging_is_refused_on_every_list(string query)
    {
        var conversation = await NewConversationAsync();

        foreach (var list in ListsOf(conversation))
        {
            await Client.GetAsync($"{list}?{query}").ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("PT")]
    [InlineData("PT-1")]
    [InlineData("PTabc")]
    [InlineData("PT99999999999999999999")]
    [InlineData("PAMM1")]
    public async Task Bad_page_token_is_refused_with_21481_on_every_list(string token)
    {
        var conversation = await NewConversationAsync();

        foreach (var list in ListsOf(conversation))
        {
            await Client.GetAsync($"{list}?PageToken={Uri.EscapeDataString(token)}").ExpectErrorAsync(HttpStatusCode.BadRequest, 21481);
        }
    }

    [Theory]
    [InlineData("sideways")]
    [InlineData("ASC")]
    public async Task Unknown_message_order_is_refused(string order)
    {
        var conversation = await NewConversationAsync();

        await Client.GetAsync($"/v1/Conversations/{conversation}/Messages?Order={order}").ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Conversation_list_filtered_to_the_last_day_of_the_calendar_is_answered()
    {
        await Client.GetAsync("/v1/Conversations?EndDate=9999-12-31").ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync("/v1/Conversations?StartDate=0001-01-01&EndDate=9999-12-31&PageSize=1").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Next_page_link_after_the_largest_page_number_can_be_followed()
    {
        await NewConversationAsync();
        await NewConversationAsync();

        var page = await Client.GetAsync($"/v1/Conversations?PageSize=1&Page={int.MaxValue}").ExpectAsync(HttpStatusCode.OK);
        var next = (string?)page["meta"]!["next_page_url"];

        Assert.NotNull(next);
        await Client.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("yes")]
    public async Task Webhook_header_other_than_true_or_false_is_refused(string value)
    {
        var conversation = await NewConversationAsync();
        var participant = await NewChatParticipantAsync(conversation);
        var message = await NewMessageAsync(conversation);
        var writes = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, "/v1/Conversations"),
            (HttpMethod.Post, $"/v1/Conversations/{conversation}"),
            (HttpMethod.Post, $"/v1/Conversations/{conversation}/Participants"),
            (HttpMethod.Post, $"/v1/Conversations/{conversation}/Participants/{participant}"),
            (HttpMethod.Delete, $"/v1/Conversations/{conversation}/Participants/{participant}"),
            (HttpMethod.Post, $"/v1/Conversations/{conversation}/Messages"),
            (HttpMethod.Post, $"/v1/Conversations/{conversation}/Messages/{message}"),
            (HttpMethod.Delete, $"/v1/Conversations/{conversation}/Messages/{message}"),
            (HttpMethod.Delete, $"/v1/Conversations/{conversation}"),
        };

        foreach (var (method, path) in writes)
        {
            await SendAsync(method, path, request => request.Headers.TryAddWithoutValidation("X-Twilio-Webhook-Enabled", value))
                .ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        }

        // Every refusal came before the write: everything is still there.
        await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/{participant}").ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}").ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("True")]
    public async Task Webhook_header_true_or_false_is_accepted(string value)
    {
        await SendAsync(HttpMethod.Post, "/v1/Conversations", request => request.Headers.TryAddWithoutValidation("X-Twilio-Webhook-Enabled", value))
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Json_body_instead_of_a_form_is_refused_with_415()
    {
        var conversation = await NewConversationAsync();
        var participant = await NewChatParticipantAsync(conversation);
        var paths = new[]
        {
            "/v1/Conversations",
            $"/v1/Conversations/{conversation}",
            $"/v1/Conversations/{conversation}/Participants",
            $"/v1/Conversations/{conversation}/Participants/{participant}",
            $"/v1/Conversations/{conversation}/Messages",
        };

        foreach (var path in paths)
        {
            await Client.PostAsync(path, new StringContent("{\"FriendlyName\":\"json\",\"Identity\":\"json\",\"Body\":\"json\"}", Encoding.UTF8, "application/json"))
                .ExpectTwilioErrorAsync(HttpStatusCode.UnsupportedMediaType);
        }

        await Client.PostAsync("/v1/Conversations", new StringContent("FriendlyName=plain", Encoding.UTF8, "text/plain"))
            .ExpectTwilioErrorAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Body_that_is_not_valid_form_encoding_is_refused()
    {
        var tooManyFields = string.Join('&', Enumerable.Range(0, 2000).Select(i => "F" + i.ToString(CultureInfo.InvariantCulture) + "=1"));
        var bodies = new (string ContentType, string Body)[]
        {
            ("multipart/form-data", "FriendlyName=x"),
            ("multipart/form-data; boundary=xyz", "garbage that is not multipart"),
            ("multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"FriendlyName\"\r\n\r\nunterminated"),
            ("application/x-www-form-urlencoded", "FriendlyName=a%00b"),
            ("application/x-www-form-urlencoded", new string('k', 3000) + "=v"),
            ("application/x-www-form-urlencoded", tooManyFields),
        };

        foreach (var (contentType, body) in bodies)
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            await Client.PostAsync("/v1/Conversations", content).ExpectTwilioErrorAsync(HttpStatusCode.BadRequest);
        }
    }

    [Theory]
    [InlineData(MissingConversation)]
    [InlineData("no-such-unique-name")]
    public async Task Unknown_conversation_is_404_on_every_path(string conversation)
    {
        await Client.GetAsync($"/v1/Conversations/{conversation}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}", ("FriendlyName", "x")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"/v1/Conversations/{conversation}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Conversations/{conversation}/Participants").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "alice")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/{MissingParticipant}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Conversations/{conversation}/Messages").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "hi")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{Sids.NewMessage(0)}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Theory]
    [InlineData(MissingParticipant)]
    [InlineData("MBnope")]
    [InlineData("nobody")]
    public async Task Unknown_participant_is_404(string participant)
    {
        var conversation = await NewConversationAsync();

        await Client.GetAsync($"/v1/Conversations/{conversation}/Participants/{participant}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants/{participant}", ("Attributes", "{}"))
            .ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.DeleteAsync($"/v1/Conversations/{conversation}/Participants/{participant}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task Unknown_or_garbage_message_sid_is_404()
    {
        var conversation = await NewConversationAsync();
        var message = await NewMessageAsync(conversation);
        var candidates = new[]
        {
            "IMnope",
            "garbage",
            "IM" + new string('z', 32),
            Sids.NewMessage(0), // the right index with the wrong random digits
            Sids.NewMessage(1), // an index not handed out yet
            Sids.NewMessage(uint.MaxValue),
            message.Replace("IM", "CH", StringComparison.Ordinal),
        };

        foreach (var sid in candidates)
        {
            await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
            await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages/{sid}", ("Body", "edited")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
            await Client.DeleteAsync($"/v1/Conversations/{conversation}/Messages/{sid}").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        }

        await Client.GetAsync($"/v1/Conversations/{conversation}/Messages/{message}").ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/v1/Nope")]
    [InlineData("/v2/Conversations")]
    [InlineData("/v1/Conversations/CH00000000000000000000000000000000/Nope")]
    [InlineData("/v1/Conversations/CH00000000000000000000000000000000/Messages/IM00000000000000000000000000000000/Nope")]
    [InlineData("/")]
    public async Task Unknown_route_is_404_with_twilio_body(string path)
    {
        await Client.GetAsync(path).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await Client.PostFormAsync(path, ("FriendlyName", "x")).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Theory]
    [InlineData("PUT", "/v1/Conversations")]
    [InlineData("DELETE", "/v1/Conversations")]
    [InlineData("PATCH", "/v1/Conversations/CH00000000000000000000000000000000")]
    [InlineData("PUT", "/v1/Conversations/CH00000000000000000000000000000000/Participants")]
    [InlineData("PATCH", "/v1/Conversations/CH00000000000000000000000000000000/Messages/IM00000000000000000000000000000000")]
    [InlineData("DELETE", "/v1/Configuration/")]
    public async Task Wrong_method_is_405_with_twilio_body(string method, string path)
    {
        await SendAsync(new HttpMethod(method), path).ExpectErrorAsync(HttpStatusCode.MethodNotAllowed, 20004);
    }

    [Fact]
    public async Task Random_junk_in_known_parameters_never_causes_a_server_error()
    {
        const int Combinations = 200;
        var random = new Random(20_240_611);
        var failures = new List<string>();
        var statuses = new List<int>();
        for (var i = 0; i < Combinations; i++)
        {
            var (path, names) = await FuzzTargetAsync(random.Next(6));
            var fields = new List<string>();
            var count = random.Next(1, 4);
            for (var j = 0; j < count; j++)
            {
                var name = random.Next(4) == 0 ? Fuzz.AllNames[random.Next(Fuzz.AllNames.Length)] : names[random.Next(names.Length)];
                fields.Add(Uri.EscapeDataString(name) + "=" + Fuzz.Value(random));
            }

            var body = string.Join('&', fields);
            var header = random.Next(8) == 0 ? Fuzz.HeaderValues[random.Next(Fuzz.HeaderValues.Length)] : null;
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            if (header is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Twilio-Webhook-Enabled", header);
            }

            using var response = await Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            statuses.Add(status);
            var problem = status >= 500 ? "server error" : status >= 400 ? TwilioErrorShape.Problem(status, text) : null;
            if (problem is not null)
            {
                var shown = body.Length > 300 ? body[..300] + "…" : body;
                failures.Add($"#{i} POST {path} [{shown}]{(header is null ? "" : $" X-Twilio-Webhook-Enabled: {header}")} -> {status} {text} ({problem})");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Combinations} requests were answered wrongly:\n" + string.Join('\n', failures));

        // The junk must reach the validators, not all bounce off one of them: some combinations pass.
        var outcomes = string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));
        Assert.True(statuses.Count(s => s < 300) >= 10, outcomes);
        Assert.True(statuses.Count(s => s >= 400) >= 10, outcomes);
    }

    private async Task<(string Path, string[] Names)> FuzzTargetAsync(int target)
    {
        switch (target)
        {
            case 0:
                return ("/v1/Conversations", Fuzz.ConversationNames);
            case 1:
                return ($"/v1/Conversations/{await NewConversationAsync()}", Fuzz.ConversationNames);
            case 2:
                return ($"/v1/Conversations/{await NewConversationAsync()}/Participants", Fuzz.ParticipantNames);
            case 3:
            {
                var conversation = await NewConversationAsync();
                return ($"/v1/Conversations/{conversation}/Participants/{await NewChatParticipantAsync(conversation)}", Fuzz.ParticipantNames);
            }

            case 4:
                return ($"/v1/Conversations/{await NewConversationAsync()}/Messages", Fuzz.MessageNames);
            default:
            {
                var conversation = await NewConversationAsync();
                return ($"/v1/Conversations/{conversation}/Messages/{await NewMessageAsync(conversation)}", Fuzz.MessageNames);
            }
        }
    }

    private static string[] ListsOf(string conversation) =>
    [
        "/v1/Conversations",
        $"/v1/Conversations/{conversation}/Participants",
        $"/v1/Conversations/{conversation}/Messages",
    ];

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = new FormUrlEncodedContent([]);
        }

        configure?.Invoke(request);
        return await Client.SendAsync(request);
    }

    private async Task<string> NewConversationAsync() =>
        (string)(await Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<string> NewChatParticipantAsync(string conversation) =>
        (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", "p-" + Guid.NewGuid().ToString("N")))
            .ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<string> NewMessageAsync(string conversation) =>
        (string)(await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Body", "hello")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private static string JsonOfBytes(int bytes) => "{\"a\":\"" + new string('x', bytes - 8) + "\"}";

    /// <summary>Junk for the fuzz test: parameter names Twilio defines, values that are mostly wrong for them.</summary>
    private static class Fuzz
    {
        public static readonly string[] ConversationNames =
        [
            "FriendlyName", "UniqueName", "Attributes", "MessagingServiceSid", "State", "Timers.Inactive", "Timers.Closed",
            "DateCreated", "DateUpdated", "Bindings.Email.Address", "Bindings.Email.Name",
        ];

        public static readonly string[] ParticipantNames =
        [
            "Identity", "MessagingBinding.Address", "MessagingBinding.ProxyAddress", "MessagingBinding.ProjectedAddress", "Attributes",
            "RoleSid", "DateCreated", "DateUpdated", "LastReadMessageIndex", "LastReadTimestamp",
        ];

        public static readonly string[] MessageNames =
        [
            "Author", "Body", "Attributes", "MediaSid", "ContentSid", "ContentVariables", "Subject", "DateCreated", "DateUpdated",
        ];

        public static readonly string[] AllNames = [.. ConversationNames.Concat(ParticipantNames).Concat(MessageNames).Distinct()];

        public static readonly string[] HeaderValues = ["true", "false", "maybe", "", "TRUE", "1"];

        private static readonly string[] Fixed =
        [
            "", " ", "null", "true", "false", "maybe", "0", "-1", "1.5", "99999999999999999999", "NaN", "1e10",
            "active", "inactive", "closed", "initializing", "open",
            "PT0S", "PT30S", "PT1M", "PT10M", "P1D", "-PT5M", "PT", "P", "banana", "P20000Y", "P10675199D", "PT1.5M",
            "2024-02-30T10:00:00Z", "yesterday", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-01-01T00:00:00+14:00",
            "2015-12-16T22:18:37Z", "1700000000",
            "{}", "[]", "{", "{\"a\":1}", "\"str\"", "{\"a\":", new string('[', 100) + new string(']', 100),
            "CH0123456789abcdef0123456789abcdef", "MG0123456789abcdef0123456789abcdef", "RL0123456789abcdef0123456789abcdef",
            "ME0123456789abcdef0123456789abcdef", "HX0123456789abcdef0123456789abcdef", "IS0123456789abcdef0123456789abcdef",
            "MB0123456789abcdef0123456789abcdef", "IM0123456789abcdef0123456789abcdef", "MG123", "RLzz", "HX",
            "+15005550006", "whatsapp:+15005550006", "12345", "messenger:abc123", "messenger:", "whatsapp:", "+", "+1", "+999123",
            "sms:", "rcs:+15551234567", "email:a@b.c", "a@b.c",
            "\u202Eevil", "\U0001F600\U0001F600", "\u4F60\u597D", "e\u0301", "\t\r\n", "<script>", "'; DROP TABLE x;--",
        ];

        private static readonly string[] RawEncoded = ["%FF%FE", "%00", "%", "%zz", "%C0%80", "%ED%A0%80", "a%2", "+++", "%2B%2B"];

        private static readonly int[] LongLengths = [256, 257, 1600, 1601, 4097, 16385, 40000];

        /// <summary>An already form-encoded value.</summary>
        public static string Value(Random random)
        {
            switch (random.Next(10))
            {
                case 0:
                    return RawEncoded[random.Next(RawEncoded.Length)];
                case 1:
                    return new string('x', LongLengths[random.Next(LongLengths.Length)]);
                case 2:
                    return Uri.EscapeDataString(random.Next(2) == 0 ? Numbers.NextUs() : "whatsapp:" + Numbers.NextUs());
                case 3:
                    return Uri.EscapeDataString(RandomText(random, random.Next(1, 40), ascii: true));
                case 4:
                    return Uri.EscapeDataString(RandomText(random, random.Next(1, 20), ascii: false));
                default:
                    return Uri.EscapeDataString(Fixed[random.Next(Fixed.Length)]);
            }
        }

        private static string RandomText(Random random, int length, bool ascii)
        {
            const string Unicode = "aZ09+:{}[]\"'\\/é€\u4F60\u0627\u05D0\u0301\u200B\uFEFF\u00A0";
            var text = new StringBuilder(length);
            for (var i = 0; i < length; i++)
            {
                text.Append(ascii ? (char)random.Next(0x20, 0x7F) : Unicode[random.Next(Unicode.Length)]);
            }

            return text.ToString();
        }
    }
}

/// <summary>Checks that a refusal carries Twilio's error body: {code, message, more_info, status}.</summary>
internal static class TwilioErrorShape
{
    /// <summary>What is wrong with the body, or null when it is Twilio's error body for this status.</summary>
    public static string? Problem(int status, string text)
    {
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return "body is not JSON";
        }

        if (body is null)
        {
            return "body is not a JSON object";
        }

        if (body["code"] is not JsonValue codeValue || !codeValue.TryGetValue<int>(out var code))
        {
            return "no integer code";
        }

        if (body["status"] is not JsonValue statusValue || !statusValue.TryGetValue<int>(out var bodyStatus) || bodyStatus != status)
        {
            return "status in the body differs from the HTTP status";
        }

        if (string.IsNullOrWhiteSpace((string?)body["message"]))
        {
            return "no message";
        }

        return (string?)body["more_info"] == $"https://www.twilio.com/docs/errors/{code}" ? null : "more_info does not name the code";
    }

    /// <summary>Asserts the HTTP status and a Twilio error body, whatever its code.</summary>
    public static async Task<JsonObject> ExpectTwilioErrorAsync(this Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var problem = Problem((int)status, text);
        Assert.True(problem is null, $"{problem}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts no server fault, and Twilio's error body when the request was refused.</summary>
    public static async Task ExpectBelow500WithTwilioErrorAsync(this Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"expected no server fault, got {status}: {text}");
        if (status >= 400)
        {
            var problem = Problem(status, text);
            Assert.True(problem is null, $"{problem}: {text}");
        }
    }
}
