using ConversationEngine.Rules;

namespace ConversationEngine.Tests.Rules;

public sealed class SmsEncodingTests
{
    private const string ExtensionCharacters = "\f^{}\\[~]|€";
    private const string Emoji = "\U0001F600";

    [Theory]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(1530, 10)]
    [InlineData(1531, 11)]
    public void Gsm7_body_is_one_segment_up_to_160_septets_then_segments_of_153(int length, int segments)
    {
        var result = Encode(new string('a', length));

        Assert.Equal(SmsCharset.Gsm7, result.Charset);
        Assert.Equal(length, result.Units);
        Assert.Equal(segments, result.Segments);
        if (segments > 1)
        {
            Assert.All(result.SegmentTexts.SkipLast(1), text => Assert.Equal(153, text.Length));
        }
    }

    [Fact]
    public void Gsm7_body_of_161_septets_splits_153_and_8()
    {
        var result = Encode(new string('x', 161));

        Assert.Equal([153, 8], result.SegmentTexts.Select(text => text.Length));
    }

    [Fact]
    public void Gsm7_body_of_307_septets_leaves_one_character_in_the_third_segment()
    {
        var result = Encode(string.Concat(Enumerable.Repeat("1234567890", 31))[..307]);

        Assert.Equal(3, result.Segments);
        Assert.Equal("7", result.SegmentTexts[2]);
    }

    [Theory]
    [InlineData(80, 160, 1)]
    [InlineData(81, 162, 2)]
    public void Extension_characters_cost_two_septets(int braces, int septets, int segments)
    {
        var result = Encode(new string('{', braces));

        Assert.Equal(SmsCharset.Gsm7, result.Charset);
        Assert.Equal(septets, result.Units);
        Assert.Equal(segments, result.Segments);
    }

    [Fact]
    public void Eighty_one_braces_fill_the_first_segment_with_76_because_a_77th_pair_would_need_154_septets()
    {
        var result = Encode(new string('{', 81));

        Assert.Equal([new string('{', 76), new string('{', 5)], result.SegmentTexts);
    }

    [Theory]
    [InlineData('{')]
    [InlineData('}')]
    [InlineData('[')]
    [InlineData(']')]
    [InlineData('~')]
    [InlineData('|')]
    [InlineData('^')]
    [InlineData('\\')]
    [InlineData('€')]
    [InlineData('\f')]
    public void An_extension_character_plus_158_basic_characters_is_one_segment_and_plus_159_is_two(char extension)
    {
        var fits = Encode(extension + new string('1', 158));
        var overflows = Encode(extension + new string('1', 159));

        Assert.Equal((1, 160), (fits.Segments, fits.Units));
        Assert.Equal((2, 161), (overflows.Segments, overflows.Units));
    }

    [Fact]
    public void Escape_pair_at_a_segment_boundary_moves_whole_into_the_next_segment()
    {
        var body = new string('a', 152) + "€" + new string('b', 10);

        var result = Encode(body);

        Assert.Equal(164, result.Units);
        Assert.Equal([new string('a', 152), "€" + new string('b', 10)], result.SegmentTexts);
    }

    [Fact]
    public void Escape_pair_that_ends_exactly_on_153_septets_stays_in_the_first_segment()
    {
        var body = new string('a', 151) + "[" + new string('b', 10);

        var result = Encode(body);

        Assert.Equal([new string('a', 151) + "[", new string('b', 10)], result.SegmentTexts);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Ucs2_body_is_one_segment_up_to_70_units_then_segments_of_67(int length, int segments)
    {
        var result = Encode(new string('ł', length));

        Assert.Equal(SmsCharset.Ucs2, result.Charset);
        Assert.Equal(length, result.Units);
        Assert.Equal(segments, result.Segments);
    }

    [Fact]
    public void One_non_gsm_character_switches_the_whole_message_to_ucs2()
    {
        var gsm = Encode(new string('a', 100));
        var mixed = Encode("ł" + new string('a', 99));

        Assert.Equal((SmsCharset.Gsm7, 1), (gsm.Charset, gsm.Segments));
        Assert.Equal((SmsCharset.Ucs2, 2, 100), (mixed.Charset, mixed.Segments, mixed.Units));
        Assert.Equal([67, 33], mixed.SegmentTexts.Select(text => text.Length));
    }

    [Fact]
    public void Extension_characters_cost_one_unit_in_ucs2()
    {
        Assert.Equal((1, 70), Shape(Encode(Emoji + new string(']', 68))));
        Assert.Equal((2, 71), Shape(Encode(Emoji + new string(']', 69))));
    }

    [Theory]
    [InlineData(68, 70, 1)]
    [InlineData(69, 71, 2)]
    public void Emoji_outside_the_bmp_counts_two_units(int others, int units, int segments)
    {
        var result = Encode(Emoji + new string('2', others));

        Assert.Equal(SmsCharset.Ucs2, result.Charset);
        Assert.Equal(units, result.Units);
        Assert.Equal(segments, result.Segments);
    }

    [Fact]
    public void Emoji_at_a_segment_boundary_moves_whole_into_the_next_segment()
    {
        var body = new string('a', 66) + Emoji + new string('b', 10);

        var result = Encode(body);

        Assert.Equal(78, result.Units);
        Assert.Equal([new string('a', 66), Emoji + new string('b', 10)], result.SegmentTexts);
        Assert.All(result.SegmentTexts, text => Assert.False(char.IsHighSurrogate(text[^1])));
    }

    [Fact]
    public void Emoji_leading_135_units_leaves_one_character_in_the_third_segment()
    {
        var result = Encode(Emoji + new string('4', 133));

        Assert.Equal((3, 135), Shape(result));
        Assert.Equal("4", result.SegmentTexts[2]);
    }

    [Fact]
    public void Flag_emoji_is_kept_whole_like_twilios_calculator_keeps_grapheme_clusters()
    {
        const string flag = "\U0001F1EE\U0001F1F9"; // regional indicators I + T
        var body = new string('a', 65) + flag + new string('b', 10);

        var result = Encode(body);

        Assert.Equal(79, result.Units);
        Assert.Equal([new string('a', 65), flag + new string('b', 10)], result.SegmentTexts);
    }

    [Fact]
    public void Cluster_longer_than_a_segment_is_split_between_code_points_never_inside_a_surrogate_pair()
    {
        var body = "a" + string.Concat(Enumerable.Repeat("\u0301", 100)) + Emoji + "z";

        var result = Encode(body);

        Assert.Equal(104, result.Units);
        Assert.Equal(body, string.Concat(result.SegmentTexts));
        Assert.All(result.SegmentTexts, text => Assert.InRange(text.Length, 1, 67));
        Assert.All(result.SegmentTexts, text => Assert.False(char.IsHighSurrogate(text[^1])));
    }

    [Fact]
    public void Decomposed_accents_are_ucs2_and_count_every_code_unit()
    {
        // Twilio bills 70 × "e\u0301" as 3 segments (live check in the calculator's issue #66).
        var result = Encode(string.Concat(Enumerable.Repeat("e\u0301", 70)));

        Assert.Equal((SmsCharset.Ucs2, 3, 140), (result.Charset, result.Segments, result.Units));
    }

    [Fact]
    public void Precomposed_e_acute_is_gsm7()
    {
        var result = Encode(new string('é', 70));

        Assert.Equal((SmsCharset.Gsm7, 1, 70), (result.Charset, result.Segments, result.Units));
    }

    [Theory]
    [InlineData("\n", 160, 1)]
    [InlineData("\r\n", 161, 2)]
    public void Line_breaks_are_gsm7_and_crlf_costs_two_septets(string lineBreak, int septets, int segments)
    {
        var result = Encode(new string('a', 80) + lineBreak + new string('a', 79));

        Assert.Equal(SmsCharset.Gsm7, result.Charset);
        Assert.Equal((segments, septets), Shape(result));
    }

    [Fact]
    public void Empty_body_is_one_empty_gsm7_segment_as_twilio_bills_it()
    {
        var result = Encode(string.Empty);

        Assert.Equal(SmsCharset.Gsm7, result.Charset);
        Assert.Equal(0, result.Units);
        Assert.Equal(1, result.Segments);
        Assert.Equal([string.Empty], result.SegmentTexts);
    }

    [Fact]
    public void Body_of_1600_gsm7_characters_is_eleven_segments()
    {
        var result = Encode(new string('a', 1600));

        Assert.Equal((11, 1600), Shape(result));
        Assert.Equal(1600 - (10 * 153), result.SegmentTexts[^1].Length);
    }

    [Fact]
    public void Body_of_1600_ucs2_characters_is_twenty_four_segments()
    {
        var result = Encode(new string('中', 1600));

        Assert.Equal(SmsCharset.Ucs2, result.Charset);
        Assert.Equal((24, 1600), Shape(result));
        Assert.Equal(1600 - (23 * 67), result.SegmentTexts[^1].Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Hello")]
    [InlineData("{curly} [square] ~tilde~ |pipe| ^caret^ \\back\\ €uro\f")]
    [InlineData("ł")]
    [InlineData("\U0001F600\U0001F1EE\U0001F1F9 and text")]
    [InlineData("\r\nmixed\rline\nbreaks")]
    public void Segment_texts_concatenate_back_to_the_sent_text(string body)
    {
        foreach (var smartEncoding in new[] { false, true })
        {
            var result = SmsEncoding.Encode(body, smartEncoding);

            Assert.Equal(result.Text, string.Concat(result.SegmentTexts));
            Assert.Equal(result.Segments, result.SegmentTexts.Count);
        }
    }

    [Theory]
    [InlineData('\f')]
    [InlineData('^')]
    [InlineData('{')]
    [InlineData('}')]
    [InlineData('\\')]
    [InlineData('[')]
    [InlineData('~')]
    [InlineData(']')]
    [InlineData('|')]
    [InlineData('€')]
    public void Every_extension_character_is_gsm7(char extension) =>
        Assert.True(SmsEncoding.IsGsm7(extension.ToString()));

    [Fact]
    public void Every_basic_table_character_is_gsm7()
    {
        const string basic =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
            "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

        Assert.Equal(127, basic.Length);
        Assert.True(SmsEncoding.IsGsm7(basic));
    }

    [Fact]
    public void Gsm7_alphabet_is_exactly_127_basic_and_10_extension_characters()
    {
        var gsm = AllBmpCharacters().Where(c => SmsEncoding.IsGsm7(c.ToString())).ToList();

        Assert.Equal(137, gsm.Count);
        Assert.All(ExtensionCharacters, c => Assert.Contains(c, gsm));
    }

    [Theory]
    [InlineData("ł")]
    [InlineData("`")]
    [InlineData("\t")]
    [InlineData("\u001B")]
    [InlineData("\u00A0")]
    [InlineData("ç")]
    [InlineData("\u2019")]
    [InlineData("こんにちは")]
    [InlineData("\U0001F600")]
    [InlineData("abc\u2014def")]
    public void Characters_outside_both_tables_are_not_gsm7(string text) =>
        Assert.False(SmsEncoding.IsGsm7(text));

    [Fact]
    public void Smart_encoding_turns_curly_quotes_dashes_and_no_break_spaces_back_into_fewer_gsm7_segments()
    {
        var body = "\u201CHello\u201D \u2014 it\u2019s\u00A0here\u2026 " + new string('x', 80);

        var plain = SmsEncoding.Encode(body, smartEncoding: false);
        var smart = SmsEncoding.Encode(body, smartEncoding: true);

        Assert.Equal((SmsCharset.Ucs2, 2), (plain.Charset, plain.Segments));
        Assert.Equal(body, plain.Text);
        Assert.Equal((SmsCharset.Gsm7, 1), (smart.Charset, smart.Segments));
        Assert.Equal("\"Hello\" - it's here... " + new string('x', 80), smart.Text);
    }

    [Fact]
    public void Without_smart_encoding_a_curly_apostrophe_keeps_the_message_ucs2()
    {
        var result = SmsEncoding.Encode("It\u2019s on", smartEncoding: false);

        Assert.Equal(SmsCharset.Ucs2, result.Charset);
        Assert.Equal("It\u2019s on", result.Text);
    }

    [Theory]
    [InlineData("こんにちは\u201Cせかい\u201D")]
    [InlineData("See you \u201Csoon\u201D \U0001F600")]
    [InlineData("Привет")]
    public void Characters_without_a_replacement_stay_ucs2_even_with_smart_encoding(string body)
    {
        var result = SmsEncoding.Encode(body, smartEncoding: true);

        Assert.Equal(SmsCharset.Ucs2, result.Charset);
    }

    [Fact]
    public void Smart_encoding_still_replaces_look_alikes_when_other_characters_keep_the_message_ucs2()
    {
        // As Twilio's calculator does: the map is applied first, the charset is decided afterwards.
        var result = SmsEncoding.Encode("\u201CHi\u201D \U0001F600", smartEncoding: true);

        Assert.Equal("\"Hi\" \U0001F600", result.Text);
        Assert.Equal((SmsCharset.Ucs2, 7), (result.Charset, result.Units));
    }

    [Fact]
    public void Smart_encoding_counts_the_replacement_so_an_ellipsis_becomes_three_septets()
    {
        var body = string.Concat(Enumerable.Repeat("\u2026", 60));

        Assert.Equal((1, 60), Shape(SmsEncoding.Encode(body, smartEncoding: false)));
        Assert.Equal((2, 180), Shape(SmsEncoding.Encode(body, smartEncoding: true)));
    }

    [Theory]
    [InlineData("\u00AB", "\"")]
    [InlineData("\u00BB", "\"")]
    [InlineData("\u201C", "\"")]
    [InlineData("\u201D", "\"")]
    [InlineData("\u201E", "\"")]
    [InlineData("\uFF02", "\"")]
    [InlineData("\u2018", "'")]
    [InlineData("\u2019", "'")]
    [InlineData("\u00B4", "'")]
    [InlineData("`", "'")]
    [InlineData("\u201A", ",")]
    [InlineData("\u2039", "<")]
    [InlineData("\u203A", ">")]
    [InlineData("\u2010", "-")]
    [InlineData("\u2013", "-")]
    [InlineData("\u2014", "-")]
    [InlineData("\u2015", "-")]
    [InlineData("\u2022", "-")]
    [InlineData("\u2026", "...")]
    [InlineData("\u203C", "!!")]
    [InlineData("\u00BC", "1/4")]
    [InlineData("\u00BD", "1/2")]
    [InlineData("\u00BE", "3/4")]
    [InlineData("\u00F7", "/")]
    [InlineData("\u2017", "_")]
    [InlineData("\uFF5C", "|")]
    [InlineData("\uFF5B", "{")]
    [InlineData("\uFF3C", "\\")]
    [InlineData("\uFF21\uFF3A\uFF10\uFF19", "AZ09")]
    [InlineData("\u1D00\u0299\u1D22", "ABZ")]
    [InlineData("\u3002\u3001", ".,")]
    [InlineData("\u00A0", " ")]
    [InlineData("\u2002\u2003\u2009\u202F\u205F\u3000", "      ")]
    [InlineData("\u2028\u2029", "  ")]
    [InlineData("\t", "       ")]
    [InlineData("a\u200Bb\u200Cc\u2060d\uFEFFe", "abcde")]
    [InlineData("\u0000\u0003\u0010", "")]
    public void Smart_encoding_replaces_look_alikes_from_twilios_list(string text, string expected) =>
        Assert.Equal(expected, SmsEncoding.ApplySmartEncoding(text));

    [Theory]
    [InlineData("\u2212")] // minus sign: not on Twilio's list
    [InlineData("\uFF41")] // fullwidth small a: the list has fullwidth capitals only
    [InlineData("ç")]
    [InlineData("こんにちは")]
    [InlineData("\U0001F600")]
    public void Smart_encoding_leaves_characters_that_are_not_on_the_list(string text) =>
        Assert.Equal(text, SmsEncoding.ApplySmartEncoding(text));

    [Fact]
    public void Smart_encoding_never_changes_a_gsm7_character()
    {
        var gsm = new string(AllBmpCharacters().Where(c => SmsEncoding.IsGsm7(c.ToString())).ToArray());

        Assert.Equal(gsm, SmsEncoding.ApplySmartEncoding(gsm));
    }

    [Fact]
    public void Smart_encoding_list_has_twilios_271_entries_each_non_gsm7_and_replaced_by_gsm7()
    {
        var replaced = AllBmpCharacters()
            .Select(c => (Original: c.ToString(), Replacement: SmsEncoding.ApplySmartEncoding(c.ToString())))
            .Where(pair => pair.Original != pair.Replacement)
            .ToList();

        Assert.Equal(271, replaced.Count);
        Assert.All(replaced, pair => Assert.False(SmsEncoding.IsGsm7(pair.Original)));
        Assert.All(replaced, pair => Assert.True(SmsEncoding.IsGsm7(pair.Replacement), $"U+{(int)pair.Original[0]:X4}"));
    }

    [Fact]
    public void Smart_encoding_returns_text_without_listed_characters_unchanged()
    {
        const string text = "Plain GSM text with emoji \U0001F600 and ł";

        Assert.Same(text, SmsEncoding.ApplySmartEncoding(text));
    }

    [Fact]
    public void Null_text_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => SmsEncoding.Encode(null!, smartEncoding: false));
        Assert.Throws<ArgumentNullException>(() => SmsEncoding.IsGsm7(null!));
        Assert.Throws<ArgumentNullException>(() => SmsEncoding.ApplySmartEncoding(null!));
    }

    private static SmsEncodingResult Encode(string body) => SmsEncoding.Encode(body, smartEncoding: false);

    private static (int Segments, int Units) Shape(SmsEncodingResult result) => (result.Segments, result.Units);

    private static IEnumerable<char> AllBmpCharacters() =>
        Enumerable.Range(0, 0x10000).Select(code => (char)code).Where(c => !char.IsSurrogate(c));
}
