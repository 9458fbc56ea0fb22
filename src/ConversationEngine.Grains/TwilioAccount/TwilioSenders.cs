using ConversationEngine.Senders;
using PhoneNumbers;
using Twilio.Rest.Api.V2010.Account;

namespace ConversationEngine.TwilioAccount;

/// <summary>Twilio's numbers and short codes as the engine's senders, under Twilio's own SIDs.</summary>
public static class TwilioSenders
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>An incoming phone number: capabilities as Twilio reports them (a Japanese number: voice only).</summary>
    public static Sender FromIncomingNumber(IncomingPhoneNumberResource number)
    {
        ArgumentNullException.ThrowIfNull(number);
        var address = number.PhoneNumber?.ToString() ?? throw new ArgumentException("The number has no phone_number", nameof(number));
        var (country, tollFree) = Describe(address);
        var capabilities = new List<string>();
        if (number.Capabilities is { } reported)
        {
            AddIf(capabilities, reported.Sms, Capabilities.Sms);
            AddIf(capabilities, reported.Mms, Capabilities.Mms);
            AddIf(capabilities, reported.Voice, Capabilities.Voice);
        }

        return new Sender
        {
            Sid = number.Sid,
            Kind = tollFree ? SenderKinds.TollFree : SenderKinds.LongCode,
            Address = address,
            Country = country,
            Capabilities = capabilities,
            FriendlyName = string.IsNullOrEmpty(number.FriendlyName) ? address : number.FriendlyName,
            Origin = SenderOrigins.Twilio,
        };
    }

    /// <summary>A short code (SMS only, as Twilio's short codes carry no WhatsApp); its country from the account's listing when known.</summary>
    public static Sender FromShortCode(ShortCodeResource shortCode, string? country)
    {
        ArgumentNullException.ThrowIfNull(shortCode);
        return new Sender
        {
            Sid = shortCode.Sid,
            Kind = SenderKinds.ShortCode,
            Address = shortCode.ShortCode,
            Country = country,
            Capabilities = new List<string> { Capabilities.Sms, Capabilities.Mms },
            FriendlyName = string.IsNullOrEmpty(shortCode.FriendlyName) ? shortCode.ShortCode : shortCode.FriendlyName,
            Origin = SenderOrigins.Twilio,
        };
    }

    /// <summary>The number's country (ISO 3166-1 alpha-2) and whether it is toll-free.</summary>
    public static (string? Country, bool TollFree) Describe(string e164)
    {
        try
        {
            var number = Phones.Parse(e164, null);
            var country = Phones.GetRegionCodeForNumber(number) is { } region and not "ZZ" ? region : Phones.GetRegionCodeForCountryCode(number.CountryCode);
            return (country, Phones.GetNumberType(number) == PhoneNumberType.TOLL_FREE);
        }
        catch (NumberParseException)
        {
            return (null, false);
        }
    }

    private static void AddIf(List<string> capabilities, bool? present, string capability)
    {
        if (present == true)
        {
            capabilities.Add(capability);
        }
    }
}
