using System.Security.Cryptography;
using System.Text;
using ConversationEngine.Api.Http;
using ConversationEngine.Tests.Support;
using Twilio.Security;

namespace ConversationEngine.Tests.Twilio;

/// <summary>
/// Conformance of the engine's webhook check (<see cref="TwilioWebhook"/> over Twilio's
/// <see cref="RequestValidator"/>) with Twilio's signature scheme, and of the tests' own signer.
/// </summary>
public sealed class RequestSignatureTests
{
    private const string Token = DocumentedSignature.Token;
    private const string Url = DocumentedSignature.Url;
    private const string DocumentedSignatureValue = DocumentedSignature.Signature;

    private static readonly KeyValuePair<string, string>[] DocumentedParameters = DocumentedSignature.Parameters;

    [Fact]
    public void Documented_example_computes_twilios_signature()
    {
        Assert.Equal(DocumentedSignatureValue, SignedWebhooks.Sign(Token, Url, DocumentedParameters));
    }

    [Fact]
    public void Documented_example_passes_validation()
    {
        Assert.True(IsValid(Token, Url, DocumentedParameters, DocumentedSignatureValue));
        Assert.True(new RequestValidator(Token).Validate(Url, DocumentedParameters.ToDictionary(), DocumentedSignatureValue));
    }

    [Theory]
    [InlineData("https://example.com/myapp.php?foo=1&bar=2")]
    [InlineData("http://127.0.0.1:5080/webhooks/twilio/messages")]
    [InlineData("https://engine.example.com/webhooks/twilio/status?conversation=CH1&x=a%20b")]
    public void Twilios_validator_accepts_what_the_test_signer_produces(string url)
    {
        KeyValuePair<string, string>[] form = [.. DocumentedParameters, new("Body", "Grüße 👋 & <b>"), new("_", "x"), new("a", "lower")];

        Assert.True(new RequestValidator(Token).Validate(url, form.ToDictionary(), SignedWebhooks.Sign(Token, url, form)));
        Assert.True(new RequestValidator(Token).Validate(url, new Dictionary<string, string>(), SignedWebhooks.Sign(Token, url, null)));
        Assert.True(IsValid(Token, url, form, SignedWebhooks.Sign(Token, url, form)));
    }

    [Fact]
    public void Parameter_order_in_the_form_does_not_matter()
    {
        var shuffled = DocumentedParameters.Reverse().ToArray();

        Assert.True(IsValid(Token, Url, shuffled, DocumentedSignatureValue));
    }

    [Fact]
    public void Tampered_parameter_fails_validation()
    {
        var tampered = DocumentedParameters.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "1235") : p);

        Assert.False(IsValid(Token, Url, tampered, DocumentedSignatureValue));
    }

    [Fact]
    public void Added_parameter_fails_validation()
    {
        var extra = DocumentedParameters.Append(new("Body", "hello"));

        Assert.False(IsValid(Token, Url, extra, DocumentedSignatureValue));
    }

    [Fact]
    public void Removed_parameter_fails_validation()
    {
        Assert.False(IsValid(Token, Url, DocumentedParameters.Skip(1), DocumentedSignatureValue));
    }

    [Fact]
    public void Renamed_parameter_with_same_value_fails_validation()
    {
        var renamed = DocumentedParameters.Select(p => p.Key == "Caller" ? new KeyValuePair<string, string>("caller", p.Value) : p);

        Assert.False(IsValid(Token, Url, renamed, DocumentedSignatureValue));
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
        Assert.False(IsValid(Token, url, DocumentedParameters, DocumentedSignatureValue));
    }

    [Fact]
    public void Wrong_token_fails_validation()
    {
        Assert.False(IsValid("54321", Url, DocumentedParameters, DocumentedSignatureValue));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_signature_fails_validation(string? signature)
    {
        Assert.False(IsValid(Token, Url, DocumentedParameters, signature));
    }

    [Theory]
    [InlineData("L/OH5YylLD5NRKLltdqwSvS0BnU")]
    [InlineData("L/OH5YylLD5NRKLltdqwSvS0BnU==")]
    [InlineData("l/OH5YylLD5NRKLltdqwSvS0BnU=")]
    [InlineData(" L/OH5YylLD5NRKLltdqwSvS0BnU=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Near_miss_signature_fails_validation(string signature)
    {
        Assert.False(IsValid(Token, Url, DocumentedParameters, signature));
    }

    [Fact]
    public void Empty_auth_token_is_refused_rather_than_used_as_a_key()
    {
        Assert.Throws<ArgumentException>(() => IsValid("", Url, DocumentedParameters, DocumentedSignatureValue));
        Assert.Throws<ArgumentException>(() => IsValidJson("", Url + "&bodySHA256=00", "{}"u8, DocumentedSignatureValue));
    }

    [Fact]
    public void Get_request_signs_the_url_alone()
    {
        const string url = "https://example.com/sms?From=%2B15551234567&Body=hi";

        Assert.Equal(Hmac(Token, url), SignedWebhooks.Sign(Token, url, null));
        Assert.Equal(Hmac(Token, url), SignedWebhooks.Sign(Token, url, []));
        Assert.True(IsValid(Token, url, formParameters: null, Hmac(Token, url)));
        Assert.True(IsValid(Token, url, [], Hmac(Token, url)));
    }

    [Fact]
    public void Parameters_are_sorted_ordinally_so_upper_case_names_come_first()
    {
        KeyValuePair<string, string>[] form = [new("a", "1"), new("B", "2"), new("_", "3")];

        Assert.Equal(Hmac(Token, Url + "B2_3a1"), SignedWebhooks.Sign(Token, Url, form));
        Assert.True(IsValid(Token, Url, form, Hmac(Token, Url + "B2_3a1")));
        Assert.False(IsValid(Token, Url, form, Hmac(Token, Url + "_3a1B2")));
    }

    [Fact]
    public void Repeated_keys_contribute_every_value_in_sorted_order()
    {
        KeyValuePair<string, string>[] form = [new("To", "b"), new("From", "x"), new("To", "a"), new("To", "b")];

        Assert.Equal(Hmac(Token, Url + "FromxToaTobTob"), SignedWebhooks.Sign(Token, Url, form));
        Assert.True(IsValid(Token, Url, form, Hmac(Token, Url + "FromxToaTobTob")));
        Assert.False(IsValid(Token, Url, form, Hmac(Token, Url + "FromxToaTob")));
    }

    [Fact]
    public void Repeated_keys_validate_whatever_order_their_values_arrive_in()
    {
        KeyValuePair<string, string>[] arrived = [new("MediaUrl", "https://b"), new("MediaUrl", "https://a")];
        KeyValuePair<string, string>[] reordered = [new("MediaUrl", "https://a"), new("MediaUrl", "https://b")];
        var signature = Hmac(Token, Url + "MediaUrlhttps://aMediaUrlhttps://b");

        Assert.True(IsValid(Token, Url, arrived, signature));
        Assert.True(IsValid(Token, Url, reordered, signature));
        Assert.False(IsValid(Token, Url, arrived.Take(1), signature));
    }

    [Fact]
    public void Non_ascii_values_are_signed_as_utf8()
    {
        KeyValuePair<string, string>[] form = [new("Body", "Grüße 👋")];

        Assert.Equal(Hmac(Token, Url + "BodyGrüße 👋"), SignedWebhooks.Sign(Token, Url, form));
        Assert.True(IsValid(Token, Url, form, Hmac(Token, Url + "BodyGrüße 👋")));
    }

    [Theory]
    [InlineData("https://example.com/myapp.php?foo=1&bar=2", "https://example.com:443/myapp.php?foo=1&bar=2")]
    [InlineData("https://example.com:443/myapp.php?foo=1&bar=2", "https://example.com/myapp.php?foo=1&bar=2")]
    [InlineData("http://example.com/hook", "http://example.com:80/hook")]
    [InlineData("http://example.com:80/hook", "http://example.com/hook")]
    [InlineData("https://example.com", "https://example.com:443")]
    public void Signature_over_url_with_or_without_default_port_validates_either_way(string signedUrl, string requestUrl)
    {
        var signature = SignedWebhooks.Sign(Token, signedUrl, DocumentedParameters);

        Assert.True(IsValid(Token, requestUrl, DocumentedParameters, signature));
    }

    [Fact]
    public void Signature_over_url_with_explicit_port_validates_when_the_port_is_kept()
    {
        const string url = "https://example.com:8443/hook";
        var signature = Hmac(Token, url);

        Assert.True(IsValid(Token, url, formParameters: null, signature));
    }

    [Fact]
    public void Signature_without_a_non_default_port_validates_like_twilios_own_validators()
    {
        // Twilio drops the port when signing voice webhooks over HTTPS; its SDKs accept both forms.
        var signature = Hmac(Token, "https://example.com/hook");

        Assert.True(IsValid(Token, "https://example.com:8443/hook", formParameters: null, signature));
    }

    [Theory]
    [InlineData("https://example.com:9443/hook")]
    [InlineData("https://example.com:443/hook")]
    [InlineData("https://example.com/hook")]
    public void Signature_over_a_different_explicit_port_fails_validation(string requestUrl)
    {
        var signature = Hmac(Token, "https://example.com:8443/hook");

        Assert.False(IsValid(Token, requestUrl, formParameters: null, signature));
    }

    [Fact]
    public void Port_variants_keep_the_query_escaping_exactly_as_sent()
    {
        // twilio-java once decoded %3A while stripping the port and so rejected valid requests.
        var signature = Hmac(Token, "https://example.com/hook?Identity=client%3AAnonymous");

        Assert.True(IsValid(Token, "https://example.com:443/hook?Identity=client%3AAnonymous", formParameters: null, signature));
        Assert.False(IsValid(Token, "https://example.com:443/hook?Identity=client:Anonymous", formParameters: null, signature));
    }

    [Fact]
    public void Ipv6_host_keeps_its_brackets_when_the_port_is_added()
    {
        var signature = Hmac(Token, "https://[2001:db8::1]:443/hook");

        Assert.True(IsValid(Token, "https://[2001:db8::1]/hook", formParameters: null, signature));
    }

    [Fact]
    public void Credentials_in_the_url_are_not_signed()
    {
        // What Twilio signs is the URL without them: a signature over them is not Twilio's.
        Assert.False(IsValid(Token, "https://user:secret@example.com/myapp.php?foo=1&bar=2", DocumentedParameters,
            Hmac(Token, "https://user:secret@example.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675310Digits1234From+14158675310To+18005551212")));
        Assert.True(IsValid(Token, "https://user:secret@example.com/myapp.php?foo=1&bar=2", DocumentedParameters, DocumentedSignatureValue));
        Assert.True(IsValid(Token, "https://user:secret@example.com:443/myapp.php?foo=1&bar=2", DocumentedParameters, DocumentedSignatureValue));
    }

    [Fact]
    public void Json_body_hash_and_url_signature_are_built_as_documented()
    {
        var body = "{\"ConversationSid\":\"CH00000000000000000000000000000000\",\"Body\":\"hi\"}"u8.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var url = "https://example.com/conversations/hook?bodySHA256=" + hash;
        var signature = Hmac(Token, url);

        Assert.Equal(64, hash.Length);
        Assert.Equal(signature, SignedWebhooks.Sign(Token, url, null));
        Assert.True(IsValidJson(Token, url, body, signature));
    }

    [Fact]
    public void Json_body_tampered_after_signing_fails_validation()
    {
        var body = "{\"Body\":\"hi\"}"u8.ToArray();
        var url = "https://example.com/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body));
        var signature = Hmac(Token, url);

        Assert.False(IsValidJson(Token, url, "{\"Body\":\"ho\"}"u8, signature));
        Assert.False(IsValidJson(Token, url, [], signature));
    }

    [Fact]
    public void Json_with_matching_body_but_wrong_signature_fails_validation()
    {
        var body = "{\"Body\":\"hi\"}"u8.ToArray();
        var url = "https://example.com/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body));

        Assert.False(IsValidJson(Token, url, body, Hmac("other-token", url)));
        Assert.False(IsValidJson(Token, url, body, signature: null));
    }

    [Fact]
    public void Json_url_without_body_hash_fails_validation_even_when_signed()
    {
        const string url = "https://example.com/hook?other=1";

        Assert.False(IsValidJson(Token, url, "{}"u8, Hmac(Token, url)));
    }

    [Theory]
    [InlineData("https://example.com/hook?bodySHA256")]
    [InlineData("https://example.com/hook?bodySHA256&x=1")]
    [InlineData("https://example.com/hook?bodySHA256=zz")]
    [InlineData("not a url?bodySHA256=00")]
    public void Json_with_a_malformed_body_hash_or_url_is_refused_rather_than_failing(string url)
    {
        Assert.False(IsValidJson(Token, url, "{}"u8, Hmac(Token, url)));
    }

    [Fact]
    public void Json_body_that_is_not_utf8_is_refused()
    {
        byte[] body = [0x7b, 0xff, 0x7d];
        var url = "https://example.com/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body));

        Assert.False(IsValidJson(Token, url, body, Hmac(Token, url)));
    }

    [Fact]
    public void Json_signature_over_a_different_body_hash_fails_validation()
    {
        var body = "{\"Body\":\"hi\"}"u8.ToArray();
        var forged = "{\"Body\":\"forged\"}"u8.ToArray();
        var signedUrl = "https://example.com/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body));
        var forgedUrl = "https://example.com/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(forged));

        Assert.False(IsValidJson(Token, forgedUrl, forged, Hmac(Token, signedUrl)));
    }

    [Fact]
    public void Json_signature_accepts_the_default_port_variant()
    {
        var body = "{}"u8.ToArray();
        var query = "/hook?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body));
        var signature = Hmac(Token, "https://example.com:443" + query);

        Assert.True(IsValidJson(Token, "https://example.com" + query, body, signature));
    }

    private static bool IsValid(string token, string url, IEnumerable<KeyValuePair<string, string>>? formParameters, string? signature) =>
        TwilioWebhook.IsValid(token, url, formParameters, signature);

    private static bool IsValidJson(string token, string url, ReadOnlySpan<byte> body, string? signature) =>
        TwilioWebhook.IsValidJson(token, url, body, signature);

    // Computed independently of the code under test.
    private static string Hmac(string token, string data)
    {
#pragma warning disable CA5350 // Twilio's algorithm.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data)));
#pragma warning restore CA5350
    }
}
