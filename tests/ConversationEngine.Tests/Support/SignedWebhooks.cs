namespace ConversationEngine.Tests.Support;

/// <summary>Twilio's webhooks to an engine host, signed as Twilio signs them.</summary>
public static class SignedWebhooks
{
    public const string MessagesPath = "/webhooks/twilio/messages";

    /// <inheritdoc cref="TwilioSignature.Sign"/>
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? parameters) =>
        TwilioSignature.Sign(authToken, url, parameters);

    public static Task<HttpResponseMessage> PostSignedAsync(this EngineHost host, string path, IReadOnlyDictionary<string, string> fields) =>
        host.PostSignedAsync(path, fields, EngineHost.AuthToken);

    /// <summary>Posts a webhook signed with <paramref name="authToken"/>, as Twilio does for the account that owns it.</summary>
    public static Task<HttpResponseMessage> PostSignedAsync(this EngineHost host, string path, IReadOnlyDictionary<string, string> fields, string authToken) =>
        host.SendWebhookAsync(path, fields, Sign(authToken, host.BaseUrl + path, fields));

    public static Task<HttpResponseMessage> SendWebhookAsync(this EngineHost host, string path, IReadOnlyDictionary<string, string> fields, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signature);
        }

        return host.CreateClient().SendAsync(request);
    }

    /// <summary>An incoming-message webhook as Twilio posts it.</summary>
    public static Dictionary<string, string> Inbound(string messageSid, string from, string to, string body) => new()
    {
        ["MessageSid"] = messageSid,
        ["SmsMessageSid"] = messageSid,
        ["SmsSid"] = messageSid,
        ["AccountSid"] = EngineHost.AccountSid,
        ["From"] = from,
        ["To"] = to,
        ["Body"] = body,
        ["NumMedia"] = "0",
        ["NumSegments"] = "1",
        ["SmsStatus"] = "received",
        ["ApiVersion"] = "2010-04-01",
        ["FromCountry"] = "US",
    };

    /// <summary>A status callback as Twilio posts it.</summary>
    public static Dictionary<string, string> Status(string messageSid, string status, string? errorCode = null, string? accountSid = null, string from = "+15005550006", string to = "+15551234567")
    {
        var fields = new Dictionary<string, string>
        {
            ["MessageSid"] = messageSid,
            ["SmsSid"] = messageSid,
            ["AccountSid"] = accountSid ?? EngineHost.AccountSid,
            ["MessageStatus"] = status,
            ["SmsStatus"] = status,
            ["From"] = from,
            ["To"] = to,
            ["ApiVersion"] = "2010-04-01",
        };
        if (errorCode is not null)
        {
            fields["ErrorCode"] = errorCode;
        }

        return fields;
    }
}
