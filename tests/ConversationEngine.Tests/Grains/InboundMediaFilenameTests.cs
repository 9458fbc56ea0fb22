using System.Net.Http.Headers;
using ConversationEngine.Inbound;

namespace ConversationEngine.Tests.Grains;

/// <summary>The file names inbound media are stored under: the answer's, reduced to a bare name, else derived.</summary>
public sealed class InboundMediaFilenameTests
{
    private const string Sid = "ME0123456789abcdef0123456789abcdef";
    private static readonly Uri TwilioUrl = new("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/MEfedcba9876543210fedcba9876543210");

    [Theory]
    [InlineData("attachment; filename=\"invoice.pdf\"", "invoice.pdf")]
    [InlineData("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", "résumé.pdf")]
    [InlineData("attachment; filename=\"../../etc/passwd\"", "passwd")]
    [InlineData("attachment; filename=\"C:\\\\Users\\\\x\\\\photo.png\"", "photo.png")]
    public void A_named_answer_gives_its_bare_file_name(string header, string expected) =>
        Assert.Equal(expected, InboundMediaFetcher.FilenameOf(ContentDispositionHeaderValue.Parse(header), TwilioUrl, Sid, "application/pdf"));

    [Theory]
    [InlineData("image/jpeg", "MEfedcba9876543210fedcba9876543210.jpg")]
    [InlineData("audio/ogg", "MEfedcba9876543210fedcba9876543210.ogg")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "MEfedcba9876543210fedcba9876543210.docx")]
    [InlineData("application/octet-stream", "MEfedcba9876543210fedcba9876543210")]
    public void An_unnamed_answer_is_named_after_twilio_s_media_sid_and_its_type(string contentType, string expected) =>
        Assert.Equal(expected, InboundMediaFetcher.FilenameOf(null, TwilioUrl, Sid, contentType));

    [Fact]
    public void A_url_without_a_usable_last_segment_names_the_item_after_its_own_sid() =>
        Assert.Equal(Sid + ".png", InboundMediaFetcher.FilenameOf(null, new Uri("https://example.com/media/a%20b%3Fc"), Sid, "image/png"));

    [Fact]
    public void Sids_are_the_same_for_the_same_message_and_position_only()
    {
        Assert.Equal(InboundMediaFetcher.SidFor("MM1", 0), InboundMediaFetcher.SidFor("MM1", 0));
        Assert.NotEqual(InboundMediaFetcher.SidFor("MM1", 0), InboundMediaFetcher.SidFor("MM1", 1));
        Assert.NotEqual(InboundMediaFetcher.SidFor("MM1", 0), InboundMediaFetcher.SidFor("MM2", 0));
        Assert.True(Sids.IsValid(InboundMediaFetcher.SidFor("MM1", 0), Sids.Media));
    }
}
