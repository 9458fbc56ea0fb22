using ConversationEngine.Senders;
using PhoneNumbers;

namespace ConversationEngine.Rules;

/// <summary>A pool's selection settings (the Messaging Service's).</summary>
public sealed record PoolSettings(bool StickySender = true, bool AreaCodeGeomatch = false);

/// <summary>What a message needs a sender for.</summary>
/// <param name="Channel">sms, mms or whatsapp.</param>
/// <param name="Recipient">The recipient's E.164 number (without a channel prefix).</param>
/// <param name="TwoWay">The recipient must be able to answer (a conversation participant's proxy).</param>
/// <param name="StickySenderSid">The sender this recipient last got from the pool, if any.</param>
public sealed record SenderNeed(string Channel, string Recipient, bool TwoWay, string? StickySenderSid = null);

/// <summary>
/// Sender choice within a pool (a Messaging Service), as Twilio describes it:
/// a sender without the channel's capability is never chosen; short codes only reach their own
/// country; alphanumeric IDs are one-way and unsupported in the US and Canada; a sticky sender
/// keeps its recipient; otherwise short code, then geomatch (area code when enabled, then
/// country, then a US number), then anything left. Ties are spread by <c>spread</c>.
/// </summary>
public static class SenderSelection
{
    /// <summary>Countries where alphanumeric sender IDs are not delivered.</summary>
    private static readonly HashSet<string> NoAlphaCountries = ["US", "CA"];

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>The eligible senders, best first; the caller takes the first it can use.</summary>
    public static IReadOnlyList<Sender> Rank(SenderNeed need, IReadOnlyList<Sender> pool, PoolSettings settings, int spread = 0)
    {
        if (pool.Count == 0)
        {
            throw Errors.Invalid(21704, "The Messaging Service contains no senders");
        }

        var (country, areaCode) = Locate(need.Recipient);
        var capability = need.Channel switch
        {
            "whatsapp" => Capabilities.WhatsApp,
            "mms" => Capabilities.Mms,
            _ => Capabilities.Sms,
        };
        var eligible = pool.Where(s => s.Can(capability) && Reaches(s, need, country)).ToList();
        if (eligible.Count == 0)
        {
            throw Errors.Invalid(21703, $"No sender in the Messaging Service can send {need.Channel} to {need.Recipient}");
        }

        // Spread ties over the pool: rotate before the stable sort, so equal ranks take turns.
        var rotated = eligible.Skip(Math.Abs(spread) % eligible.Count).Concat(eligible.Take(Math.Abs(spread) % eligible.Count)).ToList();
        return rotated
            .OrderBy(s => settings.StickySender && s.Sid == need.StickySenderSid ? 0 : 1)
            .ThenBy(s => Preference(s, country, areaCode, settings))
            .ToList();
    }

    /// <summary>The best sender for <paramref name="need"/>.</summary>
    public static Sender Choose(SenderNeed need, IReadOnlyList<Sender> pool, PoolSettings settings, int spread = 0) =>
        Rank(need, pool, settings, spread)[0];

    /// <summary>Refuses an alphanumeric sender ID where an answer must be possible.</summary>
    public static void CheckTwoWay(string proxyAddress)
    {
        if (IsAlphanumericId(proxyAddress))
        {
            throw Errors.Invalid(Errors.InvalidProxyAddress, $"'{proxyAddress}' is an alphanumeric sender ID: those are one-way, so it cannot be a participant's proxy address");
        }
    }

    /// <summary>Twilio's alphanumeric sender ID form: up to 11 of A–Z a–z 0–9 space - + _ &amp;, not all digits.</summary>
    public static bool IsAlphanumericId(string value) =>
        value.Length is > 0 and <= 11
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '+' or '_' or '&')
        && value.Any(char.IsAsciiLetter);

    private static bool Reaches(Sender sender, SenderNeed need, string? country) => sender.Kind switch
    {
        SenderKinds.Alpha => !need.TwoWay && need.Channel == "sms" && (country is null || !NoAlphaCountries.Contains(country)),
        SenderKinds.ShortCode => need.Channel != "whatsapp" && sender.Country == country,
        _ => true,
    };

    /// <summary>Lower is better.</summary>
    private static int Preference(Sender sender, string? country, string? areaCode, PoolSettings settings)
    {
        if (sender.Kind == SenderKinds.Alpha)
        {
            // Twilio: an alphanumeric ID takes precedence over numbers for one-way traffic.
            return 0;
        }

        if (sender.Kind == SenderKinds.ShortCode)
        {
            return 1;
        }

        if (sender.Country == country)
        {
            return settings.AreaCodeGeomatch && areaCode is not null && Locate(sender.Address).AreaCode == areaCode ? 2 : 3;
        }

        return sender.Country == "US" ? 4 : 5;
    }

    /// <summary>The number's country and, for North American numbers, its area code.</summary>
    private static (string? Country, string? AreaCode) Locate(string e164)
    {
        try
        {
            var number = Phones.Parse(e164, null);
            // Unassigned ranges (test and drama numbers) have no region of their own: their
            // country code's main region stands in.
            var country = Phones.GetRegionCodeForNumber(number);
            country = country is null or "ZZ" ? Phones.GetRegionCodeForCountryCode(number.CountryCode) : country;
            country = country is null or "ZZ" ? null : country;
            var national = number.NationalNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (country, number.CountryCode == 1 && national.Length == 10 ? national[..3] : null);
        }
        catch (NumberParseException)
        {
            return (null, null);
        }
    }
}

/// <summary>
/// Where a message is sent from when no pool decides (seed 000): a Messaging Service takes
/// precedence over an SMS sender ID, which takes precedence over a plain Twilio number.
/// WhatsApp needs a number or a Messaging Service; sender IDs are SMS-only and one-way.
/// </summary>
public static class SenderPrecedence
{
    public enum Source
    {
        MessagingService,
        SenderId,
        Number,
    }

    public static Source Resolve(string channel, bool twoWay, string? messagingServiceSid, string? senderId, string? number)
    {
        if (messagingServiceSid is not null)
        {
            return Source.MessagingService;
        }

        if (senderId is not null && channel == "sms" && !twoWay)
        {
            return Source.SenderId;
        }

        if (number is not null)
        {
            return Source.Number;
        }

        throw channel == "whatsapp"
            ? Errors.Invalid(21703, "WhatsApp needs a WhatsApp-enabled number or a Messaging Service with a WhatsApp sender")
            : Errors.Invalid(21703, twoWay && senderId is not null
                ? "An SMS sender ID is one-way: a two-way conversation needs a number or a Messaging Service"
                : "No sender: configure a Messaging Service, an SMS sender ID or a number");
    }
}
