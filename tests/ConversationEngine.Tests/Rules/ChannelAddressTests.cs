using ConversationEngine.Rules;

namespace ConversationEngine.Tests.Rules;

public sealed class ChannelAddressTests
{
    private const int Code = Errors.InvalidProxyAddress;

    [Theory]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("+442079460958", "+442079460958")]
    [InlineData("+1 (555) 123-4567", "+15551234567")]
    [InlineData("+1.555.123.4567", "+15551234567")]
    [InlineData("  +15551234567  ", "+15551234567")]
    [InlineData("sms:+15551234567", "+15551234567")]
    [InlineData("SMS:+1 555 123 4567", "+15551234567")]
    [InlineData("+49 30 901820", "+4930901820")]
    [InlineData("+81 3-1234-5678", "+81312345678")]
    public void Phone_numbers_are_normalised_to_e164_sms_addresses(string raw, string expected)
    {
        var address = ChannelAddress.Parse(raw, "MessagingBinding.Address", Code);

        Assert.Equal(ChannelTypes.Sms, address.Type);
        Assert.Equal(expected, address.Value);
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("whatsapp:+44 7700 900123", "whatsapp:+447700900123")]
    [InlineData("whatsapp:+15551234567", "whatsapp:+15551234567")]
    [InlineData("WhatsApp:+1 (555) 123-4567", "whatsapp:+15551234567")]
    [InlineData("whatsapp: +15551234567", "whatsapp:+15551234567")]
    public void Whatsapp_addresses_keep_their_prefix_and_an_e164_number(string raw, string expected)
    {
        var address = ChannelAddress.Parse(raw, "MessagingBinding.Address", Code);

        Assert.Equal(ChannelTypes.WhatsApp, address.Type);
        Assert.Equal(expected, address.Value);
    }

    [Theory]
    [InlineData("messenger:1234567890", "messenger:1234567890")]
    [InlineData("Messenger:abcDEF123", "messenger:abcDEF123")]
    public void Messenger_addresses_keep_their_page_scoped_id(string raw, string expected)
    {
        var address = ChannelAddress.Parse(raw, "MessagingBinding.Address", Code);

        Assert.Equal(ChannelTypes.Messenger, address.Type);
        Assert.Equal(expected, address.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("garbage")]
    [InlineData("15551234567")] // no '+' and country code
    [InlineData("0044 20 7946 0958")] // international prefix instead of '+'
    [InlineData("+")]
    [InlineData("+1")]
    [InlineData("+1555")] // too short to be any number
    [InlineData("+4420794609581234567")] // too long to be any number
    [InlineData("+999 1234567")] // no such country code
    [InlineData("+1555123456x")]
    [InlineData("whatsapp:")]
    [InlineData("whatsapp:15551234567")]
    [InlineData("whatsapp:+1")]
    [InlineData("messenger:")]
    [InlineData("messenger:abc-def")]
    [InlineData("messenger:abc def")]
    [InlineData("telegram:+15551234567")]
    [InlineData("rcs:+15551234567")]
    [InlineData("email:someone@example.com")]
    [InlineData(":+15551234567")]
    public void Anything_else_is_refused_with_the_callers_code(string raw)
    {
        var error = Assert.Throws<EngineException>(() => ChannelAddress.Parse(raw, "MessagingBinding.ProxyAddress", Code));

        Assert.Equal(Code, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Contains("MessagingBinding.ProxyAddress", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Address_longer_than_256_characters_is_refused()
    {
        var raw = "+1555" + new string('1', 252);

        var error = Assert.Throws<EngineException>(() => ChannelAddress.Parse(raw, "MessagingBinding.Address", Errors.InvalidParameter));

        Assert.Equal(Errors.InvalidParameter, error.Code);
    }

    [Theory]
    [InlineData(Errors.InvalidParameter)]
    [InlineData(Errors.InvalidProxyAddress)]
    public void The_refusal_carries_whichever_code_the_caller_asks_for(int code)
    {
        var error = Assert.Throws<EngineException>(() => ChannelAddress.Parse("nonsense", "X", code));

        Assert.Equal(code, error.Code);
    }

    [Theory]
    [InlineData("123", "123")]
    [InlineData("12345", "12345")]
    [InlineData("87654321", "87654321")]
    [InlineData("sms:24680", "24680")]
    public void Short_codes_are_accepted_where_allowed(string raw, string expected)
    {
        var address = ChannelAddress.Parse(raw, "MessagingBinding.ProxyAddress", Code, allowShortCode: true);

        Assert.Equal(ChannelTypes.Sms, address.Type);
        Assert.Equal(expected, address.Value);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("sms:12345")]
    public void Short_codes_are_refused_where_not_allowed(string raw)
    {
        var error = Assert.Throws<EngineException>(() => ChannelAddress.Parse(raw, "MessagingBinding.Address", Code));

        Assert.Equal(Code, error.Code);
    }

    [Theory]
    [InlineData("12")] // too short for a short code
    [InlineData("123456789")] // too long for a short code, and no '+'
    [InlineData("12a45")]
    [InlineData("whatsapp:12345")] // WhatsApp has no short codes
    public void Short_code_allowance_does_not_admit_other_digit_strings(string raw)
    {
        var error = Assert.Throws<EngineException>(() => ChannelAddress.Parse(raw, "MessagingBinding.ProxyAddress", Code, allowShortCode: true));

        Assert.Equal(Code, error.Code);
    }

    [Fact]
    public void Addresses_written_differently_parse_to_equal_values()
    {
        var first = ChannelAddress.Parse("+44 20 7946 0958", "A", Code);
        var second = ChannelAddress.Parse("sms:+442079460958", "A", Code);

        Assert.Equal(first, second);
    }
}
