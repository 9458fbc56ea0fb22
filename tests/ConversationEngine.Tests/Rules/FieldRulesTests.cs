using System.Text;
using ConversationEngine.Rules;

namespace ConversationEngine.Tests.Rules;

public sealed class FieldRulesTests
{
    [Fact]
    public void Absent_attributes_keep_the_current_value_or_default_to_an_empty_object()
    {
        Assert.Equal("{}", FieldRules.Attributes(null, FieldRules.ConversationAttributesMaxBytes));
        Assert.Equal("{\"kept\":true}", FieldRules.Attributes(null, FieldRules.ConversationAttributesMaxBytes, "{\"kept\":true}"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"topic\":\"billing\",\"priority\":2}")]
    [InlineData(" { \"spaced\" : [ 1, 2 ] } ")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{\"emoji\":\"\U0001F600\",\"cjk\":\"\u4F60\u597D\"}")]
    public void Structurally_valid_json_is_stored_exactly_as_given(string attributes) =>
        Assert.Equal(attributes, FieldRules.Attributes(attributes, FieldRules.ConversationAttributesMaxBytes, "{\"old\":1}"));

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{")]
    [InlineData("{\"a\":}")]
    [InlineData("{'single':'quotes'}")]
    [InlineData("{\"trailing\":1,}")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("{unquoted:1}")]
    [InlineData("[1,2")]
    public void Attributes_that_are_not_json_are_refused_with_50304(string attributes)
    {
        var error = Assert.Throws<EngineException>(() => FieldRules.Attributes(attributes, FieldRules.ParticipantAttributesMaxBytes));

        Assert.Equal(Errors.InvalidAttributes, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Attributes_nested_deeper_than_a_json_reader_allows_are_refused_with_50304()
    {
        var deep = new string('[', 200) + new string(']', 200);

        var error = Assert.Throws<EngineException>(() => FieldRules.Attributes(deep, FieldRules.ConversationAttributesMaxBytes));

        Assert.Equal(Errors.InvalidAttributes, error.Code);
    }

    [Theory]
    [InlineData(16 * 1024)] // conversation
    [InlineData(4 * 1024)] // participant, message
    public void Attributes_of_exactly_the_limit_are_accepted(int limit)
    {
        var attributes = JsonOfBytes(limit, 'x');

        Assert.Equal(limit, Encoding.UTF8.GetByteCount(attributes));
        Assert.Equal(attributes, FieldRules.Attributes(attributes, limit));
    }

    [Fact]
    public void Conversation_attributes_over_16_kb_are_refused_with_50304()
    {
        var error = Assert.Throws<EngineException>(() =>
            FieldRules.Attributes(JsonOfBytes(16 * 1024 + 1, 'x'), FieldRules.ConversationAttributesMaxBytes));

        Assert.Equal(Errors.InvalidAttributes, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Participant_attributes_over_4_kb_are_refused_with_50304()
    {
        var error = Assert.Throws<EngineException>(() =>
            FieldRules.Attributes(JsonOfBytes(4 * 1024 + 1, 'x'), FieldRules.ParticipantAttributesMaxBytes));

        Assert.Equal(Errors.InvalidAttributes, error.Code);
    }

    [Fact]
    public void Message_attributes_over_4_kb_are_refused_with_50304()
    {
        var error = Assert.Throws<EngineException>(() =>
            FieldRules.Attributes(JsonOfBytes(4 * 1024 + 1, 'x'), FieldRules.MessageAttributesMaxBytes));

        Assert.Equal(Errors.InvalidAttributes, error.Code);
    }

    [Fact]
    public void The_attribute_limit_counts_utf8_bytes_not_characters()
    {
        // 2,000 three-byte characters: well under 4,096 characters, but 6,000+ bytes.
        var attributes = "{\"a\":\"" + new string('\u20AC', 2000) + "\"}";
        Assert.True(attributes.Length < FieldRules.ParticipantAttributesMaxBytes);

        var error = Assert.Throws<EngineException>(() => FieldRules.Attributes(attributes, FieldRules.ParticipantAttributesMaxBytes));

        Assert.Equal(Errors.InvalidAttributes, error.Code);
    }

    [Fact]
    public void Conversation_limit_admits_what_the_participant_limit_refuses()
    {
        var attributes = JsonOfBytes(8 * 1024, 'y');

        Assert.Equal(attributes, FieldRules.Attributes(attributes, FieldRules.ConversationAttributesMaxBytes));
        Assert.Throws<EngineException>(() => FieldRules.Attributes(attributes, FieldRules.ParticipantAttributesMaxBytes));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Support")]
    public void Short_or_absent_names_pass_unchanged(string? name) =>
        Assert.Equal(name, FieldRules.Bounded(name, "FriendlyName"));

    [Fact]
    public void Name_of_256_characters_is_accepted_and_257_refused()
    {
        var longest = new string('n', 256);
        Assert.Equal(longest, FieldRules.Bounded(longest, "FriendlyName"));

        var error = Assert.Throws<EngineException>(() => FieldRules.Bounded(longest + "n", "FriendlyName"));

        Assert.Equal(Errors.InvalidParameter, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Contains("FriendlyName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bounded_honours_a_custom_limit()
    {
        Assert.Equal("abc", FieldRules.Bounded("abc", "Subject", 3));
        Assert.Throws<EngineException>(() => FieldRules.Bounded("abcd", "Subject", 3));
    }

    [Theory]
    [InlineData("CH0123456789abcdef0123456789abcdef")]
    [InlineData("CHffffffffffffffffffffffffffffffff")]
    public void Unique_name_that_looks_like_a_conversation_sid_is_refused_with_50390(string uniqueName)
    {
        var error = Assert.Throws<EngineException>(() => FieldRules.UniqueName(uniqueName));

        Assert.Equal(Errors.UniqueNameLooksLikeSid, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("support-case-42")]
    [InlineData("CH0123")] // too short to be a SID
    [InlineData("MB0123456789abcdef0123456789abcdef")] // a SID, but not a conversation's
    [InlineData("CH0123456789abcdef0123456789abcdef-copy")]
    public void Other_unique_names_are_accepted(string? uniqueName) =>
        Assert.Equal(uniqueName, FieldRules.UniqueName(uniqueName));

    [Fact]
    public void Empty_unique_name_is_refused()
    {
        var error = Assert.Throws<EngineException>(() => FieldRules.UniqueName(""));

        Assert.Equal(Errors.InvalidParameter, error.Code);
    }

    [Fact]
    public void Unique_name_longer_than_256_characters_is_refused()
    {
        Assert.Equal(new string('u', 256), FieldRules.UniqueName(new string('u', 256)));

        var error = Assert.Throws<EngineException>(() => FieldRules.UniqueName(new string('u', 257)));

        Assert.Equal(Errors.InvalidParameter, error.Code);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Absent_body_is_not_measured(bool reachesChannels) =>
        FieldRules.Body(null, reachesChannels);

    [Fact]
    public void Body_of_1600_characters_reaches_channel_participants()
    {
        FieldRules.Body(new string('b', 1600), reachesChannels: true);
    }

    [Fact]
    public void Body_over_1600_characters_is_refused_with_50504_when_channel_participants_exist()
    {
        var error = Assert.Throws<EngineException>(() => FieldRules.Body(new string('b', 1601), reachesChannels: true));

        Assert.Equal(Errors.BodyTooLong, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Chat_only_body_may_be_up_to_32_kb()
    {
        FieldRules.Body(new string('b', 1601), reachesChannels: false);
        FieldRules.Body(new string('b', 32 * 1024), reachesChannels: false);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Body_over_32_kb_is_refused_with_50504(bool reachesChannels)
    {
        var error = Assert.Throws<EngineException>(() => FieldRules.Body(new string('b', 32 * 1024 + 1), reachesChannels));

        Assert.Equal(Errors.BodyTooLong, error.Code);
    }

    [Fact]
    public void Chat_body_limit_counts_utf8_bytes()
    {
        // 11,000 three-byte characters: 33,000 bytes, over the 32 KB limit.
        var error = Assert.Throws<EngineException>(() => FieldRules.Body(new string('\u20AC', 11_000), reachesChannels: false));

        Assert.Equal(Errors.BodyTooLong, error.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("MG0123456789abcdef0123456789abcdef")]
    public void Sid_parameter_accepts_absent_or_well_formed_values(string? value) =>
        Assert.Equal(value, FieldRules.Sid(value, Sids.MessagingService, "MessagingServiceSid"));

    [Theory]
    [InlineData("")]
    [InlineData("MG123")]
    [InlineData("IS0123456789abcdef0123456789abcdef")]
    [InlineData("MG0123456789abcdef0123456789abcdeZ")]
    public void Sid_parameter_refuses_anything_else(string value)
    {
        var error = Assert.Throws<EngineException>(() => FieldRules.Sid(value, Sids.MessagingService, "MessagingServiceSid"));

        Assert.Equal(Errors.InvalidParameter, error.Code);
        Assert.Contains("MessagingServiceSid", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A JSON object whose UTF-8 encoding is exactly <paramref name="bytes"/> long.</summary>
    private static string JsonOfBytes(int bytes, char filler)
    {
        const string Prefix = "{\"a\":\"";
        const string Suffix = "\"}";
        return Prefix + new string(filler, bytes - Prefix.Length - Suffix.Length) + Suffix;
    }
}
