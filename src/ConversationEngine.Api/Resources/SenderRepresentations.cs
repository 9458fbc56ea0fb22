using System.Globalization;
using ConversationEngine.Senders;

namespace ConversationEngine.Api.Resources;

/// <summary>Messaging v1 Service, as in Twilio's OpenAPI document (<c>messaging.v1.service</c>).</summary>
public sealed record MessagingServiceResource(
    string Sid,
    string AccountSid,
    string? FriendlyName,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string? InboundRequestUrl,
    string? InboundMethod,
    string? FallbackUrl,
    string? FallbackMethod,
    string? StatusCallback,
    bool StickySender,
    bool MmsConverter,
    bool SmartEncoding,
    string? ScanMessageContent,
    bool FallbackToLongCode,
    bool AreaCodeGeomatch,
    bool SynchronousValidation,
    int ValidityPeriod,
    string Url,
    Dictionary<string, string> Links,
    string? Usecase,
    bool UsAppToPersonRegistered,
    bool UseInboundWebhookOnNumber,
    DateTimeOffset? DateMissing);

/// <summary><c>messaging.v1.service.phone_number</c>.</summary>
public sealed record ServicePhoneNumberResource(
    string Sid,
    string AccountSid,
    string ServiceSid,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string PhoneNumber,
    string? CountryCode,
    IReadOnlyList<string> Capabilities,
    string Url);

/// <summary><c>messaging.v1.service.short_code</c>.</summary>
public sealed record ServiceShortCodeResource(
    string Sid,
    string AccountSid,
    string ServiceSid,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string ShortCode,
    string? CountryCode,
    IReadOnlyList<string> Capabilities,
    string Url);

/// <summary><c>messaging.v1.service.alpha_sender</c>.</summary>
public sealed record ServiceAlphaSenderResource(
    string Sid,
    string AccountSid,
    string ServiceSid,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    string AlphaSender,
    IReadOnlyList<string> Capabilities,
    string Url);

/// <summary>
/// API 2010 IncomingPhoneNumber: Twilio's fields the engine has, plus <c>iso_country</c> and
/// <c>mps</c> (engine additions). Dates are RFC 2822 strings and <c>uri</c> is relative, as in that API.
/// </summary>
public sealed record IncomingPhoneNumberResource(
    string Sid,
    string AccountSid,
    string PhoneNumber,
    string? FriendlyName,
    Dictionary<string, bool> Capabilities,
    string? IsoCountry,
    double? Mps,
    string Type,
    string Status,
    string ApiVersion,
    string DateCreated,
    string DateUpdated,
    string Uri,
    string? DateMissing);

/// <summary>API 2010 ShortCode, plus <c>iso_country</c>, <c>capabilities</c> and <c>mps</c> (engine additions).</summary>
public sealed record ShortCodeResource(
    string Sid,
    string AccountSid,
    string ShortCode,
    string? FriendlyName,
    string? IsoCountry,
    IReadOnlyList<string> Capabilities,
    double? Mps,
    string? SmsUrl,
    string SmsMethod,
    string? SmsFallbackUrl,
    string SmsFallbackMethod,
    string ApiVersion,
    string DateCreated,
    string DateUpdated,
    string Uri,
    string? DateMissing);

/// <summary>Maps Messaging Services and the account's senders to their wire shapes.</summary>
public sealed class SenderLinks(Microsoft.Extensions.Options.IOptions<Hosting.EngineOptions> options)
{
    public const string ApiVersion = "2010-04-01";

    private readonly string baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');

    public string AccountSid => options.Value.AccountSid!;

    /// <summary>Absolute Messaging v1 URL.</summary>
    public string Messaging(string path) => baseUrl + "/messaging/v1" + path;

    public string ServiceUrl(string sid) => Messaging("/Services/" + sid);

    /// <summary>API 2010 URI, relative as Twilio writes them.</summary>
    public string Account(string path) => $"/{ApiVersion}/Accounts/{AccountSid}{path}";

    public MessagingServiceResource Service(MessagingServiceSnapshot s)
    {
        var url = ServiceUrl(s.Sid);
        var settings = s.Settings;
        return new MessagingServiceResource(
            s.Sid, s.AccountSid, settings.FriendlyName, s.DateCreated, s.DateUpdated,
            settings.InboundRequestUrl, settings.InboundMethod, settings.FallbackUrl, settings.FallbackMethod, settings.StatusCallback,
            settings.StickySender ?? true, settings.MmsConverter ?? true, settings.SmartEncoding ?? true, settings.ScanMessageContent,
            settings.FallbackToLongCode ?? false, settings.AreaCodeGeomatch ?? false, settings.SynchronousValidation ?? false,
            settings.ValidityPeriod ?? 36_000, url,
            // Twilio also links messages, us_app_to_person(_usecases) and
            // destination_alpha_senders, none served here: a link leads somewhere or is left out.
            new Dictionary<string, string>
            {
                ["phone_numbers"] = url + "/PhoneNumbers",
                ["short_codes"] = url + "/ShortCodes",
                ["alpha_senders"] = url + "/AlphaSenders",
                ["channel_senders"] = url + "/ChannelSenders",
            },
            settings.Usecase, false, settings.UseInboundWebhookOnNumber ?? false, s.DateMissing);
    }

    public ServicePhoneNumberResource ServicePhoneNumber(string serviceSid, PoolSender p) => new(
        p.Sender.Sid, AccountSid, serviceSid, p.DateAdded, p.DateAdded, p.Sender.Address, p.Sender.Country,
        WireCapabilities(p.Sender), ServiceUrl(serviceSid) + "/PhoneNumbers/" + p.Sender.Sid);

    public ServiceShortCodeResource ServiceShortCode(string serviceSid, PoolSender p) => new(
        p.Sender.Sid, AccountSid, serviceSid, p.DateAdded, p.DateAdded, p.Sender.Address, p.Sender.Country,
        WireCapabilities(p.Sender), ServiceUrl(serviceSid) + "/ShortCodes/" + p.Sender.Sid);

    public ServiceAlphaSenderResource ServiceAlphaSender(string serviceSid, PoolSender p) => new(
        p.Sender.Sid, AccountSid, serviceSid, p.DateAdded, p.Sender.DateUpdated, p.Sender.Address,
        WireCapabilities(p.Sender), ServiceUrl(serviceSid) + "/AlphaSenders/" + p.Sender.Sid);

    public IncomingPhoneNumberResource IncomingPhoneNumber(Sender s) => new(
        s.Sid, AccountSid, s.Address, s.FriendlyName,
        new Dictionary<string, bool>
        {
            ["voice"] = s.Can(Capabilities.Voice),
            ["sms"] = s.Can(Capabilities.Sms),
            ["mms"] = s.Can(Capabilities.Mms),
            ["fax"] = false,
            ["whatsapp"] = s.Can(Capabilities.WhatsApp),
        },
        s.Country, s.Mps, s.Kind == SenderKinds.TollFree ? "toll-free" : "local", "in-use", ApiVersion,
        Rfc2822(s.DateCreated), Rfc2822(s.DateUpdated), Account($"/IncomingPhoneNumbers/{s.Sid}.json"), s.DateMissing is { } missing ? Rfc2822(missing) : null);

    public ShortCodeResource ShortCode(Sender s) => new(
        s.Sid, AccountSid, s.Address, s.FriendlyName, s.Country, s.Capabilities, s.Mps,
        null, "POST", null, "POST", ApiVersion,
        Rfc2822(s.DateCreated), Rfc2822(s.DateUpdated), Account($"/SMS/ShortCodes/{s.Sid}.json"), s.DateMissing is { } missing ? Rfc2822(missing) : null);

    /// <summary>API 2010 dates: <c>Fri, 24 May 2019 17:44:46 +0000</c>.</summary>
    public static string Rfc2822(DateTimeOffset value) =>
        value.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    /// <summary>Messaging v1 spells capabilities <c>SMS</c>, <c>MMS</c>, <c>Voice</c>.</summary>
    private static List<string> WireCapabilities(Sender sender) =>
        sender.Capabilities.Select(c => c switch
        {
            Capabilities.Sms => "SMS",
            Capabilities.Mms => "MMS",
            Capabilities.Voice => "Voice",
            Capabilities.WhatsApp => "WhatsApp",
            _ => c,
        }).ToList();
}
