using ConversationEngine.Rules;

namespace ConversationEngine.Tests.Rules;

public sealed class Iso8601DurationTests
{
    [Theory]
    [InlineData("PT1M", 60)]
    [InlineData("PT10M", 600)]
    [InlineData("PT90S", 90)]
    [InlineData("PT0.5S", 0.5)]
    [InlineData("PT1,5S", 1.5)]
    [InlineData("PT1H", 3600)]
    [InlineData("P1D", 86400)]
    [InlineData("P1DT2H30M", 86400 + 2 * 3600 + 30 * 60)]
    [InlineData("P2W", 14 * 86400)]
    [InlineData("P1M", 30 * 86400)]
    [InlineData("P1Y", 365 * 86400)]
    [InlineData("P1Y2M3DT4H5M6S", (365 + 60 + 3) * 86400 + 4 * 3600 + 5 * 60 + 6)]
    [InlineData("PT36H", 36 * 3600)]
    [InlineData("P0D", 0)]
    public void General_form_durations_are_read(string text, double seconds)
    {
        Assert.True(Iso8601Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("1M")]
    [InlineData("pt1m")]
    [InlineData("PT1m")]
    [InlineData("-PT1M")]
    [InlineData("PT-1M")]
    [InlineData("P1H")]
    [InlineData("PT1D")]
    [InlineData("PT1S1M")]
    [InlineData("PT1M1M")]
    [InlineData("P1D1Y")]
    [InlineData("PT1.5M30S")]
    [InlineData("PT.5S")]
    [InlineData("PT5.S")]
    [InlineData("PT1M ")]
    [InlineData("P T1M")]
    [InlineData("PTM")]
    [InlineData("PT1X")]
    [InlineData("P99999999999999999999D")]
    [InlineData("10 minutes")]
    public void Malformed_durations_are_refused(string? text)
    {
        Assert.False(Iso8601Duration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(60, "PT1M")]
    [InlineData(600, "PT10M")]
    [InlineData(90, "PT1M30S")]
    [InlineData(86400, "P1D")]
    [InlineData(86400 + 3600, "P1DT1H")]
    [InlineData(0.5, "PT0.5S")]
    [InlineData(0, "PT0S")]
    public void Durations_are_written_back_in_the_same_dialect(double seconds, string expected)
    {
        var text = Iso8601Duration.Format(TimeSpan.FromSeconds(seconds));

        Assert.Equal(expected, text);
        Assert.True(Iso8601Duration.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromSeconds(seconds), back);
    }
}
