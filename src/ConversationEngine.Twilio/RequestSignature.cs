using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace ConversationEngine.Twilio;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c> scheme: HMAC-SHA1, keyed with the auth token, over the full
/// request URL followed (for form POSTs) by every parameter name and value, sorted by name.
/// </summary>
public static class RequestSignature
{
    private const int Sha1Length = 20;
    private const int Base64Sha1Length = 28;
    private const string BodyHashParameter = "bodySHA256";

    /// <summary>
    /// Computes the signature Twilio sends for a request to <paramref name="url"/>. User info
    /// (<c>user:password@</c>) is dropped from the URL first; anything else, including the port, is
    /// signed exactly as given.
    /// </summary>
    /// <param name="authToken">The account's auth token (the HMAC key).</param>
    /// <param name="url">The full URL Twilio requested, query string included.</param>
    /// <param name="formParameters">The POSTed form fields; null or empty for GET and JSON requests.</param>
    /// <returns>The Base64 signature.</returns>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? formParameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);

        Span<byte> mac = stackalloc byte[Sha1Length];
        Sign(authToken, StripUserInfo(url), Sorted(formParameters), mac);
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// Checks an <c>X-Twilio-Signature</c> header in constant time. Twilio is inconsistent about
    /// ports (SMS keeps them, voice over HTTPS drops them), so, like Twilio's own validators, the URL
    /// is tried as given, without its port, and with the scheme's default port added.
    /// </summary>
    /// <param name="authToken">The account's auth token (the HMAC key).</param>
    /// <param name="url">The full URL Twilio requested, query string included.</param>
    /// <param name="formParameters">Every POSTed form field, known or not; null for GET requests.</param>
    /// <param name="signature">The header value; null or empty never validates.</param>
    /// <returns>True when the signature matches one of the URL variants.</returns>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? formParameters, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);

        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var parameters = Sorted(formParameters);
        var valid = false;
        foreach (var candidate in UrlVariants(StripUserInfo(url)))
        {
            // No early exit: every variant costs the same whether or not an earlier one matched.
            valid |= Matches(authToken, candidate, parameters, signature);
        }

        return valid;
    }

    /// <summary>
    /// Checks a request whose body is not a form (JSON): the URL's query carries
    /// <c>bodySHA256=&lt;hex SHA-256 of the raw body&gt;</c>, and the signature covers the URL alone.
    /// Both the body hash and the signature must match.
    /// </summary>
    /// <param name="authToken">The account's auth token (the HMAC key).</param>
    /// <param name="url">The full URL Twilio requested, including the <c>bodySHA256</c> query parameter.</param>
    /// <param name="body">The raw request body, byte for byte.</param>
    /// <param name="signature">The header value; null or empty never validates.</param>
    /// <returns>True when the body hash and the signature both match.</returns>
    public static bool IsValidJson(string authToken, string url, ReadOnlySpan<byte> body, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);

        var signatureValid = IsValid(authToken, url, formParameters: null, signature);
        var bodyValid = BodyHashMatches(url, body);
        return signatureValid & bodyValid;
    }

    private static bool BodyHashMatches(string url, ReadOnlySpan<byte> body)
    {
        var expectedHex = QueryValue(url, BodyHashParameter);
        if (expectedHex is null || expectedHex.Length != SHA256.HashSizeInBytes * 2)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        if (Convert.FromHexString(expectedHex, expected, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != expected.Length)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool Matches(string authToken, string url, List<KeyValuePair<string, string>> parameters, string signature)
    {
        Span<byte> mac = stackalloc byte[Sha1Length];
        Sign(authToken, url, parameters, mac);

        Span<char> expected = stackalloc char[Base64Sha1Length];
        Convert.TryToBase64Chars(mac, expected, out _);
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(expected),
            MemoryMarshal.AsBytes(signature.AsSpan()));
    }

    private static void Sign(string authToken, string url, List<KeyValuePair<string, string>> parameters, Span<byte> destination)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in parameters)
        {
            data.Append(name).Append(value);
        }

        // HMAC-SHA1 is not our choice: it is the algorithm Twilio signs with.
#pragma warning disable CA5350
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()), destination);
#pragma warning restore CA5350
    }

    // Names in ordinal order; a repeated name contributes every value, values also in ordinal
    // order (twilio-python's request_validator), so the order the form arrived in never matters.
    private static List<KeyValuePair<string, string>> Sorted(IEnumerable<KeyValuePair<string, string>>? formParameters)
    {
        var list = formParameters is null ? [] : formParameters.ToList();
        list.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Key, b.Key);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return list;
    }

    private static HashSet<string> UrlVariants(string url)
    {
        var parts = UrlAuthority.Parse(url);
        if (parts is null)
        {
            return new HashSet<string>(StringComparer.Ordinal) { url };
        }

        var p = parts.Value;
        var variants = new HashSet<string>(StringComparer.Ordinal) { url, p.With(port: null) };
        if (p.Port is null && p.DefaultPort is { } defaultPort)
        {
            variants.Add(p.With(defaultPort));
        }

        return variants;
    }

    private static string StripUserInfo(string url) =>
        UrlAuthority.Parse(url) is { } parts ? parts.With(parts.Port) : url;

    private static string? QueryValue(string url, string name)
    {
        var start = url.IndexOf('?', StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var end = url.IndexOf('#', start);
        var query = url.AsSpan(start + 1, (end < 0 ? url.Length : end) - start - 1);
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            if (Uri.UnescapeDataString(key.ToString()) == name)
            {
                // The first occurrence wins, as in Twilio's own validators.
                return equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].ToString());
            }
        }

        return null;
    }

    /// <summary>
    /// The URL split around its authority by hand: <see cref="Uri"/> and <see cref="UriBuilder"/>
    /// re-escape paths and queries, and the signature is over the exact characters Twilio used.
    /// </summary>
    private readonly record struct UrlAuthority(string Prefix, string Host, string? Port, string Rest)
    {
        public int? DefaultPort => Prefix.AsSpan(0, Prefix.Length - 3) switch
        {
            var s when s.Equals("https", StringComparison.OrdinalIgnoreCase) => 443,
            var s when s.Equals("http", StringComparison.OrdinalIgnoreCase) => 80,
            _ => null,
        };

        public string With(string? port) => port is null ? Prefix + Host + Rest : $"{Prefix}{Host}:{port}{Rest}";

        public string With(int port) => With(port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public static UrlAuthority? Parse(string url)
        {
            var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd <= 0)
            {
                return null;
            }

            var authorityStart = schemeEnd + 3;
            var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
            if (authorityEnd < 0)
            {
                authorityEnd = url.Length;
            }

            var authority = url[authorityStart..authorityEnd];
            var at = authority.LastIndexOf('@');
            var hostAndPort = at < 0 ? authority : authority[(at + 1)..];

            // The last colon starts the port, unless it sits inside an IPv6 literal's brackets.
            var colon = hostAndPort.LastIndexOf(':');
            if (colon >= 0 && hostAndPort.IndexOf(']', colon) >= 0)
            {
                colon = -1;
            }

            return new UrlAuthority(
                url[..authorityStart],
                colon < 0 ? hostAndPort : hostAndPort[..colon],
                colon < 0 ? null : hostAndPort[(colon + 1)..],
                url[authorityEnd..]);
        }
    }
}
