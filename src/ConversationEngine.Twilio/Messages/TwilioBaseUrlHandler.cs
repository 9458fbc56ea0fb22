using Microsoft.Extensions.Options;

namespace ConversationEngine.Twilio.Messages;

/// <summary>
/// Twilio's library builds its URLs from Twilio's own hosts (<c>api.twilio.com</c>, regional and
/// product hosts); with <see cref="TwilioMessagesOptions.BaseUrl"/> set elsewhere (a stand-in, a
/// proxy) every request for a <c>*.twilio.com</c> host goes there instead, path and query kept.
/// </summary>
internal sealed class TwilioBaseUrlHandler(IOptions<TwilioMessagesOptions> options) : DelegatingHandler
{
    private static readonly Uri DefaultBaseUrl = new(new TwilioMessagesOptions().BaseUrl);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var baseUrl = new Uri(options.Value.BaseUrl);
        if (request.RequestUri is { } uri && IsTwilioHost(uri.Host) && Uri.Compare(baseUrl, DefaultBaseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            request.RequestUri = new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + baseUrl.AbsolutePath.TrimEnd('/') + uri.PathAndQuery);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static bool IsTwilioHost(string host) =>
        host.Equals("twilio.com", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase);
}
