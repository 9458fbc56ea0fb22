using System.Security.Cryptography;
using System.Text;
using ConversationEngine.Twilio;

namespace ConversationEngine.Tests.Twilio;

public sealed class RequestSignatureTests
{
    // Twilio's worked example (docs: usage/security, "Validating requests").
    private const string Token = "12345";
    private const string Url = "https://example.com/myapp.php?foo=1&bar=2";
    private const string DocumentedSignature = "L/OH5YylLD5NRKLltdqwSvS0BnU=";

    private static readonly KeyValuePair<string, string>[] DocumentedParameters =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+14158675310"),
        new("Digits", "1234"),
        new("From", "+14158675310"),
        new("To", "+18005551212"),
    ];

    [Fact]
    public void Documented_example_computes_twilios_signature()
    {
        Assert.Equal(DocumentedSignature, RequestSignature.Compute(Token, Url, DocumentedParameters));
    }

    [Fact]
    public void Documented_example_passes_validation()
    {
        Assert.True(RequestSignature.IsValid(Token, Url, DocumentedParameters, DocumentedSignature));
    }

    [Fact]
    public void Parameter_order_in_the_form_does_not_matter()
    {
        var shuffled = DocumentedParameters.Reverse().ToArray();

        Assert.True(RequestSignature.IsValid(Token, Url, shuffled, DocumentedSignature));
    }

    [Fact]
    public void Tampered_parameter_fails_validation()
    {
        var tampered = DocumentedParameters.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "1235") : p);

        Assert.False(RequestSignature.IsValid(Token, Url, tampered, DocumentedSignature));
    }

    [Fact]
    public void Added_parameter_fails_validation()
    {
        var extra = DocumentedParameters.Append(new("Body", "hello"));

        Assert.False(RequestSignature.IsValid(Token, Url, extra, DocumentedSignature));
    }

    [Fact]
    public void Removed_parameter_fails_validation()
    {
        Assert.False(RequestSignature.IsValid(Token, Url, DocumentedParameters.Skip(1), DocumentedSignature));
    }

    [Fact]
    public void Renamed_parameter_with_same_value_fails_validation()
    {
        var renamed = DocumentedParameters.Select(p => p.Key == "Caller" ? new KeyValuePair<string, string>("caller", p.Value) : p);

        Assert.False(RequestSignature.IsValid(Token, Url, renamed, DocumentedSignature));
    }

    [Theory]
    [InlineData("https://example.com/myapp.php?foo=1&bar=3")]
    [InlineData("https://example.com/myapp.php?bar=2&foo=1")]
    [InlineData("https://example.com/myapp.php")]
    [InlineData("https://example.com/other.php?foo=1&bar=2")]
    [InlineData("http://example.com/myapp.php?foo=1&bar=2")]
    [InlineData("https://evil.example.com/myapp.php?foo=1&bar=2")]
    [InlineData("https://example.com/myapp.php?foo=1&bar=2&x=y")]
    public void Tampered_url_fails_validation(string url)
    {
        Assert.False(RequestSignature.IsValid(Token, url, DocumentedParameters, DocumentedSignature));
    }

    [Fact]
    public void Wrong_token_fails_validation()
    {
        Assert.False(RequestSignature.IsValid("54321", Url, DocumentedParameters, DocumentedSignature));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_signature_fails_validation(string? signature)
    {
        Assert.False(RequestSignature.IsValid(Token, Url, DocumentedParameters, signature));
    }

    [Theory]
    [InlineData("L/OH5YylLD5NRKLltdqwSvS0BnU")]
    [InlineData("L/OH5YylLD5NRKLltdqwSvS0BnU==")]
    [InlineData("l/OH5YylLD5NRKLltdqwSvS0BnU=")]
    [InlineData(" L/OH5YylLD5NRKLltdqwSvS0BnU=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Near_miss_signature_fails_validation(string signature)
    {
        Assert.False(RequestSignature.IsValid(Token, Url, DocumentedParameters, signature));
    }

    [Fact]
    public void Empty_auth_token_is_refused_rather_than_used_as_a_key()
    {
        Assert.Throws<ArgumentException>(() => RequestSignature.IsValid("", Url, DocumentedParameters, DocumentedSignature));
        Assert.Throws<ArgumentException>(() => RequestSignature.Compute("", Url, DocumentedParameters));
    }

    [Fact]
    public void Get_request_signs_the_url_alone()
    {
        const string url = "https://example.com/sms?From=%2B15551234567&Body=hi";

        Assert.Equal(Hmac(Token, url), RequestSignature.Compute(Token, url, formParameters: null));
        Assert.Equal(Hmac(Token, url), RequestSignature.Compute(Token, url, []));
        Assert.True(RequestSignature.IsValid(Token, url, formParameters: null, Hmac(Token, url)));
    }

    [Fact]
    public void Parameters_are_sorted_ordinally_so_upper_case_names_come_first()
    {
        KeyValuePair<string, string>[] form = [new("a", "1"), new("B", "2"), new("_", "3")];

        Assert.Equal(Hmac(Token, Url + "B2_3a1"), RequestSignature.Compute(Token, Url, form));
    }

    [Fact]
    public void Repeated_keys_contribute_every_value_in_sorted_order()
    {
        KeyValuePair<string, string>[] form = [new("To", "b"), new("From", "x"), new("To", "a"), new("To", "b")];

        Assert.Equal(Hmac(Token, Url + "FromxToaTobTob"), RequestSignature.Compute(Token, Url, form));
    }

    [Fact]
    public void Repeated_keys_validate_whatever_order_their_values_arrive_in()
    {
        KeyValuePair<string, string>[] arrived = [new("MediaUrl", "https://b"), new("MediaUrl", "https://a")];
        KeyValuePair<string, string>[] reordered = [new("MediaUrl", "https://a"), new("MediaUrl", "https://b")];
        var signature = Hmac(Token, Url + "MediaUrlhttps://aMediaUrlhttps://b");

        Assert.True(RequestSignature.IsValid(Token, Url, arrived, signature));
        Assert.True(RequestSignature.IsValid(Token, Url, reordered, signature));
        Assert.False(RequestSignature.IsValid(Token, Url, arrived.Take(1), signature));
    }

    [Fact]
    public void Non_ascii_values_are_signed_as_utf8()
    {
        KeyValuePair<string, string>[] form = [new("Body", "Grüße 👋")];

        Assert.Equal(Hmac(Token, Url + "BodyGrüße 👋"), RequestSignature.Compute(Token, Url, form));
    }

    [Theory]
    [InlineData("https://example.com/myapp.php?foo=1&bar=2", "https://example.com:443/myapp.php?foo=1&bar=2")]
    [InlineData("https://example.com:443/myapp.php?foo=1&bar=2", "https://example.com/myapp.php?foo=1&bar=2")]
    [InlineData("http://example.com/hook", "http://example.com:80/hook")]
    [InlineData("http://example.com:80/hook", "http://example.com/hook")]
    [InlineData("https://example.com", "https://example.com:443")]
    public void Signature_over_url_with_or_without_default_port_validates_either_way(string signedUrl, string requestUrl)
    {
        var signature = RequestSignature.Compute(Token, signedUrl, DocumentedParameters);

        Assert.True(RequestSignature.IsValid(Token, requestUrl, DocumentedParameters, signature));
    }

    [Fact]
    public void Signature_over_url_with_explicit_port_validates_when_the_port_is_kept()
    {
        const string url = "https://example.com:8443/hook";
        var signature = Hmac(Token, url);

        Assert.True(RequestSignature.IsValid(Token, url, formParameters: null, signature));
    }

    [Fact]
    public void Signature_without_a_non_default_port_validates_like_twilios_own_validators()
    {
        // Twilio drops the port when signing voice webhooks over HTTPS; its SDKs accept both forms.
        var signature = Hmac(Token, "https://example.com/hook");

        Assert.True(RequestSignature.IsValid(Token, "https://example.com:8443/hook", formParameters: null, signature));
    }

    [Theory]
    [InlineData("https://example.com:9443/hook")]
    [InlineData("https://example.com:443/hook")]
    [InlineData("https://example.com/hook")]
    public void Signature_over_a_different_explicit_port_fails_validation(string requestUrl)
    {
        var signature = Hmac(Token, "https://example.com:8443/hook");

        Assert.False(RequestSignature.IsValid(Token, requestUrl, formParameters: null, signature));
    }

    [Fact]
    public void Port_variants_keep_the_query_escaping_exactly_as_sent()
    {
        // twilio-java once decoded %3A while stripping the port and so rejected valid requests.
        var signature = Hmac(Token, "https://example.com/hook?Identity=client%3AAnonymous");

        Assert.True(RequestSignature.IsValid(Token, "https://example.com:443/hook?Identity=client%3AAnonymous", formParameters: null, signature));
        Assert.False(RequestSignature.IsValid(Token, "https://example.com:443/hook?Identity=client:Anonymous", formParameters: null, signature));
    }

    [Fact]
    public void Ipv6_host_keeps_its_brackets_when_the_port_is_added()
    {
        var signature = Hmac(Token, "https://[2001:db8::1]:443/hook");

        Assert.True(RequestSignature.IsValid(Token, "https://[2001:db8::1]/hook", formParameters: null, signature));
    }

    [Fact]
    public void Credentials_in_the_url_are_not_signed()
    {
        var withCredentials = RequestSignature.Compute(Token, "https://user:secret@example.com/myapp.php?foo=1&bar=2", DocumentedParameters);

        Assert.Equal(DocumentedSignature, withCredentials);
        Assert.True(RequestSignature.IsValid(Token, "https://user:secret@example.com/myapp.php?foo=1&bar=2", DocumentedParameters, DocumentedSignature));
        Assert.True(RequestSignature.IsValid(Token, "https://user:secret@example.com:443/myapp.php?foo=1&bar=2", DocumentedParameters, DocumentedSignature));
    }

    [Fact]
    public void Json_body_hash_and_url_signature_are_built_as_documented()
    {
        var body = "{\"ConversationSid\":\"CH00000000000000000000000000000000\",\"Body\":\"hi\"}"u8.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var url = "https://example.com/conversations/hook?bodySHA256=" + hash;
        var signature = Hmac(Token, url);

        Assert.Equal(64, hash.Length);
        Assert.Equal(signature, RequestSignature.Compute(Token, url, formParameters: null));
        Assert.True(RequestSignature.IsValidJson(Token, url, body, signature));
    }

    [Fact]
    public void Json_body_tampered_after_signing_fails_validation()
    {
        var body = "{\"Body\":\"hi\"}"u8.ToArray();
        var url = "https://example.com/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body));
        var signature = Hmac(Token, url);

        Assert.False(RequestSignature.IsValidJson(Token, url, "{\"Body\":\"ho\"}"u8, signature));
        Assert.False(RequestSignature.IsValidJson(Token, url, [], signature));
    }

    [Fact]
    public void Json_with_matching_body_but_wrong_signature_fails_validation()
    {
        var body = "{\"Body\":\"hi\"}"u8.ToArray();
        var url = "https://example.com/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body));

        Assert.False(RequestSignature.IsValidJson(Token, url, body, Hmac("other-token", url)));
        Assert.False(RequestSignature.IsValidJson(Token, url, body, signature: null));
    }

    [Fact]
    public void Json_url_without_body_hash_fails_validation_even_when_signed()
    {
        const string url = "https://example.com/hook?other=1";

        Assert.False(RequestSignature.IsValidJson(Token, url, "{}"u8, Hmac(Token, url)));
    }

    [Fact]
    public void Json_signature_over_a_different_body_hash_fails_validation()
    {
        var body = "{\"Body\":\"hi\"}"u8.ToArray();
        var forged = "{\"Body\":\"forged\"}"u8.ToArray();
        var signedUrl = "https://example.com/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body));
        var forgedUrl = "https://example.com/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(forged));

        Assert.False(RequestSignature.IsValidJson(Token, forgedUrl, forged, Hmac(Token, signedUrl)));
    }

    [Fact]
    public void Json_signature_accepts_the_default_port_variant()
    {
        var body = "{}"u8.ToArray();
        var query = "/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body));
        var signature = Hmac(Token, "https://example.com:443" + query);

        Assert.True(RequestSignature.IsValidJson(Token, "https://example.com" + query, body, signature));
    }

    // Computed independently of the code under test.
    private static string Hmac(string token, string data)
    {
#pragma warning disable CA5350 // Twilio's algorithm.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data)));
#pragma warning restore CA5350
    }
}
