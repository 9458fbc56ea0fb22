namespace ConversationEngine.TwilioAccount;

/// <summary>The engine's two webhook URLs, as the front end derives them from <c>Engine:PublicBaseUrl</c>.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ReceiveUrls")]
public sealed record ReceiveUrls(
    [property: Id(0)] string Inbound,
    [property: Id(1)] string StatusCallback);

/// <summary>A resource's inbound URL, its method and its status callback, as Twilio holds them ("" for none).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.ReceiveSettings")]
public sealed record ReceiveSettings(
    [property: Id(0)] string InboundUrl,
    [property: Id(1)] string InboundMethod,
    [property: Id(2)] string StatusCallback);

/// <summary>
/// The receive toggle of one number (PN…) or Messaging Service (MG…) as Twilio has it now, and
/// what the engine remembers of the settings it replaced.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.ReceiveState")]
public sealed record ReceiveState
{
    [Id(0)] public required string Sid { get; init; }

    /// <summary>The number, for a PN; null for a Messaging Service.</summary>
    [Id(1)] public string? PhoneNumber { get; init; }

    [Id(2)] public required ReceiveSettings Current { get; init; }

    /// <summary>Twilio calls the engine's inbound URL for this resource's messages (its own setting, whether or not it decides).</summary>
    [Id(3)] public bool Receiving { get; init; }

    /// <summary>
    /// The resource whose inbound settings Twilio applies: for a number, itself or the Messaging
    /// Service holding it; for a service, itself, or null when each number's own URL wins.
    /// </summary>
    [Id(4)] public string? DecidedBy { get; init; }

    /// <summary>The Messaging Services holding the number (for a PN), or for an MG whether numbers' own webhooks win.</summary>
    [Id(5)] public IReadOnlyList<string> MessagingServiceSids { get; init; } = [];

    /// <summary>For an MG: <c>use_inbound_webhook_on_number</c>, under which each number's own URL decides.</summary>
    [Id(6)] public bool UseInboundWebhookOnNumber { get; init; }

    /// <summary>What the engine replaced when it switched receiving on, and will put back when it is switched off; null when it holds nothing.</summary>
    [Id(7)] public ReceiveSettings? Previous { get; init; }
}

/// <summary>
/// The "receive incoming messages and replies" switch of one number (PN…) or Messaging Service
/// (MG…) of the connected Twilio account, keyed by its SID: on points its inbound URL and status
/// callback at the engine, remembering what was there; off puts that back. Durable and idempotent.
/// </summary>
[Alias("ConversationEngine.ITwilioReceiveGrain")]
public interface ITwilioReceiveGrain : IGrainWithStringKey
{
    /// <summary>Fetches the resource from Twilio and tells whether the engine's URLs are in effect.</summary>
    [Alias("Get")]
    Task<ReceiveState> GetAsync(ReceiveUrls urls);

    /// <summary>Switches receiving on or off; a number whose Messaging Service decides is refused (400, naming the service).</summary>
    [Alias("Switch")]
    Task<ReceiveState> SwitchAsync(bool enabled, ReceiveUrls urls);
}

/// <summary>A search of Twilio's numbers for sale (<c>AvailablePhoneNumbers/{Country}/{Type}</c>).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.AvailableNumberQuery")]
public sealed record AvailableNumberQuery
{
    [Id(0)] public required string CountryCode { get; init; }

    /// <summary><c>Local</c>, <c>Mobile</c> or <c>TollFree</c>.</summary>
    [Id(1)] public required string Type { get; init; }

    [Id(2)] public int? AreaCode { get; init; }
    [Id(3)] public string? Contains { get; init; }
    [Id(4)] public bool? SmsEnabled { get; init; }
    [Id(5)] public bool? MmsEnabled { get; init; }
    [Id(6)] public bool? VoiceEnabled { get; init; }
    [Id(7)] public string? InRegion { get; init; }
    [Id(8)] public int PageSize { get; init; } = 20;
}

/// <summary>A number for sale, with its capabilities as Twilio reports them.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.AvailableNumber")]
public sealed record AvailableNumber
{
    [Id(0)] public required string PhoneNumber { get; init; }
    [Id(1)] public string? FriendlyName { get; init; }
    [Id(2)] public string? Locality { get; init; }
    [Id(3)] public string? Region { get; init; }
    [Id(4)] public string? PostalCode { get; init; }
    [Id(5)] public string? IsoCountry { get; init; }
    [Id(6)] public string? AddressRequirements { get; init; }
    [Id(7)] public bool Beta { get; init; }
    [Id(8)] public bool Sms { get; init; }
    [Id(9)] public bool Mms { get; init; }
    [Id(10)] public bool Voice { get; init; }
}

/// <summary>A purchase: the number, its name, and whether an earlier attempt may already have bought it.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.NumberPurchase")]
public sealed record NumberPurchase
{
    /// <summary>The engine's account whose sender registry takes the number.</summary>
    [Id(0)] public required string EngineAccountSid { get; init; }

    [Id(1)] public required string PhoneNumber { get; init; }
    [Id(2)] public string? FriendlyName { get; init; }

    /// <summary>A repeat of a request whose outcome was lost (its idempotency key's rerun): look before buying.</summary>
    [Id(3)] public bool MayExist { get; init; }
}

/// <summary>Searching and buying numbers of the connected Twilio account; stateless (key 0).</summary>
[Alias("ConversationEngine.ITwilioNumbersGrain")]
public interface ITwilioNumbersGrain : IGrainWithIntegerKey
{
    [Alias("Search")]
    Task<IReadOnlyList<AvailableNumber>> SearchAsync(AvailableNumberQuery query);

    /// <summary>
    /// Buys the number at Twilio once, whatever retries happen, and registers it in the engine under
    /// Twilio's SID. An outcome Twilio leaves unknown is looked up; still unknown, a
    /// <see cref="TimeoutException"/> (504, outcome unknown).
    /// </summary>
    [Alias("Buy")]
    Task<Senders.Sender> BuyAsync(NumberPurchase purchase);
}
