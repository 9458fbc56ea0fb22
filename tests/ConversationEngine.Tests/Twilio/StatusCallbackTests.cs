using ConversationEngine.Twilio;

namespace ConversationEngine.Tests.Twilio;

public sealed class StatusCallbackTests
{
    private const string Sid = "SM0123456789abcdef0123456789abcdef";

    private static Dictionary<string, string> Delivered() => new()
    {
        ["SmsSid"] = Sid,
        ["SmsStatus"] = "delivered",
        ["MessageStatus"] = "delivered",
        ["To"] = "+15557654321",
        ["MessagingServiceSid"] = "MG0123456789abcdef0123456789abcdef",
        ["MessageSid"] = Sid,
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["From"] = "+15551234567",
        ["ApiVersion"] = "2010-04-01",
        ["RawDlrDoneDate"] = "2401151230",
    };

    private static Dictionary<string, string> With(Dictionary<string, string> form, params (string Name, string? Value)[] changes)
    {
        foreach (var (name, value) in changes)
        {
            if (value is null)
            {
                form.Remove(name);
            }
            else
            {
                form[name] = value;
            }
        }

        return form;
    }

    private static FormatException Refused(Dictionary<string, string> form) =>
        Assert.Throws<FormatException>(() => StatusCallback.Parse(form));

    [Fact]
    public void Delivered_callback_is_read_completely()
    {
        var callback = StatusCallback.Parse(Delivered());

        Assert.Equal(Sid, callback.MessageSid);
        Assert.Equal("delivered", callback.MessageStatus);
        Assert.Null(callback.ErrorCode);
        Assert.Null(callback.ErrorMessage);
        Assert.Equal("+15551234567", callback.From);
        Assert.Equal("+15557654321", callback.To);
        Assert.Equal("AC0123456789abcdef0123456789abcdef", callback.AccountSid);
        Assert.Equal("MG0123456789abcdef0123456789abcdef", callback.MessagingServiceSid);
        Assert.Equal("2401151230", callback.RawDlrDoneDate);
        Assert.Null(callback.ChannelStatusMessage);
    }

    [Fact]
    public void Undelivered_callback_carries_its_error_code()
    {
        var callback = StatusCallback.Parse(With(Delivered(),
            ("MessageStatus", "undelivered"), ("ErrorCode", "30003"), ("ErrorMessage", "Unreachable destination handset")));

        Assert.Equal("undelivered", callback.MessageStatus);
        Assert.Equal(30003, callback.ErrorCode);
        Assert.Equal("Unreachable destination handset", callback.ErrorMessage);
    }

    [Fact]
    public void Whatsapp_failure_carries_the_channel_message()
    {
        var callback = StatusCallback.Parse(With(Delivered(),
            ("MessageStatus", "failed"), ("ErrorCode", "63016"), ("ChannelStatusMessage", "outside the 24h window"), ("ChannelPrefix", "whatsapp")));

        Assert.Equal(63016, callback.ErrorCode);
        Assert.Equal("outside the 24h window", callback.ChannelStatusMessage);
    }

    [Theory]
    [InlineData("queued")]
    [InlineData("sending")]
    [InlineData("sent")]
    [InlineData("failed")]
    [InlineData("delivered")]
    [InlineData("undelivered")]
    [InlineData("receiving")]
    [InlineData("received")]
    [InlineData("accepted")]
    [InlineData("scheduled")]
    [InlineData("read")]
    [InlineData("partially_delivered")]
    [InlineData("canceled")]
    public void Every_documented_status_is_accepted(string status)
    {
        Assert.Equal(status, StatusCallback.Parse(With(Delivered(), ("MessageStatus", status))).MessageStatus);
    }

    [Theory]
    [InlineData("DELIVERED", "delivered")]
    [InlineData("Read", "read")]
    [InlineData("Partially_Delivered", "partially_delivered")]
    public void Status_is_read_case_insensitively_and_reported_in_lower_case(string sent, string expected)
    {
        Assert.Equal(expected, StatusCallback.Parse(With(Delivered(), ("MessageStatus", sent))).MessageStatus);
    }

    [Theory]
    [InlineData("done")]
    [InlineData("cancelled")]
    [InlineData(" delivered")]
    [InlineData("delivered,read")]
    public void Unknown_status_is_refused_by_name(string status)
    {
        Assert.Contains("'MessageStatus'", Refused(With(Delivered(), ("MessageStatus", status))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MessageStatus")]
    [InlineData("MessageSid")]
    [InlineData("From")]
    [InlineData("To")]
    [InlineData("AccountSid")]
    public void Missing_required_parameter_is_refused_by_name(string name)
    {
        Assert.Contains($"'{name}'", Refused(With(Delivered(), (name, null))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sms_status_alone_does_not_stand_in_for_message_status()
    {
        Assert.Contains("'MessageStatus'", Refused(With(Delivered(), ("MessageStatus", null))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SM123")]
    [InlineData("sm0123456789abcdef0123456789abcdef")]
    [InlineData("SM0123456789abcdef0123456789abcdez")]
    public void Malformed_message_sid_is_refused(string sid)
    {
        Assert.Contains("'MessageSid'", Refused(With(Delivered(), ("MessageSid", sid))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_error_code_means_no_error()
    {
        Assert.Null(StatusCallback.Parse(With(Delivered(), ("ErrorCode", ""))).ErrorCode);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("30003.0")]
    [InlineData("-1")]
    [InlineData("99999999999")]
    public void Non_integer_error_code_is_refused_by_name(string code)
    {
        Assert.Contains("'ErrorCode'", Refused(With(Delivered(), ("ErrorCode", code))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_fields_are_null_when_absent()
    {
        var callback = StatusCallback.Parse(With(Delivered(), ("MessagingServiceSid", null), ("RawDlrDoneDate", null)));

        Assert.Null(callback.MessagingServiceSid);
        Assert.Null(callback.RawDlrDoneDate);
    }
}
