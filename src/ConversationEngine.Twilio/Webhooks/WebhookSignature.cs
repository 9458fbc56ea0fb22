using System.Security.Cryptography;
using System.Text;

namespace ConversationEngine.Twilio.Webhooks;

/// <summary>
/// <c>X-Twilio-Signature</c> as Twilio computes it for the webhooks it sends (Twilio's C# library
/// only validates them): Base64 of HMAC-SHA1, keyed with the account's auth token, over the URL
/// followed, for a form POST, by every parameter's name and value.
/// </summary>
/// <remarks>
/// The parameters are sorted by name, ordinal (case-sensitive, as Twilio's validators sort); a
/// repeated name contributes name + value once per distinct value, values in ordinal order, as
/// twilio-python and twilio-node build it. For a GET the parameters are already in the URL's query
/// and nothing is appended. The URL is signed as it is requested: scheme, host, any port, path,
/// query; a fragment (Twilio's connection overrides live there) never reaches the receiver, so it
/// is not signed.
/// </remarks>
public static class WebhookSignature
{
    /// <summary>The header Twilio's validators read.</summary>
    public const string Header = "X-Twilio-Signature";

    /// <summary>The signature of a form POST to <paramref name="url"/> with <paramref name="formParameters"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="authToken"/> is empty: anyone could sign with a known key.</exception>
    public static string ForPost(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        ArgumentNullException.ThrowIfNull(formParameters);
        return Compute(authToken, url, formParameters);
    }

    /// <summary>The signature of a GET of <paramref name="url"/>, its query included.</summary>
    /// <exception cref="ArgumentException"><paramref name="authToken"/> is empty.</exception>
    public static string ForGet(string authToken, string url) => Compute(authToken, url, null);

    /// <summary>The text HMAC-SHA1 is computed over: the URL, then each name and value in signing order.</summary>
    public static string SignedText(string url, IEnumerable<KeyValuePair<string, string>>? formParameters)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = new StringBuilder(WithoutFragment(url));
        if (formParameters is null)
        {
            return text.ToString();
        }

        foreach (var group in formParameters.GroupBy(p => p.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var value in group.Select(p => p.Value ?? string.Empty).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                text.Append(group.Key).Append(value);
            }
        }

        return text.ToString();
    }

    /// <summary><paramref name="url"/> without its fragment, which is never sent and never signed.</summary>
    public static string WithoutFragment(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? url : url[..hash];
    }

    private static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? formParameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        var data = Encoding.UTF8.GetBytes(SignedText(url, formParameters));
#pragma warning disable CA5350 // HMAC-SHA1 is Twilio's scheme, not our choice.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), data));
#pragma warning restore CA5350
    }
}
