using ConversationEngine.Twilio;

namespace ConversationEngine.Tests.Twilio;

public sealed class OptOutKeywordsTests
{
    [Theory]
    [InlineData("STOP")]
    [InlineData("STOPALL")]
    [InlineData("UNSUBSCRIBE")]
    [InlineData("CANCEL")]
    [InlineData("END")]
    [InlineData("QUIT")]
    [InlineData("stop")]
    [InlineData("Stop")]
    [InlineData("sToPaLl")]
    [InlineData("unsubscribe")]
    [InlineData("quit")]
    public void Default_opt_out_keywords_opt_out_in_any_case(string body)
    {
        Assert.Equal(KeywordKind.OptOut, OptOutKeywords.Classify(body));
    }

    [Theory]
    [InlineData("START")]
    [InlineData("YES")]
    [InlineData("UNSTOP")]
    [InlineData("start")]
    [InlineData("Yes")]
    [InlineData("unStop")]
    public void Default_opt_in_keywords_opt_in_in_any_case(string body)
    {
        Assert.Equal(KeywordKind.OptIn, OptOutKeywords.Classify(body));
    }

    [Theory]
    [InlineData("HELP")]
    [InlineData("INFO")]
    [InlineData("help")]
    [InlineData("Info")]
    public void Help_keywords_ask_for_help(string body)
    {
        Assert.Equal(KeywordKind.Help, OptOutKeywords.Classify(body));
    }

    [Theory]
    [InlineData(" stop\n", KeywordKind.OptOut)]
    [InlineData("\tSTART  ", KeywordKind.OptIn)]
    [InlineData("\r\nhelp\r\n", KeywordKind.Help)]
    [InlineData("\u00a0Stop\u00a0", KeywordKind.OptOut)]
    public void Surrounding_whitespace_is_ignored(string body, KeywordKind expected)
    {
        Assert.Equal(expected, OptOutKeywords.Classify(body));
    }

    [Theory]
    [InlineData("STOP PLEASE")]
    [InlineData("please stop")]
    [InlineData("stop.")]
    [InlineData("STOP!")]
    [InlineData("STOPP")]
    [InlineData("S TOP")]
    [InlineData("stop\nstop")]
    [InlineData("Yes please")]
    [InlineData("helpful")]
    [InlineData("hello")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Anything_but_a_lone_keyword_is_an_ordinary_message(string? body)
    {
        Assert.Equal(KeywordKind.None, OptOutKeywords.Classify(body));
    }

    [Theory]
    [InlineData("quıt")] // dotless ı (U+0131)
    [InlineData("QUİT")] // dotted İ (U+0130)
    [InlineData("ınfo")]
    [InlineData("İNFO")]
    [InlineData("ｓｔｏｐ")] // full-width
    public void Turkish_i_and_other_look_alikes_are_not_keywords(string body)
    {
        Assert.Equal(KeywordKind.None, OptOutKeywords.Classify(body));
    }
}
