namespace ConversationEngine.Twilio.Webhooks;

/// <summary>Where Twilio calls the engine, under its public base URL, and how to recognise those URLs.</summary>
public static class EngineWebhookPaths
{
    /// <summary>The root of both webhooks.</summary>
    public const string Root = "/webhooks/twilio";

    /// <summary>Incoming messages (SMS, MMS, WhatsApp, Messenger).</summary>
    public const string Messages = Root + "/messages";

    /// <summary>Delivery status callbacks.</summary>
    public const string Status = Root + "/status";

    /// <summary>The engine's URL for <paramref name="path"/> under <paramref name="publicBaseUrl"/>.</summary>
    public static string Url(string publicBaseUrl, string path)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        return publicBaseUrl.TrimEnd('/') + path;
    }

    /// <summary>
    /// Whether <paramref name="url"/> is one of the engine's own webhooks under <paramref name="publicBaseUrl"/>
    /// (same host and port, the base's path then <see cref="Root"/>): forwarding there, or taking it
    /// for the application's URL, would send the engine's traffic back to itself.
    /// </summary>
    public static bool IsEngineWebhook(string? url, string? publicBaseUrl) =>
        Uri.TryCreate(url, UriKind.Absolute, out var target)
        && Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var publicBase)
        && string.Equals(target.Authority, publicBase.Authority, StringComparison.OrdinalIgnoreCase)
        && target.AbsolutePath.StartsWith(publicBase.AbsolutePath.TrimEnd('/') + Root, StringComparison.OrdinalIgnoreCase);
}
