using ConversationEngine.Contacts;

namespace ConversationEngine.Tests.Rules;

/// <summary>Keyword matching: Twilio's defaults first, then a service's own, on the whole message after NFKC.</summary>
public sealed class ConsentKeywordsTests
{
    private static readonly ConsentKeywordRule[] Rules =
    [
        new() { Language = "ja", Action = KeywordAction.OptOut, Keywords = ["停止", "テイシ", "ダメ"], Reply = "停止しました" },
        new() { Language = "es", Action = KeywordAction.OptIn, Keywords = ["SÍ", "COMENZAR"], Reply = "Suscrito" },
        new() { Language = "es", Action = KeywordAction.Help, Keywords = ["AYUDA"] },
    ];

    [Theory]
    [InlineData("停止", KeywordAction.OptOut, "停止")]
    [InlineData(" 停止\n", KeywordAction.OptOut, "停止")]
    [InlineData("\u3000停止\u3000", KeywordAction.OptOut, "停止")]
    [InlineData("ﾃｲｼ", KeywordAction.OptOut, "テイシ")]
    [InlineData("ﾀﾞﾒ", KeywordAction.OptOut, "ダメ")]
    [InlineData("タ\u3099メ", KeywordAction.OptOut, "ダメ")]
    [InlineData("sí", KeywordAction.OptIn, "SÍ")]
    [InlineData("SI\u0301", KeywordAction.OptIn, "SÍ")]
    [InlineData("ｃｏｍｅｎｚａｒ", KeywordAction.OptIn, "COMENZAR")]
    [InlineData("Ayuda", KeywordAction.Help, "AYUDA")]
    public void Service_keywords_match_whole_messages_in_any_width_and_case(string body, KeywordAction action, string keyword)
    {
        var match = ConsentKeywords.Match(body, Rules);

        Assert.NotNull(match);
        Assert.Equal(action, match.Action);
        Assert.Equal(keyword, match.Keyword);
        Assert.NotNull(match.Rule);
        Assert.False(match.TwilioDefault);
    }

    [Theory]
    [InlineData("停止して")]
    [InlineData("停 止")]
    [InlineData("SI")]
    [InlineData("COMENZAR YA")]
    [InlineData("comenzar\u0131")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_messages_are_no_keywords(string? body) => Assert.Null(ConsentKeywords.Match(body, Rules));

    [Fact]
    public void Dotless_i_does_not_fold_to_I()
    {
        Assert.Null(ConsentKeywords.Match("QUıT", []));
        Assert.Null(ConsentKeywords.Match("AYUDA", [Rules[0]]));
        Assert.Null(ConsentKeywords.Match("AYUDı", [new() { Language = "en", Action = KeywordAction.Help, Keywords = ["AYUDI"] }]));
    }

    [Fact]
    public void Twilio_defaults_come_first_and_only_the_body_as_sent_counts_as_answered_by_Twilio()
    {
        var stop = ConsentKeywords.Match(" stop ", Rules);
        Assert.Equal(KeywordAction.OptOut, stop!.Action);
        Assert.True(stop.TwilioDefault);
        Assert.Null(stop.Rule);

        var wide = ConsentKeywords.Match("ＳＴＯＰ", Rules);
        Assert.Equal(KeywordAction.OptOut, wide!.Action);
        Assert.Equal("STOP", wide.Keyword);
        Assert.False(wide.TwilioDefault);
    }
}
