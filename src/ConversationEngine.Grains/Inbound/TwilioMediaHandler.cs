using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ConversationEngine.Twilio.Messages;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Inbound;

/// <summary>
/// Sends the Twilio account's credentials with an inbound media fetch, but only where they
/// belong, and follows Twilio's redirects itself. Twilio's media URLs (<c>api.twilio.com</c>)
/// answer with a redirect to a pre-signed URL on another host (its CDN, S3): the credentials go
/// to Twilio and never to the host a redirect names, since the webhook's URL and every
/// <c>Location</c> are data from outside.
/// </summary>
/// <remarks>
/// Credentials go only over HTTPS to <c>twilio.com</c> and its subdomains, or to the origin of
/// <see cref="TwilioMessagesOptions.BaseUrl"/> (a stand-in or proxy, which may be plain HTTP on
/// loopback); with a <see cref="TwilioMessagesOptions.BaseUrl"/> other than Twilio's, Twilio hosts
/// are sent there, as the Messages client does. A redirect keeps them only to the same origin.
/// The primary handler must not follow redirects (it would decide about the header by itself).
/// </remarks>
internal sealed class TwilioMediaHandler(IOptions<TwilioMessagesOptions> twilio) : DelegatingHandler
{
    private const int MaxRedirects = 5;
    private static readonly Uri DefaultBaseUrl = new(new TwilioMessagesOptions().BaseUrl);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var options = twilio.Value;
        var baseUrl = new Uri(options.BaseUrl);
        var uri = Redirected(request.RequestUri!, baseUrl);
        request.RequestUri = uri;
        request.Headers.Authorization = IsTrusted(uri, baseUrl) ? Credentials(options) : null;

        var current = request;
        for (var hop = 0; ; hop++)
        {
            var response = await base.SendAsync(current, cancellationToken);
            if (hop == MaxRedirects || !IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
            if (next.Scheme != Uri.UriSchemeHttps && (next.Scheme != Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                // Not followed from HTTPS down to HTTP, nor anywhere but HTTP(S): the 3xx is the answer (a failed fetch).
                return response;
            }

            response.Dispose();
            var authorization = SameOrigin(uri, next) ? current.Headers.Authorization : null;
            current = new HttpRequestMessage(HttpMethod.Get, next);
            current.Headers.Authorization = authorization;
            uri = next;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
        or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static Uri Redirected(Uri uri, Uri baseUrl) =>
        IsTwilioHost(uri.Host) && !SameOrigin(baseUrl, DefaultBaseUrl)
            ? new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + baseUrl.AbsolutePath.TrimEnd('/') + uri.PathAndQuery)
            : uri;

    private static bool IsTrusted(Uri uri, Uri baseUrl) =>
        SameOrigin(uri, baseUrl) || (uri.Scheme == Uri.UriSchemeHttps && IsTwilioHost(uri.Host));

    private static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsTwilioHost(string host) =>
        host.Equals("twilio.com", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>The API key when configured (as the Messages client prefers it), else the account and its auth token; none in the sandbox.</summary>
    private static AuthenticationHeaderValue? Credentials(TwilioMessagesOptions options)
    {
        if (!options.HasCredentials)
        {
            return null;
        }

        var (user, password) = options.UsesApiKey ? (options.ApiKeySid!, options.ApiKeySecret!) : (options.AccountSid!, options.AuthToken!);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
    }
}
