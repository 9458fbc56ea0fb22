namespace ConversationEngine.Senders;

/// <summary>Kinds of sender in a pool, as the selection rules tell them apart.</summary>
public static class SenderKinds
{
    public const string LongCode = "long_code";
    public const string TollFree = "toll_free";
    public const string ShortCode = "short_code";
    public const string Alpha = "alpha";
}

/// <summary>Where a sender's record came from.</summary>
public static class SenderOrigins
{
    public const string Twilio = "twilio";
}

/// <summary>Capabilities of a sender, spelled as on the wire.</summary>
public static class Capabilities
{
    public const string Sms = "sms";
    public const string Mms = "mms";
    public const string Voice = "voice";
    public const string WhatsApp = "whatsapp";
}

/// <summary>One sender the account owns: a number (PN…), a short code (SC…) or an alphanumeric ID (AI…).</summary>
[GenerateSerializer]
[Alias("ConversationEngine.Sender")]
public sealed record Sender
{
    [Id(0)] public required string Sid { get; init; }
    [Id(1)] public required string Kind { get; init; }

    /// <summary>E.164 number, short code digits, or the alphanumeric ID.</summary>
    [Id(2)] public required string Address { get; init; }

    /// <summary>ISO 3166-1 alpha-2; null for alphanumeric IDs (usable where the country allows them).</summary>
    [Id(3)] public string? Country { get; init; }

    [Id(4)] public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>Messages (segments) per second this sender may send; null takes the kind's default.</summary>
    [Id(5)] public double? Mps { get; init; }

    [Id(6)] public string? FriendlyName { get; init; }
    [Id(7)] public DateTimeOffset DateCreated { get; init; }
    [Id(8)] public DateTimeOffset DateUpdated { get; init; }

    /// <summary><see cref="SenderOrigins.Twilio"/> when imported from the Twilio account (its SID is Twilio's); null when registered by hand.</summary>
    [Id(9)] public string? Origin { get; init; }

    /// <summary>An imported sender the last complete sync no longer found at Twilio: since when. Kept (conversations may use it), never chosen for new recipients.</summary>
    [Id(10)] public DateTimeOffset? DateMissing { get; init; }

    /// <summary>For a WhatsApp channel sender (XE…): the number it sends from is also a number of the account (PN…), when it is.</summary>
    [Id(11)] public string? ChannelSenderSid { get; init; }

    public bool Can(string capability) => Capabilities.Contains(capability);

    /// <summary>The address a message on <paramref name="channel"/> leaves from (<c>whatsapp:+…</c> for WhatsApp).</summary>
    public string AddressFor(string channel) => channel == "whatsapp" ? "whatsapp:" + Address : Address;
}
