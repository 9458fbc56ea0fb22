using ConversationEngine.Twilio;

namespace ConversationEngine.Tests.Twilio;

public sealed class InboundMessageTests
{
    private const string Sid = "SM0123456789abcdef0123456789ABCDEF";

    private static Dictionary<string, string> Sms() => new()
    {
        ["ToCountry"] = "US",
        ["ToState"] = "CA",
        ["SmsMessageSid"] = Sid,
        ["NumMedia"] = "0",
        ["ToCity"] = "SAN FRANCISCO",
        ["FromZip"] = "94105",
        ["SmsSid"] = Sid,
        ["FromState"] = "CA",
        ["SmsStatus"] = "received",
        ["FromCity"] = "SAN FRANCISCO",
        ["Body"] = "Hello there",
        ["FromCountry"] = "US",
        ["To"] = "+15557654321",
        ["MessagingServiceSid"] = "MG0123456789abcdef0123456789abcdef",
        ["ToZip"] = "94016",
        ["NumSegments"] = "1",
        ["MessageSid"] = Sid,
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["From"] = "+15551234567",
        ["ApiVersion"] = "2010-04-01",
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

    private static FormatException Refused(IEnumerable<KeyValuePair<string, string>> form) =>
        Assert.Throws<FormatException>(() => InboundMessage.Parse(form));

    [Fact]
    public void Typical_sms_webhook_is_read_completely()
    {
        var message = InboundMessage.Parse(Sms());

        Assert.Equal(Sid, message.MessageSid);
        Assert.Equal("AC0123456789abcdef0123456789abcdef", message.AccountSid);
        Assert.Equal("MG0123456789abcdef0123456789abcdef", message.MessagingServiceSid);
        Assert.Equal("+15551234567", message.From);
        Assert.Equal("+15557654321", message.To);
        Assert.Equal("Hello there", message.Body);
        Assert.Equal(0, message.NumMedia);
        Assert.Empty(message.Media);
        Assert.Equal(1, message.NumSegments);
        Assert.Equal(("US", "CA", "SAN FRANCISCO", "94105"), (message.FromCountry, message.FromState, message.FromCity, message.FromZip));
        Assert.Equal(("US", "CA", "SAN FRANCISCO", "94016"), (message.ToCountry, message.ToState, message.ToCity, message.ToZip));
        Assert.Null(message.ProfileName);
        Assert.Null(message.OriginalRepliedMessageSid);
    }

    [Fact]
    public void Whatsapp_interactive_and_location_fields_are_read()
    {
        var form = With(Sms(),
            ("From", "whatsapp:+15551234567"),
            ("To", "whatsapp:+15557654321"),
            ("ProfileName", "Ada"),
            ("WaId", "15551234567"),
            ("ButtonPayload", "confirm-42"),
            ("ButtonText", "Confirm"),
            ("Latitude", "37.7749"),
            ("Longitude", "-122.4194"),
            ("OriginalRepliedMessageSid", "SMfedcba9876543210fedcba9876543210"));

        var message = InboundMessage.Parse(form);

        Assert.Equal("whatsapp:+15551234567", message.From);
        Assert.Equal("Ada", message.ProfileName);
        Assert.Equal("15551234567", message.WaId);
        Assert.Equal("confirm-42", message.ButtonPayload);
        Assert.Equal("Confirm", message.ButtonText);
        Assert.Equal("37.7749", message.Latitude);
        Assert.Equal("-122.4194", message.Longitude);
        Assert.Equal("SMfedcba9876543210fedcba9876543210", message.OriginalRepliedMessageSid);
    }

    [Fact]
    public void Unknown_parameters_are_ignored()
    {
        var form = With(Sms(), ("SomethingTwilioAddsNextYear", "x"), ("ChannelMetadata", "{}"));

        Assert.Equal(Sid, InboundMessage.Parse(form).MessageSid);
    }

    [Fact]
    public void Empty_optional_fields_read_as_null()
    {
        var message = InboundMessage.Parse(With(Sms(), ("FromCity", ""), ("ToZip", ""), ("MessagingServiceSid", "")));

        Assert.Null(message.FromCity);
        Assert.Null(message.ToZip);
        Assert.Null(message.MessagingServiceSid);
    }

    [Fact]
    public void Missing_body_reads_as_empty_text()
    {
        Assert.Equal("", InboundMessage.Parse(With(Sms(), ("Body", null))).Body);
    }

    [Fact]
    public void Body_whitespace_and_newlines_are_kept()
    {
        Assert.Equal("  two\r\nlines ", InboundMessage.Parse(With(Sms(), ("Body", "  two\r\nlines "))).Body);
    }

    [Theory]
    [InlineData("From")]
    [InlineData("To")]
    [InlineData("MessageSid")]
    public void Missing_required_parameter_is_refused_by_name(string name)
    {
        var error = Refused(With(Sms(), (name, null)));

        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("From")]
    [InlineData("To")]
    [InlineData("MessageSid")]
    public void Empty_required_parameter_is_refused_by_name(string name)
    {
        Assert.Contains($"'{name}'", Refused(With(Sms(), (name, ""))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SM0123456789abcdef0123456789abcde")]
    [InlineData("SM0123456789abcdef0123456789abcdef0")]
    [InlineData("SM0123456789abcdef0123456789abcdeg")]
    [InlineData("sm0123456789abcdef0123456789abcdef")]
    [InlineData("S10123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData(" SM0123456789abcdef0123456789abcdef")]
    public void Malformed_message_sid_is_refused(string sid)
    {
        Assert.Contains("'MessageSid'", Refused(With(Sms(), ("MessageSid", sid))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mms_message_sid_is_accepted()
    {
        Assert.Equal("MM0123456789abcdef0123456789abcdef", InboundMessage.Parse(With(Sms(), ("MessageSid", "MM0123456789abcdef0123456789abcdef"))).MessageSid);
    }

    [Theory]
    [InlineData("11")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1.0")]
    [InlineData("one")]
    [InlineData("99999999999")]
    public void Num_media_outside_zero_to_ten_is_refused(string numMedia)
    {
        Assert.Contains("'NumMedia'", Refused(With(Sms(), ("NumMedia", numMedia))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_items_are_read_zero_based_in_order()
    {
        var form = With(Sms(),
            ("NumMedia", "2"),
            ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0"),
            ("MediaContentType0", "image/jpeg"),
            ("MediaUrl1", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"),
            ("MediaContentType1", "video/mp4"));

        var message = InboundMessage.Parse(form);

        Assert.Equal(2, message.NumMedia);
        Assert.Collection(message.Media,
            m =>
            {
                Assert.Equal(new Uri("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0"), m.Url);
                Assert.Equal("image/jpeg", m.ContentType);
            },
            m =>
            {
                Assert.Equal(new Uri("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"), m.Url);
                Assert.Equal("video/mp4", m.ContentType);
            });
    }

    [Fact]
    public void Ten_media_items_are_accepted()
    {
        var form = With(Sms(), ("NumMedia", "10"));
        for (var i = 0; i < 10; i++)
        {
            form[$"MediaUrl{i}"] = $"https://media.example.com/{i}";
            form[$"MediaContentType{i}"] = "image/png";
        }

        Assert.Equal(10, InboundMessage.Parse(form).Media.Count);
    }

    [Fact]
    public void Missing_media_url_is_refused_by_name()
    {
        var form = With(Sms(), ("NumMedia", "2"), ("MediaUrl0", "https://m.example.com/0"), ("MediaContentType0", "image/png"), ("MediaContentType1", "image/png"));

        Assert.Contains("'MediaUrl1'", Refused(form).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_media_content_type_is_refused_by_name()
    {
        var form = With(Sms(), ("NumMedia", "1"), ("MediaUrl0", "https://m.example.com/0"));

        Assert.Contains("'MediaContentType0'", Refused(form).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/relative/path")]
    [InlineData("ftp://m.example.com/0")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    public void Media_url_that_is_not_absolute_http_is_refused_by_name(string url)
    {
        var form = With(Sms(), ("NumMedia", "1"), ("MediaUrl0", url), ("MediaContentType0", "image/png"));

        Assert.Contains("'MediaUrl0'", Refused(form).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_media_url_is_accepted()
    {
        var form = With(Sms(), ("NumMedia", "1"), ("MediaUrl0", "http://m.example.com/0"), ("MediaContentType0", "image/png"));

        Assert.Equal("http", InboundMessage.Parse(form).Media[0].Url.Scheme);
    }

    [Theory]
    [InlineData("MediaUrl1")]
    [InlineData("MediaContentType1")]
    [InlineData("MediaUrl7")]
    public void Media_fields_beyond_num_media_are_refused(string extra)
    {
        var form = With(Sms(), ("NumMedia", "1"), ("MediaUrl0", "https://m.example.com/0"), ("MediaContentType0", "image/png"), (extra, "https://m.example.com/x"));

        Assert.Contains($"'{extra}'", Refused(form).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_url_with_zero_num_media_is_refused()
    {
        var form = With(Sms(), ("NumMedia", "0"), ("MediaUrl0", "https://m.example.com/0"));

        Assert.Contains("'MediaUrl0'", Refused(form).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_num_media_means_no_media()
    {
        var message = InboundMessage.Parse(With(Sms(), ("NumMedia", null)));

        Assert.Equal(0, message.NumMedia);
        Assert.Empty(message.Media);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void Non_integer_num_segments_is_refused_by_name(string value)
    {
        Assert.Contains("'NumSegments'", Refused(With(Sms(), ("NumSegments", value))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_required_parameter_with_different_values_is_refused()
    {
        var form = Sms().Append(new("From", "+15550000000"));

        Assert.Contains("'From'", Refused(form).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_parameter_with_the_same_value_is_accepted()
    {
        var form = Sms().Append(new("From", "+15551234567"));

        Assert.Equal("+15551234567", InboundMessage.Parse(form).From);
    }

    [Fact]
    public void Repeated_unknown_parameter_is_ignored()
    {
        var form = Sms().Append(new("Unknown", "a")).Append(new("Unknown", "b"));

        Assert.Equal(Sid, InboundMessage.Parse(form).MessageSid);
    }

    [Fact]
    public void Parameter_names_are_case_sensitive()
    {
        var form = With(Sms(), ("From", null), ("from", "+15551234567"));

        Assert.Contains("'From'", Refused(form).Message, StringComparison.Ordinal);
    }
}
