using System.Security.Cryptography;
using System.Text;

namespace ConversationEngine.Tests.Support;

/// <summary>Signs requests as Twilio signs its webhooks (Twilio's library only validates them).</summary>
public static class TwilioSignature
{
    /// <summary>
    /// <c>X-Twilio-Signature</c> as Twilio documents it (Twilio's library only validates): Base64
    /// HMAC-SHA1, keyed with the auth token, over the URL followed by every POSTed name and value,
    /// sorted by name (ordinal), a repeated name once per value in ordinal order. Null or no
    /// parameters sign the URL alone (GET, JSON with <c>bodySHA256</c>). Test-only.
    /// </summary>
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in (parameters ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // HMAC-SHA1 is Twilio's choice.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }
}
