using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ConversationEngine.Api.Hosting;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Senders;
using ConversationEngine.Twilio.Messages;
using ConversationEngine.Twilio.Webhooks;
using ConversationEngine.TwilioAccount;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// The receive toggle of a number or Messaging Service of the connected Twilio account: where
/// Twilio sends its inbound messages and status callbacks, now (at Twilio), and what the engine
/// will put back when receiving is switched off.
/// </summary>
public sealed record TwilioReceiveResource(
    string Sid,
    string? PhoneNumber,
    bool Enabled,
    bool Effective,
    string? DecidedBy,
    IReadOnlyList<string> MessagingServiceSids,
    bool? UseInboundWebhookOnNumber,
    string InboundUrl,
    string InboundMethod,
    string StatusCallback,
    TwilioReceivePreviousResource? Previous,
    string WebhookUrl,
    string StatusCallbackUrl,
    string Url,
    IReadOnlyList<string>? AutoCreationAddresses = null);

/// <summary>What the engine replaced, and puts back when receiving is switched off ("" for a URL that was empty).</summary>
public sealed record TwilioReceivePreviousResource(string InboundUrl, string InboundMethod, string StatusCallback);

/// <summary>A number Twilio has for sale, with its capabilities as Twilio reports them.</summary>
public sealed record TwilioAvailablePhoneNumberResource(
    string PhoneNumber,
    string? FriendlyName,
    string? Locality,
    string? Region,
    string? PostalCode,
    string? IsoCountry,
    string? AddressRequirements,
    bool Beta,
    Dictionary<string, bool> Capabilities);

/// <summary>
/// The engine's operations on the connected Twilio account (account credentials only): the
/// "receive incoming messages" switch of a number or Messaging Service, and searching and buying
/// numbers. Without Twilio credentials (the sandbox) every one answers 400.
/// </summary>
public static partial class TwilioAccountEndpoints
{

    public static IEndpointRouteBuilder MapTwilioAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/engine/v1/Twilio").WithTags("Operator");
        group.MapGet("/IncomingPhoneNumbers/{Sid}/Receive", FetchNumberReceiveAsync).WithName("FetchTwilioNumberReceive").Takes<FetchTwilioReceiveRequest>();
        group.MapPost("/IncomingPhoneNumbers/{Sid}/Receive", UpdateNumberReceiveAsync).WithName("UpdateTwilioNumberReceive").Takes<UpdateTwilioReceiveRequest>();
        group.MapGet("/Services/{Sid}/Receive", FetchServiceReceiveAsync).WithName("FetchTwilioServiceReceive").Takes<FetchTwilioReceiveRequest>();
        group.MapPost("/Services/{Sid}/Receive", UpdateServiceReceiveAsync).WithName("UpdateTwilioServiceReceive").Takes<UpdateTwilioReceiveRequest>();
        group.MapGet("/AvailablePhoneNumbers/{CountryCode}/{Type}", ListAvailableAsync).WithName("ListTwilioAvailablePhoneNumber")
            .Takes<ListTwilioAvailablePhoneNumberRequest>().Lists<TwilioAvailablePhoneNumberResource>("available_phone_numbers");
        group.MapPost("/IncomingPhoneNumbers", BuyAsync).WithName("CreateTwilioIncomingPhoneNumber").Takes<CreateTwilioIncomingPhoneNumberRequest>().Idempotent();
        return routes;
    }

    public static Task<Ok<TwilioReceiveResource>> FetchNumberReceiveAsync(string sid, IGrainFactory grains, IOptions<TwilioMessagesOptions> twilio, IOptions<EngineOptions> engine) =>
        FetchReceiveAsync(sid, Sids.PhoneNumber, grains, twilio, engine);

    public static Task<Ok<TwilioReceiveResource>> FetchServiceReceiveAsync(string sid, IGrainFactory grains, IOptions<TwilioMessagesOptions> twilio, IOptions<EngineOptions> engine) =>
        FetchReceiveAsync(sid, Sids.MessagingService, grains, twilio, engine);

    public static Task<Ok<TwilioReceiveResource>> UpdateNumberReceiveAsync(string sid, HttpRequest request, IGrainFactory grains, IOptions<TwilioMessagesOptions> twilio, IOptions<EngineOptions> engine) =>
        UpdateReceiveAsync(sid, Sids.PhoneNumber, request, grains, twilio, engine);

    public static Task<Ok<TwilioReceiveResource>> UpdateServiceReceiveAsync(string sid, HttpRequest request, IGrainFactory grains, IOptions<TwilioMessagesOptions> twilio, IOptions<EngineOptions> engine) =>
        UpdateReceiveAsync(sid, Sids.MessagingService, request, grains, twilio, engine);

    /// <summary>Twilio's numbers for sale, filtered as Twilio filters them.</summary>
    public static async Task<IResult> ListAvailableAsync(string countryCode, string type, HttpRequest request, IGrainFactory grains, ResourceLinks links, IOptions<TwilioMessagesOptions> twilio)
    {
        Connected(twilio);
        if (!CountryCode().IsMatch(countryCode))
        {
            throw Errors.Invalid("CountryCode", $"'{countryCode}' is not an ISO-3166-1 alpha-2 country code");
        }

        var areaCode = Form.Query(request, "AreaCode") is { } area
            ? int.TryParse(area, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : throw Errors.Invalid("AreaCode", $"'{area}' is not an area code")
            : (int?)null;
        var pageSize = Form.Query(request, "PageSize") is { } size
            ? int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000 ? n : throw Errors.Invalid("PageSize", $"'{size}' is not a number from 1 to 1000")
            : 50;
        var numbers = await grains.GetGrain<ITwilioNumbersGrain>(0).SearchAsync(new AvailableNumberQuery
        {
            CountryCode = countryCode.ToUpperInvariant(),
            Type = type is "Local" or "Mobile" or "TollFree" ? type : throw Errors.Invalid("Type", $"'{type}' is not one of Local, Mobile, TollFree"),
            AreaCode = areaCode,
            Contains = Form.Query(request, "Contains"),
            SmsEnabled = QueryFlag(request, "SmsEnabled"),
            MmsEnabled = QueryFlag(request, "MmsEnabled"),
            VoiceEnabled = QueryFlag(request, "VoiceEnabled"),
            InRegion = Form.Query(request, "InRegion"),
            PageSize = pageSize,
        });
        var url = links.Engine($"/Twilio/AvailablePhoneNumbers/{countryCode.ToUpperInvariant()}/{type}") + request.QueryString;
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["available_phone_numbers"] = numbers.Select(a => new TwilioAvailablePhoneNumberResource(
                a.PhoneNumber, a.FriendlyName, a.Locality, a.Region, a.PostalCode, a.IsoCountry, a.AddressRequirements, a.Beta,
                new Dictionary<string, bool> { ["sms"] = a.Sms, ["mms"] = a.Mms, ["voice"] = a.Voice })).ToList(),
            // One page: Twilio's search answers a selection, not a list to walk through.
            ["meta"] = new
            {
                page = 0,
                page_size = pageSize,
                first_page_url = url,
                previous_page_url = (string?)null,
                url,
                next_page_url = (string?)null,
                key = "available_phone_numbers",
            },
        }, TwilioJson.Options);
    }

    /// <summary>
    /// Buys the number at Twilio (once, whatever the retries) and registers it under Twilio's SID;
    /// with <c>Receive=true</c> switches receiving on for it. 201 with the engine's number.
    /// </summary>
    public static async Task<Created<IncomingPhoneNumberResource>> BuyAsync(
        HttpRequest request, IGrainFactory grains, SenderLinks links, IOptions<TwilioMessagesOptions> twilio, IOptions<EngineOptions> engine)
    {
        Connected(twilio);
        var form = await Form.ReadAsync(request);
        var phoneNumber = form.Value("PhoneNumber") is { Length: > 0 } given ? given.Trim() : throw Errors.Missing("PhoneNumber");
        if (!E164().IsMatch(phoneNumber))
        {
            throw Errors.Invalid("PhoneNumber", $"'{phoneNumber}' is not a number in E.164 format (+15017122661)");
        }

        var receive = form.Flag("Receive") == true;
        // Refused before anything is bought: a number should not be bought for a switch that cannot be made.
        var urls = receive ? WebhookUrls(engine.Value.PublicBaseUrl) : null;
        var number = await grains.GetGrain<ITwilioNumbersGrain>(0).BuyAsync(new NumberPurchase
        {
            EngineAccountSid = links.AccountSid,
            PhoneNumber = phoneNumber,
            FriendlyName = form.Value("FriendlyName"),
            MayExist = IdempotencyReservation.Of(request)?.Rerun == true,
        });
        if (urls is not null)
        {
            try
            {
                await grains.GetGrain<ITwilioReceiveGrain>(number.Sid).SwitchAsync(true, urls);
                await EnsureConversationsAsync(grains, links.AccountSid, number.Sid);
            }
            catch (EngineException error)
            {
                throw new EngineException(error.Kind, error.Code,
                    $"The number {number.Address} was bought and registered as {number.Sid}, but receiving could not be switched on: {error.Message}. " +
                    $"Switch it on with POST /engine/v1/Twilio/IncomingPhoneNumbers/{number.Sid}/Receive");
            }
        }

        var resource = links.IncomingPhoneNumber(number);
        return TypedResults.Created(resource.Uri, resource);
    }

    /// <summary>
    /// The engine's webhook URLs under <paramref name="publicBaseUrl"/>, which must be a public
    /// https address Twilio can reach: not http, not a loopback, private, link-local or other
    /// non-public address, not <c>localhost</c> or a single-label host name. 400 otherwise.
    /// </summary>
    public static ReceiveUrls WebhookUrls(string publicBaseUrl)
    {
        if (NotPublicBecause(publicBaseUrl) is { } reason)
        {
            throw Errors.Invalid(Errors.InvalidParameter,
                $"Engine:PublicBaseUrl '{publicBaseUrl}' is not a public https address Twilio can reach ({reason}): set it to the address Twilio calls the engine at, such as https://engine.example.com");
        }

        return Urls(publicBaseUrl);
    }

    /// <summary>The engine's webhook URLs under <paramref name="publicBaseUrl"/>, whatever it is.</summary>
    private static ReceiveUrls Urls(string publicBaseUrl) =>
        new(EngineWebhookPaths.Url(publicBaseUrl, EngineWebhookPaths.Messages), EngineWebhookPaths.Url(publicBaseUrl, EngineWebhookPaths.Status));

    /// <summary>Why the URL is no address for Twilio's webhooks, or null when it is one.</summary>
    public static string? NotPublicBecause(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "not an absolute URL";
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return "Twilio's webhooks need https";
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return "a base URL takes no query, fragment or user";
        }

        var host = uri.IdnHost.TrimEnd('.');
        if (IPAddress.TryParse(uri.HostNameType == UriHostNameType.IPv6 ? host.Trim('[', ']') : host, out var address))
        {
            return IsPublic(address) ? null : "a loopback, private, link-local or reserved address";
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || NonPublicSuffixes.Any(s => host.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
        {
            return "a local host name";
        }

        return host.Contains('.', StringComparison.Ordinal) ? null : "a single-label host name, which only a local network resolves";
    }

    private static readonly string[] NonPublicSuffixes = [".localhost", ".local", ".internal", ".home.arpa", ".lan"];

    private static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var first = address.GetAddressBytes()[0];
            // Link-local, site-local, multicast, unique local (fc00::/7).
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (first & 0xFE) == 0xFC);
        }

        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => false,
            100 when b[1] is >= 64 and < 128 => false, // carrier-grade NAT
            169 when b[1] == 254 => false, // link-local
            172 when b[1] is >= 16 and < 32 => false,
            192 when b[1] == 168 => false,
            192 when b[1] == 0 && b[2] is 0 or 2 => false, // IETF, TEST-NET-1
            198 when b[1] is 18 or 19 => false, // benchmarking
            >= 224 => false, // multicast and reserved
            _ => true,
        };
    }

    private static async Task<Ok<TwilioReceiveResource>> FetchReceiveAsync(string sid, string prefix, IGrainFactory grains, IOptions<TwilioMessagesOptions> twilio, IOptions<EngineOptions> engine)
    {
        Connected(twilio);
        Require(sid, prefix);
        // Reading does not need the address to be public: it tells whether the engine's URLs are in effect.
        var urls = Urls(engine.Value.PublicBaseUrl);
        var state = await grains.GetGrain<ITwilioReceiveGrain>(sid).GetAsync(urls);
        return TypedResults.Ok(Resource(state, urls, prefix));
    }

    private static async Task<Ok<TwilioReceiveResource>> UpdateReceiveAsync(string sid, string prefix, HttpRequest request, IGrainFactory grains, IOptions<TwilioMessagesOptions> twilio, IOptions<EngineOptions> engine)
    {
        Connected(twilio);
        Require(sid, prefix);
        var form = await Form.ReadAsync(request);
        var enabled = form.Flag("Enabled") ?? throw Errors.Missing("Enabled");
        ReceiveUrls urls;
        if (enabled)
        {
            urls = WebhookUrls(engine.Value.PublicBaseUrl);
        }
        else
        {
            // Switching off only puts back what was there: any base URL will do to recognise the engine's own.
            urls = Urls(engine.Value.PublicBaseUrl);
        }

        if (enabled)
        {
            // Imported before Twilio is changed, so the application URL it had is what the engine forwards to.
            await ImportIfUnknownAsync(grains, engine.Value.AccountSid!, sid);
        }

        var state = await grains.GetGrain<ITwilioReceiveGrain>(sid).SwitchAsync(enabled, urls);
        var addresses = enabled ? await EnsureConversationsAsync(grains, engine.Value.AccountSid!, sid) : null;
        return TypedResults.Ok(Resource(state, urls, prefix) with { AutoCreationAddresses = addresses });
    }

    /// <summary>
    /// What arrives is received into conversations: every address of the number (or of the
    /// service's pool) without an address configuration gets one with auto-creation (sms, and
    /// whatsapp where the sender has it). Configurations the operator made are left as they are.
    /// </summary>
    private static async Task<IReadOnlyList<string>> EnsureConversationsAsync(IGrainFactory grains, string accountSid, string sid)
    {
        var senders = await ReceivingSendersAsync(grains, accountSid, sid) ?? [];

        var book = grains.GetGrain<Inbound.IAddressBookGrain>(accountSid);
        var covered = new List<string>();
        foreach (var sender in senders.Where(s => s.Kind != SenderKinds.Alpha && s.DateMissing is null))
        {
            foreach (var type in new[] { Capabilities.Sms, Capabilities.WhatsApp }.Where(sender.Can))
            {
                var address = sender.AddressFor(type);
                if (await book.FindAsync(address) is null)
                {
                    try
                    {
                        await book.CreateAsync(new Inbound.AddressConfigurationChange
                        {
                            Type = type,
                            Address = address,
                            FriendlyName = "Receive toggle",
                            AutoCreationEnabled = true,
                        });
                    }
                    catch (EngineException error) when (error.Kind == ErrorKind.Conflict)
                    {
                        // Made at the same moment by another request: covered either way.
                    }
                }

                covered.Add(address);
            }
        }

        return covered;
    }

    /// <summary>A number or Messaging Service the engine does not know yet is imported (the whole account sync).</summary>
    private static async Task ImportIfUnknownAsync(IGrainFactory grains, string accountSid, string sid)
    {
        if (await ReceivingSendersAsync(grains, accountSid, sid) is null)
        {
            await grains.GetGrain<ITwilioAccountSyncGrain>(accountSid).SyncAsync("receive");
        }
    }

    /// <summary>The engine's senders behind a number or Messaging Service; null when the engine does not know it.</summary>
    private static async Task<IReadOnlyList<Sender>?> ReceivingSendersAsync(IGrainFactory grains, string accountSid, string sid) =>
        sid.StartsWith(Sids.MessagingService, StringComparison.Ordinal)
            ? (await grains.GetGrain<IMessagingServiceGrain>(sid).GetPoolAsync())?.Senders
            : await grains.GetGrain<ISenderRegistryGrain>(accountSid).FindAsync(sid) is { } number ? [number] : null;

    private static TwilioReceiveResource Resource(ReceiveState state, ReceiveUrls urls, string prefix)
    {
        var service = prefix == Sids.MessagingService;
        return new TwilioReceiveResource(
            state.Sid,
            state.PhoneNumber,
            state.Receiving,
            state.Receiving && state.DecidedBy == state.Sid,
            state.DecidedBy,
            state.MessagingServiceSids,
            service ? state.UseInboundWebhookOnNumber : null,
            state.Current.InboundUrl,
            state.Current.InboundMethod,
            state.Current.StatusCallback,
            state.Previous is { } previous ? new TwilioReceivePreviousResource(previous.InboundUrl, previous.InboundMethod, previous.StatusCallback) : null,
            urls.Inbound,
            urls.StatusCallback,
            $"/engine/v1/Twilio/{(service ? "Services" : "IncomingPhoneNumbers")}/{state.Sid}/Receive");
    }

    private static void Connected(IOptions<TwilioMessagesOptions> twilio)
    {
        if (!twilio.Value.HasCredentials)
        {
            throw TwilioAccountConnection.NotConnected();
        }
    }

    /// <summary>A SID of the other kind, or no SID at all, names nothing here.</summary>
    private static void Require(string sid, string prefix)
    {
        if (!Sid().IsMatch(sid) || !sid.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw Errors.Unknown("The resource");
        }
    }

    private static bool? QueryFlag(HttpRequest request, string name) => Form.Query(request, name) switch
    {
        null => null,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw Errors.Invalid(name, $"'{text}' is not true or false"),
    };

    [GeneratedRegex("^[A-Z]{2}[0-9a-f]{32}$")]
    private static partial Regex Sid();

    [GeneratedRegex("^[A-Za-z]{2}$")]
    private static partial Regex CountryCode();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
