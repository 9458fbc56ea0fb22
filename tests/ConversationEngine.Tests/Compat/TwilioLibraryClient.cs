using System.Collections.Concurrent;
using ConversationEngine.Tests.Support;
using Twilio.Clients;
using SystemNetHttpClient = Twilio.Http.SystemNetHttpClient;

namespace ConversationEngine.Tests.Compat;

/// <summary>
/// Twilio's C# library pointed at an engine host. The library is used as shipped: only the
/// transport underneath it sends Twilio's hosts to the engine, the way a DNS override or an egress
/// proxy would in a deployment.
/// </summary>
public sealed class TwilioLibraryClient : IDisposable
{
    private readonly HttpClient http;

    public TwilioLibraryClient(EngineHost host, string username = EngineHost.AccountSid, string password = EngineHost.AuthToken)
    {
        Redirect = new TwilioHostRedirect(new Uri(host.BaseUrl)) { InnerHandler = new HttpClientHandler() };
        http = new HttpClient(Redirect);
        Rest = new TwilioRestClient(username, password, httpClient: new SystemNetHttpClient(http));
    }

    /// <summary>Pass as <c>client:</c> to the resource classes; never <c>TwilioClient.Init</c>, so tests stay independent.</summary>
    public TwilioRestClient Rest { get; }

    /// <summary>Every request the library sent, as the engine received it.</summary>
    public TwilioHostRedirect Redirect { get; }

    public void Dispose() => http.Dispose();
}

/// <summary>Rewrites requests for <c>*.twilio.com</c> to the engine; anything else (the engine's own paging URLs) passes unchanged.</summary>
public sealed class TwilioHostRedirect(Uri engine) : DelegatingHandler
{
    private readonly ConcurrentQueue<(HttpMethod Method, Uri Uri)> sent = new();

    public IReadOnlyList<(HttpMethod Method, Uri Uri)> Sent => [.. sent];

    public void Forget() => sent.Clear();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && uri.Host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase))
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = engine.Scheme, Host = engine.Host, Port = engine.Port }.Uri;
        }

        sent.Enqueue((request.Method, request.RequestUri!));
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Twilio's webhooks as Twilio signs and posts them.</summary>
public static class TwilioWebhooks
{
    /// <summary><c>X-Twilio-Signature</c> as Twilio makes it (the shared test signer).</summary>
    public static string Sign(string authToken, string url, IReadOnlyDictionary<string, string> fields) =>
        TwilioSignature.Sign(authToken, url, fields);

    /// <summary>An incoming SMS exactly as Twilio posts it, empty geography fields included.</summary>
    public static Dictionary<string, string> InboundSms(string messageSid, string from, string to, string body) => new()
    {
        ["ToCountry"] = "US",
        ["ToState"] = "",
        ["SmsMessageSid"] = messageSid,
        ["NumMedia"] = "0",
        ["ToCity"] = "",
        ["FromZip"] = "",
        ["SmsSid"] = messageSid,
        ["FromState"] = "",
        ["SmsStatus"] = "received",
        ["FromCity"] = "",
        ["Body"] = body,
        ["FromCountry"] = "US",
        ["To"] = to,
        ["ToZip"] = "",
        ["NumSegments"] = "1",
        ["MessageSid"] = messageSid,
        ["AccountSid"] = EngineHost.AccountSid,
        ["From"] = from,
        ["ApiVersion"] = "2010-04-01",
    };

    public static async Task<HttpResponseMessage> PostAsync(EngineHost host, string path, IReadOnlyDictionary<string, string> fields, string signature)
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return await client.SendAsync(request);
    }
}
