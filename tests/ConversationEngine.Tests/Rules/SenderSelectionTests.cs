using ConversationEngine.Rules;
using ConversationEngine.Senders;

namespace ConversationEngine.Tests.Rules;

public sealed class SenderSelectionTests
{
    private static readonly Sender UsLongCode415 = Number("PN01", "+14155550100", "US", Capabilities.Sms, Capabilities.Mms, Capabilities.Voice);
    private static readonly Sender UsLongCode212 = Number("PN02", "+12125550100", "US", Capabilities.Sms, Capabilities.Mms);
    private static readonly Sender UkLongCode = Number("PN03", "+447700900100", "GB", Capabilities.Sms);
    private static readonly Sender JapaneseVoiceOnly = Number("PN04", "+81312345678", "JP", Capabilities.Voice);
    private static readonly Sender WhatsAppNumber = Number("PN05", "+14155550199", "US", Capabilities.Sms, Capabilities.WhatsApp);
    private static readonly Sender UsShortCode = new() { Sid = "SC01", Kind = SenderKinds.ShortCode, Address = "12345", Country = "US", Capabilities = [Capabilities.Sms, Capabilities.Mms] };
    private static readonly Sender UkShortCode = new() { Sid = "SC02", Kind = SenderKinds.ShortCode, Address = "60000", Country = "GB", Capabilities = [Capabilities.Sms] };
    private static readonly Sender Alpha = new() { Sid = "AI01", Kind = SenderKinds.Alpha, Address = "Acme", Capabilities = [Capabilities.Sms] };

    [Fact]
    public void Sender_without_the_channel_capability_is_never_chosen()
    {
        var error = Assert.Throws<EngineException>(() => SenderSelection.Choose(Sms("+819012345678"), [JapaneseVoiceOnly], new PoolSettings()));

        Assert.Equal(21703, error.Code);
        Assert.Equal(WhatsAppNumber, SenderSelection.Choose(WhatsApp("+14155550123"), [UsLongCode415, WhatsAppNumber, JapaneseVoiceOnly], new PoolSettings()));
    }

    [Fact]
    public void Empty_pool_is_refused_with_21704()
    {
        Assert.Equal(21704, Assert.Throws<EngineException>(() => SenderSelection.Choose(Sms("+14155550123"), [], new PoolSettings())).Code);
    }

    [Fact]
    public void Sender_in_the_recipients_country_comes_first()
    {
        Assert.Equal(UkLongCode, SenderSelection.Choose(Sms("+447700900555"), [UsLongCode415, UkLongCode], new PoolSettings()));
        Assert.Equal(UsLongCode415, SenderSelection.Choose(Sms("+14155550123"), [UkLongCode, UsLongCode415], new PoolSettings()));
    }

    [Fact]
    public void Without_a_local_sender_a_us_number_is_next()
    {
        Assert.Equal(UsLongCode415, SenderSelection.Choose(Sms("+33612345678"), [UkLongCode, UsLongCode415], new PoolSettings()));
    }

    [Fact]
    public void Area_code_geomatch_prefers_the_same_area_code_when_enabled()
    {
        var need = Sms("+12125559876");

        Assert.Equal(UsLongCode212, SenderSelection.Choose(need, [UsLongCode415, UsLongCode212], new PoolSettings(AreaCodeGeomatch: true)));
        Assert.Equal(UsLongCode415, SenderSelection.Choose(need, [UsLongCode415, UsLongCode212], new PoolSettings(AreaCodeGeomatch: false)));
    }

    [Fact]
    public void Short_code_is_preferred_at_home_and_never_used_abroad()
    {
        Assert.Equal(UsShortCode, SenderSelection.Choose(Sms("+14155550123"), [UsLongCode415, UsShortCode], new PoolSettings()));
        Assert.Equal(UkLongCode, SenderSelection.Choose(Sms("+447700900555"), [UsShortCode, UkLongCode], new PoolSettings()));
        Assert.Throws<EngineException>(() => SenderSelection.Choose(Sms("+447700900555"), [UsShortCode], new PoolSettings()));
        Assert.Equal(UkShortCode, SenderSelection.Choose(Sms("+447700900555"), [UsShortCode, UkShortCode, UkLongCode], new PoolSettings()));
    }

    [Fact]
    public void Sticky_sender_keeps_its_recipient_even_against_a_better_match()
    {
        var need = Sms("+447700900555") with { StickySenderSid = UsLongCode415.Sid };

        Assert.Equal(UsLongCode415, SenderSelection.Choose(need, [UkLongCode, UsLongCode415], new PoolSettings(StickySender: true)));
        Assert.Equal(UkLongCode, SenderSelection.Choose(need, [UkLongCode, UsLongCode415], new PoolSettings(StickySender: false)));
    }

    [Fact]
    public void Sticky_sender_that_lost_its_capability_is_not_kept()
    {
        var need = WhatsApp("+14155550123") with { StickySenderSid = UsLongCode415.Sid };

        Assert.Equal(WhatsAppNumber, SenderSelection.Choose(need, [UsLongCode415, WhatsAppNumber], new PoolSettings()));
    }

    [Fact]
    public void Alphanumeric_id_is_one_way_only()
    {
        var oneWay = Sms("+447700900555") with { TwoWay = false };

        Assert.Equal(Alpha, SenderSelection.Choose(oneWay, [UkLongCode, Alpha], new PoolSettings()));
        Assert.Equal(UkLongCode, SenderSelection.Choose(Sms("+447700900555"), [UkLongCode, Alpha], new PoolSettings()));
        Assert.Throws<EngineException>(() => SenderSelection.Choose(Sms("+447700900555"), [Alpha], new PoolSettings()));
    }

    [Fact]
    public void Alphanumeric_id_never_reaches_the_us_or_canada_or_whatsapp()
    {
        Assert.Equal(UsLongCode415, SenderSelection.Choose(Sms("+14155550123") with { TwoWay = false }, [Alpha, UsLongCode415], new PoolSettings()));
        Assert.Equal(UsLongCode415, SenderSelection.Choose(Sms("+16135550123") with { TwoWay = false }, [Alpha, UsLongCode415], new PoolSettings()));
        Assert.Throws<EngineException>(() => SenderSelection.Choose(WhatsApp("+447700900555") with { TwoWay = false }, [Alpha], new PoolSettings()));
    }

    [Theory]
    [InlineData("MyBrand", true)]
    [InlineData("Acme Co", true)]
    [InlineData("A1", true)]
    [InlineData("12345", false)]
    [InlineData("+15005550006", false)]
    [InlineData("TwelveChars1", false)]
    [InlineData("", false)]
    public void Alphanumeric_ids_are_recognised_and_refused_as_proxy(string value, bool alpha)
    {
        Assert.Equal(alpha, SenderSelection.IsAlphanumericId(value));
        if (alpha)
        {
            Assert.Equal(Errors.InvalidProxyAddress, Assert.Throws<EngineException>(() => SenderSelection.CheckTwoWay(value)).Code);
        }
    }

    [Fact]
    public void Equal_senders_take_turns()
    {
        var second = Number("PN06", "+14155550101", "US", Capabilities.Sms);
        var chosen = Enumerable.Range(0, 4).Select(i => SenderSelection.Choose(Sms("+14155550123"), [UsLongCode415, second], new PoolSettings(), spread: i).Sid).ToList();

        Assert.Equal(["PN01", "PN06", "PN01", "PN06"], chosen);
    }

    [Theory]
    [InlineData("sms", false, "MG1", "Acme", "+1500", SenderPrecedence.Source.MessagingService)]
    [InlineData("sms", false, null, "Acme", "+1500", SenderPrecedence.Source.SenderId)]
    [InlineData("sms", false, null, null, "+1500", SenderPrecedence.Source.Number)]
    [InlineData("sms", true, null, "Acme", "+1500", SenderPrecedence.Source.Number)]
    [InlineData("whatsapp", false, null, "Acme", "+1500", SenderPrecedence.Source.Number)]
    [InlineData("whatsapp", false, "MG1", null, null, SenderPrecedence.Source.MessagingService)]
    public void Messaging_service_beats_sender_id_beats_number(string channel, bool twoWay, string? service, string? senderId, string? number, SenderPrecedence.Source expected)
    {
        Assert.Equal(expected, SenderPrecedence.Resolve(channel, twoWay, service, senderId, number));
    }

    [Theory]
    [InlineData("whatsapp", false, null, "Acme", null)]
    [InlineData("sms", true, null, "Acme", null)]
    [InlineData("sms", false, null, null, null)]
    public void Without_a_usable_source_sending_is_refused(string channel, bool twoWay, string? service, string? senderId, string? number)
    {
        Assert.Equal(21703, Assert.Throws<EngineException>(() => SenderPrecedence.Resolve(channel, twoWay, service, senderId, number)).Code);
    }

    private static SenderNeed Sms(string to) => new("sms", to, TwoWay: true);

    private static SenderNeed WhatsApp(string to) => new("whatsapp", to, TwoWay: true);

    private static Sender Number(string sid, string address, string country, params string[] capabilities) =>
        new() { Sid = sid, Kind = SenderKinds.LongCode, Address = address, Country = country, Capabilities = capabilities };
}
