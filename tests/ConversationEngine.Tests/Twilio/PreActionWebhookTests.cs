using ConversationEngine.Tests.Support;
using ConversationEngine.Twilio.Webhooks;
using ConversationEngine.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Tests.Twilio;

/// <summary>
/// Pre-action hooks by Twilio's table: 200 with <c>{}</c> or nothing proceeds, 200 with modifiable
/// fields modifies, 4xx/5xx rejects, no answer in time proceeds unmodified.
/// </summary>
public sealed class PreActionWebhookTests : IAsyncLifetime
{
    private const string Token = "account-auth-token";
    private const string MessageAdd = "onMessageAdd";
    private const string ConversationAdd = "onConversationAdd";

    private static readonly KeyValuePair<string, string>[] Parameters =
    [
        new("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        new("ConversationSid", "CH0123456789abcdef0123456789abcdef"),
        new("Body", "hello"),
        new("Author", "agent-7"),
        new("Source", "API"),
    ];

    private WebhookReceiver receiver = null!;
    private ServiceProvider services = null!;

    private PreActionHook Hook => services.GetRequiredService<PreActionHook>();

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        services = WebhookClientTests.Services(new Dictionary<string, string?> { ["Webhooks:PreActionTimeout"] = "00:00:02" });
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public void Twilios_five_seconds_are_the_default_timeout()
    {
        using var defaults = WebhookClientTests.Services();

        Assert.Equal(TimeSpan.FromSeconds(5), defaults.GetRequiredService<IOptions<WebhookOptions>>().Value.PreActionTimeout);
    }

    [Fact]
    public async Task An_event_the_filters_do_not_list_proceeds_without_a_call()
    {
        var decision = await CallAsync("/pre", MessageAdd, filters: ["onMessageUpdate", "onConversationAdd"]);

        Assert.Equal(PreActionVerdict.Proceed, decision.Verdict);
        Assert.False(decision.Called);
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("  { }  ")]
    public async Task Ok_with_an_empty_object_or_no_body_proceeds(string body)
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, body, "application/json"));

        var decision = await CallAsync("/pre", MessageAdd);

        Assert.Equal(PreActionVerdict.Proceed, decision.Verdict);
        Assert.True(decision.Called);
        Assert.Equal(200, decision.StatusCode);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(MessageAdd, Assert.Single(request.Values("EventType")));
        Assert.Equal("hello", Assert.Single(request.Values("Body")));
        Assert.True(request.IsValidFor(Token));
        Assert.NotNull(request.Header("I-Twilio-Idempotency-Token"));
    }

    [Fact]
    public async Task Ok_with_message_fields_modifies_them_and_attributes_become_a_string()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, """{"body":"[redacted]","author":"bot","attributes":{ "priority" : "high", "n": [1, 2] },"friendly_name":"not for messages"}""", "application/json"));

        var decision = await CallAsync("/pre", MessageAdd);

        Assert.Equal(PreActionVerdict.Modify, decision.Verdict);
        Assert.Equal("[redacted]", decision.Body);
        Assert.Equal("bot", decision.Author);
        Assert.Equal("""{"priority":"high","n":[1,2]}""", decision.Attributes);
        Assert.Null(decision.FriendlyName);
        Assert.Contains("friendly_name", decision.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attributes_returned_as_a_string_are_kept_as_that_string_and_missing_fields_stay()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, """{"attributes":"{\"a\": 1}","body":null}"""));

        var decision = await CallAsync("/pre", "onMessageUpdate", filters: ["onMessageUpdate"]);

        Assert.Equal(PreActionVerdict.Modify, decision.Verdict);
        Assert.Equal("""{"a": 1}""", decision.Attributes);
        Assert.Null(decision.Body);
        Assert.Null(decision.Author);
    }

    [Fact]
    public async Task Ok_with_a_friendly_name_modifies_a_conversation_event_only()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, """{"friendly_name":"VIP customer","body":"ignored"}"""));

        var conversation = await CallAsync("/pre", ConversationAdd);
        var message = await CallAsync("/pre", MessageAdd);

        Assert.Equal(PreActionVerdict.Modify, conversation.Verdict);
        Assert.Equal("VIP customer", conversation.FriendlyName);
        Assert.Null(conversation.Body);
        Assert.Equal(PreActionVerdict.Modify, message.Verdict);
        Assert.Equal("ignored", message.Body);
        Assert.Null(message.FriendlyName);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Any_4xx_or_5xx_rejects_with_its_status(int status)
    {
        receiver.Answer("/pre", new ReceiverAnswer(status, """{"body":"would modify"}"""));

        var decision = await CallAsync("/pre", MessageAdd);

        Assert.Equal(PreActionVerdict.Reject, decision.Verdict);
        Assert.Equal(status, decision.StatusCode);
        Assert.Null(decision.Body);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_proceeds_unmodified_after_it()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, """{"body":"too late"}""", Delay: TimeSpan.FromSeconds(10)));
        var started = TimeProvider.System.GetTimestamp();

        var decision = await CallAsync("/pre", MessageAdd);

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        Assert.Equal(PreActionVerdict.Proceed, decision.Verdict);
        Assert.True(decision.TimedOut);
        Assert.Null(decision.Body);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(9));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"body\": \"unterminated")]
    [InlineData("[\"an\", \"array\"]")]
    [InlineData("<Response/>")]
    public async Task Ok_with_a_body_that_is_not_a_json_object_proceeds_unmodified(string body)
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, body, "application/json"));

        var decision = await CallAsync("/pre", MessageAdd);

        Assert.Equal(PreActionVerdict.Proceed, decision.Verdict);
        Assert.Null(decision.Body);
        Assert.NotNull(decision.Note);
    }

    [Fact]
    public async Task An_unreachable_hook_proceeds_unmodified()
    {
        var decision = await Hook.CallAsync(
            new PreActionTarget { Url = "http://127.0.0.1:1/pre", Filters = [MessageAdd] }, MessageAdd, Parameters, Token, default);

        Assert.Equal(PreActionVerdict.Proceed, decision.Verdict);
        Assert.Null(decision.StatusCode);
        Assert.False(decision.TimedOut);
    }

    [Fact]
    public async Task A_get_hook_gets_the_parameters_in_its_query()
    {
        receiver.Answer("/pre", new ReceiverAnswer(200, "{}"));

        await Hook.CallAsync(new PreActionTarget { Url = receiver.Url("/pre"), Method = "GET", Filters = [MessageAdd] }, MessageAdd, Parameters, Token, default);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal([new("EventType", MessageAdd), .. Parameters], request.Query);
        Assert.True(request.IsValidFor(Token));
    }

    [Fact]
    public void A_modification_beyond_the_read_cap_proceeds_unmodified()
    {
        var outcome = new WebhookOutcome { StatusCode = 200, Body = "{\"body\":\"" + new string('x', 100), BodyTruncated = true };

        var decision = PreActionDecision.From(outcome, MessageAdd);

        Assert.Equal(PreActionVerdict.Proceed, decision.Verdict);
        Assert.Null(decision.Body);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(302)]
    public void Other_non_refusing_statuses_proceed(int status)
    {
        Assert.Equal(PreActionVerdict.Proceed, PreActionDecision.From(new WebhookOutcome { StatusCode = status }, MessageAdd).Verdict);
    }

    private Task<PreActionDecision> CallAsync(string path, string eventType, string[]? filters = null) =>
        Hook.CallAsync(
            new PreActionTarget { Url = receiver.Url(path), Filters = filters ?? [MessageAdd, ConversationAdd] },
            eventType,
            Parameters,
            Token,
            default);
}
