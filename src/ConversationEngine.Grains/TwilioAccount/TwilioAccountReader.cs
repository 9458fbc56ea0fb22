using ConversationEngine.Senders;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using MessagingV1 = Twilio.Rest.Messaging.V1;

namespace ConversationEngine.TwilioAccount;

/// <summary>One Messaging Service as Twilio lists it, with its pool.</summary>
internal sealed record TwilioServiceListing(
    MessagingV1.ServiceResource Service,
    IReadOnlyList<MessagingV1.Service.PhoneNumberResource> PhoneNumbers,
    IReadOnlyList<MessagingV1.Service.ShortCodeResource> ShortCodes,
    IReadOnlyList<MessagingV1.Service.AlphaSenderResource> AlphaSenders,
    IReadOnlyList<MessagingV1.Service.ChannelSenderResource> ChannelSenders);

/// <summary>Everything the sync imports, read completely before anything is applied.</summary>
internal sealed record TwilioAccountListing(
    IReadOnlyList<IncomingPhoneNumberResource> Numbers,
    IReadOnlyList<ShortCodeResource> ShortCodes,
    IReadOnlyList<TwilioServiceListing> Services);

/// <summary>
/// Reads the account through Twilio's library, every page of every list (its resource sets
/// follow Twilio's next-page links), on the thread pool (<see cref="TwilioAccountConnection.ReadPagesAsync"/>).
/// </summary>
internal static class TwilioAccountReader
{
    /// <summary>The largest page Twilio serves: fewest requests.</summary>
    private const int PageSize = 1000;

    public static Task<TwilioAccountListing> ReadAsync(TwilioRestClient client, string accountSid) =>
        TwilioAccountConnection.ReadPagesAsync("read the account's numbers and Messaging Services", () => Read(client, accountSid));

    private static TwilioAccountListing Read(TwilioRestClient client, string accountSid)
    {
        var numbers = IncomingPhoneNumberResource.Read(new ReadIncomingPhoneNumberOptions { PathAccountSid = accountSid, PageSize = PageSize }, client).ToList();
        var shortCodes = ShortCodeResource.Read(new ReadShortCodeOptions { PathAccountSid = accountSid, PageSize = PageSize }, client).ToList();
        var services = MessagingV1.ServiceResource.Read(new MessagingV1.ReadServiceOptions { PageSize = PageSize }, client)
            .Select(service => new TwilioServiceListing(
                service,
                MessagingV1.Service.PhoneNumberResource.Read(new MessagingV1.Service.ReadPhoneNumberOptions(service.Sid) { PageSize = PageSize }, client).ToList(),
                MessagingV1.Service.ShortCodeResource.Read(new MessagingV1.Service.ReadShortCodeOptions(service.Sid) { PageSize = PageSize }, client).ToList(),
                MessagingV1.Service.AlphaSenderResource.Read(new MessagingV1.Service.ReadAlphaSenderOptions(service.Sid) { PageSize = PageSize }, client).ToList(),
                MessagingV1.Service.ChannelSenderResource.Read(new MessagingV1.Service.ReadChannelSenderOptions(service.Sid) { PageSize = PageSize }, client).ToList()))
            .ToList();
        return new TwilioAccountListing(numbers, shortCodes, services);
    }

    /// <summary>A service's settings as the engine keeps them (every field given).</summary>
    public static MessagingServiceSettings Settings(MessagingV1.ServiceResource service) => new()
    {
        FriendlyName = service.FriendlyName,
        InboundRequestUrl = service.InboundRequestUrl?.ToString(),
        InboundMethod = service.InboundMethod?.ToString(),
        FallbackUrl = service.FallbackUrl?.ToString(),
        FallbackMethod = service.FallbackMethod?.ToString(),
        StatusCallback = service.StatusCallback?.ToString(),
        StickySender = service.StickySender,
        MmsConverter = service.MmsConverter,
        SmartEncoding = service.SmartEncoding,
        FallbackToLongCode = service.FallbackToLongCode,
        AreaCodeGeomatch = service.AreaCodeGeomatch,
        ValidityPeriod = service.ValidityPeriod,
        SynchronousValidation = service.SynchronousValidation,
        Usecase = service.Usecase,
        UseInboundWebhookOnNumber = service.UseInboundWebhookOnNumber,
    };
}
