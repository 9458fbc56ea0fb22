using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Media;

/// <summary>
/// Short-lived URLs that open one media item's content with no credentials:
/// <c>{PublicBaseUrl}/media/{ME…}/{expires}/{signature}</c>, where the signature is an
/// HMAC-SHA256 over the SID and the expiry (Unix seconds), keyed from the signing secret. A URL
/// opens nothing but its own item, and nothing after it expires. Twilio fetches outbound
/// <c>MediaUrl</c>s through them; agents' browsers show attachments through them.
/// </summary>
public sealed class MediaUrlSigner
{
    /// <summary>The path content is served under (anonymous, signature checked).</summary>
    public const string PathPrefix = "/media/";

    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("ConversationEngine media URL v1");
    private readonly byte[] key;
    private readonly string baseUrl;
    private readonly TimeSpan lifetime;
    private readonly TimeProvider time;

    public MediaUrlSigner(IOptions<MediaOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var media = options.Value;
        this.time = time;
        lifetime = media.SignedUrlLifetime;
        baseUrl = (media.PublicBaseUrl ?? "http://127.0.0.1:5080").TrimEnd('/');

        // A key of its own, derived from the shared secret: a signature reveals nothing of the token.
        // Without a secret (tests' bare silos) a random key still signs and checks within this process.
        var secret = string.IsNullOrEmpty(media.SigningSecret) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(media.SigningSecret);
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: [], info: Purpose);
    }

    /// <summary>A URL for <paramref name="sid"/>'s content that works until now plus the configured lifetime.</summary>
    public Uri Sign(string sid) => Sign(sid, time.GetUtcNow() + lifetime);

    public Uri Sign(string sid, DateTimeOffset expires)
    {
        var seconds = expires.ToUnixTimeSeconds();
        return new Uri($"{baseUrl}{PathPrefix}{sid}/{seconds.ToString(CultureInfo.InvariantCulture)}/{Signature(sid, seconds)}");
    }

    /// <summary>Whether <paramref name="signature"/> is this engine's for the SID and expiry, and the expiry has not passed.</summary>
    public bool Verify(string sid, string expires, string signature)
    {
        if (!Sids.IsValid(sid, Sids.Media)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Signature(sid, seconds));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private string Signature(string sid, long seconds)
    {
        var mac = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(sid + "/" + seconds.ToString(CultureInfo.InvariantCulture)));
        return Base64Url.EncodeToString(mac);
    }
}
