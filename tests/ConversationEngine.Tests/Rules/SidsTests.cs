using System.Text.RegularExpressions;

namespace ConversationEngine.Tests.Rules;

public sealed partial class SidsTests
{
    [Theory]
    [InlineData(Sids.Account)]
    [InlineData(Sids.Conversation)]
    [InlineData(Sids.Participant)]
    [InlineData(Sids.Message)]
    [InlineData(Sids.MessagingService)]
    public void New_sid_is_its_prefix_and_32_lowercase_hex_digits(string prefix)
    {
        var sid = Sids.New(prefix);

        Assert.Matches(new Regex($"^{prefix}[0-9a-f]{{32}}$"), sid);
        Assert.True(Sids.IsValid(sid, prefix));
    }

    [Fact]
    public void New_sids_do_not_repeat()
    {
        var sids = Enumerable.Range(0, 1000).Select(_ => Sids.New(Sids.Conversation)).ToList();

        Assert.Equal(sids.Count, sids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("CH0123456789abcdef0123456789abcdef", true)]
    [InlineData("CH0123456789ABCDEF0123456789ABCDEF", true)] // the spec's pattern is [0-9a-fA-F]{32}
    [InlineData("MB0123456789abcdef0123456789abcdef", false)] // another resource's prefix
    [InlineData("ch0123456789abcdef0123456789abcdef", false)] // prefixes are upper case
    [InlineData("CH0123456789abcdef0123456789abcde", false)] // 31 digits
    [InlineData("CH0123456789abcdef0123456789abcdef0", false)] // 33 digits
    [InlineData("CH0123456789abcdef0123456789abcdeg", false)] // not hex
    [InlineData("CH 123456789abcdef0123456789abcdef", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_the_prefix_and_32_hex_digits_make_a_valid_sid(string? value, bool valid) =>
        Assert.Equal(valid, Sids.IsValid(value, Sids.Conversation));

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(255L)]
    [InlineData(100_000L)]
    [InlineData(4_294_967_295L)]
    public void Message_sid_carries_its_index(long index)
    {
        var sid = Sids.NewMessage(index);

        Assert.Matches(MessageSidPattern(), sid);
        Assert.True(Sids.TryGetMessageIndex(sid, out var read));
        Assert.Equal(index, read);
    }

    [Fact]
    public void Message_sids_with_the_same_index_differ_in_their_random_part()
    {
        var first = Sids.NewMessage(7);
        var second = Sids.NewMessage(7);

        Assert.NotEqual(first, second);
        Assert.Equal(first[^8..], second[^8..]);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(4_294_967_296L)]
    public void Message_index_outside_32_bits_is_refused(long index) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Sids.NewMessage(index));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("IMnope")]
    [InlineData("CH0123456789abcdef0123456789abcdef")]
    [InlineData("IM0123456789abcdef0123456789abcdeg")]
    [InlineData("IM0123456789abcdef0123456789abcdef00")]
    public void Index_is_not_read_from_what_is_not_a_message_sid(string? sid)
    {
        Assert.False(Sids.TryGetMessageIndex(sid, out var index));
        Assert.Equal(-1, index);
    }

    [GeneratedRegex("^IM[0-9a-f]{32}$")]
    private static partial Regex MessageSidPattern();
}
