using ConversationEngine.Senders;
using ConversationEngine.Twilio.Messages;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Twilio.Base;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Rest.Api.V2010.Account.AvailablePhoneNumberCountry;
using Twilio.Types;

namespace ConversationEngine.TwilioAccount;

/// <summary>
/// Searching Twilio's numbers for sale and buying one. The purchase goes out once, through the
/// client without retries (the shared one repeats POSTs after timeouts and 5xx, which would buy
/// twice or fail on the second attempt); an answer that leaves the outcome open is settled by
/// looking the number up among the account's own.
/// </summary>
[StatelessWorker]
public sealed partial class TwilioNumbersGrain(
    TwilioAccountConnection twilio,
    IHttpClientFactory httpClients,
    Microsoft.Extensions.Options.IOptions<TwilioMessagesOptions> options,
    ILogger<TwilioNumbersGrain> logger) : Grain, ITwilioNumbersGrain
{
    public async Task<IReadOnlyList<AvailableNumber>> SearchAsync(AvailableNumberQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var client = twilio.CreateClient();
        return query.Type switch
        {
            "Local" => await TwilioAccountConnection.CallAsync("search local numbers", async () =>
                Listed(await LocalResource.ReadAsync(Local(query), client), query.PageSize, n => Available(n.PhoneNumber, n.FriendlyName, n.Locality, n.Region, n.PostalCode, n.IsoCountry, n.AddressRequirements, n.Beta, n.Capabilities))),
            "Mobile" => await TwilioAccountConnection.CallAsync("search mobile numbers", async () =>
                Listed(await MobileResource.ReadAsync(Mobile(query), client), query.PageSize, n => Available(n.PhoneNumber, n.FriendlyName, n.Locality, n.Region, n.PostalCode, n.IsoCountry, n.AddressRequirements, n.Beta, n.Capabilities))),
            "TollFree" => await TwilioAccountConnection.CallAsync("search toll-free numbers", async () =>
                Listed(await TollFreeResource.ReadAsync(TollFree(query), client), query.PageSize, n => Available(n.PhoneNumber, n.FriendlyName, n.Locality, n.Region, n.PostalCode, n.IsoCountry, n.AddressRequirements, n.Beta, n.Capabilities))),
            _ => throw Errors.Invalid("Type", $"'{query.Type}' is not one of Local, Mobile, TollFree"),
        };
    }

    public async Task<Sender> BuyAsync(NumberPurchase purchase)
    {
        ArgumentNullException.ThrowIfNull(purchase);
        var client = twilio.CreateClient();
        // A repeat of a request whose answer was lost: the first attempt may have bought it.
        if (purchase.MayExist && await FindOwnedAsync(client, purchase.PhoneNumber) is { } owned)
        {
            return await RegisterAsync(purchase, owned);
        }

        var once = httpClients.CreateTwilioRestClient(options.Value, TwilioMessagesServiceCollectionExtensions.SingleAttemptHttpClientName);
        IncomingPhoneNumberResource bought;
        try
        {
            bought = await TwilioAccountConnection.CallAsync("buy the number", () => IncomingPhoneNumberResource.CreateAsync(
                new CreateIncomingPhoneNumberOptions { PhoneNumber = new PhoneNumber(purchase.PhoneNumber), FriendlyName = purchase.FriendlyName },
                once));
        }
        catch (EngineException unknown) when (unknown.Kind == ErrorKind.Unavailable)
        {
            // A timeout, a dropped connection or a 5xx: Twilio may have bought it all the same.
            LogPurchaseUnknown(logger, purchase.PhoneNumber, unknown.Message);
            IncomingPhoneNumberResource? found;
            try
            {
                found = await FindOwnedAsync(client, purchase.PhoneNumber);
            }
            catch (EngineException lookup) when (lookup.Kind == ErrorKind.Unavailable)
            {
                throw new TimeoutException(
                    $"The outcome of buying {purchase.PhoneNumber} is unknown ({unknown.Message}), and the account's numbers could not be read to tell ({lookup.Message}). " +
                    "Look for it in GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json at Twilio, or repeat the request with the same Idempotency-Key");
            }

            bought = found ?? throw new EngineException(ErrorKind.Unavailable, Errors.Internal,
                $"The number {purchase.PhoneNumber} was not bought ({unknown.Message}; the account does not hold it); retry later");
        }

        return await RegisterAsync(purchase, bought);
    }

    private Task<Sender> RegisterAsync(NumberPurchase purchase, IncomingPhoneNumberResource number) =>
        GrainFactory.GetGrain<ISenderRegistryGrain>(purchase.EngineAccountSid).ImportAsync(TwilioSenders.FromIncomingNumber(number));

    private static async Task<IncomingPhoneNumberResource?> FindOwnedAsync(ITwilioRestClient client, string phoneNumber)
    {
        var numbers = await TwilioAccountConnection.CallAsync("look the number up among the account's", () => IncomingPhoneNumberResource.ReadAsync(
            new ReadIncomingPhoneNumberOptions { PhoneNumber = new PhoneNumber(phoneNumber), PageSize = 20, Limit = 20 }, client));
        return numbers.FirstOrDefault(n => n.PhoneNumber?.ToString() == phoneNumber);
    }

    private static ReadLocalOptions Local(AvailableNumberQuery q) => new(q.CountryCode)
    {
        AreaCode = q.AreaCode, Contains = q.Contains, SmsEnabled = q.SmsEnabled, MmsEnabled = q.MmsEnabled, VoiceEnabled = q.VoiceEnabled,
        InRegion = q.InRegion, PageSize = q.PageSize, Limit = q.PageSize,
    };

    private static ReadMobileOptions Mobile(AvailableNumberQuery q) => new(q.CountryCode)
    {
        AreaCode = q.AreaCode, Contains = q.Contains, SmsEnabled = q.SmsEnabled, MmsEnabled = q.MmsEnabled, VoiceEnabled = q.VoiceEnabled,
        InRegion = q.InRegion, PageSize = q.PageSize, Limit = q.PageSize,
    };

    private static ReadTollFreeOptions TollFree(AvailableNumberQuery q) => new(q.CountryCode)
    {
        AreaCode = q.AreaCode, Contains = q.Contains, SmsEnabled = q.SmsEnabled, MmsEnabled = q.MmsEnabled, VoiceEnabled = q.VoiceEnabled,
        InRegion = q.InRegion, PageSize = q.PageSize, Limit = q.PageSize,
    };

    private static List<AvailableNumber> Listed<T>(ResourceSet<T> numbers, int max, Func<T, AvailableNumber> map)
        where T : Resource =>
        numbers.Take(max).Select(map).ToList();

    private static AvailableNumber Available(
        PhoneNumber? phoneNumber, PhoneNumber? friendlyName, string? locality, string? region, string? postalCode, string? isoCountry,
        string? addressRequirements, bool? beta, PhoneNumberCapabilities? capabilities) => new()
        {
            PhoneNumber = phoneNumber?.ToString() ?? "",
            FriendlyName = friendlyName?.ToString(),
            Locality = locality,
            Region = region,
            PostalCode = postalCode,
            IsoCountry = isoCountry,
            AddressRequirements = addressRequirements,
            Beta = beta == true,
            Sms = capabilities?.Sms == true,
            Mms = capabilities?.Mms == true,
            Voice = capabilities?.Voice == true,
        };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Buying {PhoneNumber} ended without a clear answer ({Reason}); looking it up among the account's numbers")]
    private static partial void LogPurchaseUnknown(ILogger logger, string phoneNumber, string reason);
}
