using ConversationEngine.Grains.Persistence;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Rest.Messaging.V1;
using MessagingPhoneNumberResource = Twilio.Rest.Messaging.V1.Service.PhoneNumberResource;
using TwilioHttpMethod = Twilio.Http.HttpMethod;

namespace ConversationEngine.TwilioAccount;

[GenerateSerializer]
[Alias("ConversationEngine.TwilioReceiveState")]
public sealed class TwilioReceiveState
{
    /// <summary>What the engine replaced when it switched receiving on; null while it holds nothing to put back.</summary>
    [Id(0)] public ReceiveSettings? Previous { get; set; }
}

/// <summary>
/// The receive toggle of one number (PN…) or Messaging Service (MG…), keyed by its SID. What it
/// replaces is stored before Twilio is changed, so a failure half-way leaves it remembered and a
/// repeat (on or off) finishes the job; a repeated "on" never remembers the engine's own URLs.
/// </summary>
public sealed class TwilioReceiveGrain(
    [PersistentState("twilioReceive", "store")] IPersistentState<TwilioReceiveState> store,
    TwilioAccountConnection twilio) : Grain, ITwilioReceiveGrain
{
    private const string Post = "POST";

    private string Sid => this.GetPrimaryKeyString();

    private bool IsService => Sid.StartsWith(Sids.MessagingService, StringComparison.Ordinal);

    public Task<ReceiveState> GetAsync(ReceiveUrls urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return StateAsync(twilio.CreateClient(), urls);
    }

    public async Task<ReceiveState> SwitchAsync(bool enabled, ReceiveUrls urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var client = twilio.CreateClient();
        var state = await StateAsync(client, urls);
        if (enabled && !IsService && state.DecidedBy != Sid)
        {
            throw Errors.Invalid(Errors.InvalidParameter,
                $"The number {state.PhoneNumber} ({Sid}) is in Messaging Service {state.DecidedBy}, whose inbound settings Twilio applies to it (use_inbound_webhook_on_number is false): " +
                $"switch receiving on for the service instead (POST /engine/v1/Twilio/Services/{state.DecidedBy}/Receive)");
        }

        var engine = new ReceiveSettings(urls.Inbound, Post, urls.StatusCallback);
        ReceiveSettings target;
        if (enabled)
        {
            if (store.State.Previous is null)
            {
                store.State.Previous = WithoutEngineUrls(state.Current, urls);
                await store.WriteOrRevertAsync(() => store.State.Previous = null);
            }

            target = engine;
        }
        else
        {
            // Nothing remembered: only the engine's own URLs (set by hand) are taken away.
            target = store.State.Previous ?? WithoutEngineUrls(state.Current, urls);
        }

        var changed = state;
        if (!SameAs(state.Current, target))
        {
            changed = IsService ? await UpdateServiceAsync(client, target, urls) : await UpdateNumberAsync(client, target, urls, state);
        }

        if (!enabled && store.State.Previous is not null)
        {
            var previous = store.State.Previous;
            store.State.Previous = null;
            await store.WriteOrRevertAsync(() => store.State.Previous = previous);
        }

        return changed with { Previous = store.State.Previous };
    }

    private async Task<ReceiveState> StateAsync(ITwilioRestClient client, ReceiveUrls urls) =>
        IsService ? ServiceState(await FetchServiceAsync(client), urls) : await NumberStateAsync(client, await FetchNumberAsync(client), urls);

    /// <summary>The settings with the engine's own URLs (set by hand before the toggle) as empty: never remembered as "previous".</summary>
    private static ReceiveSettings WithoutEngineUrls(ReceiveSettings current, ReceiveUrls urls) => new(
        current.InboundUrl == urls.Inbound ? "" : current.InboundUrl,
        current.InboundMethod,
        current.StatusCallback == urls.StatusCallback ? "" : current.StatusCallback);

    private static bool SameAs(ReceiveSettings current, ReceiveSettings target) =>
        current.InboundUrl == target.InboundUrl
        && current.StatusCallback == target.StatusCallback
        && (target.InboundMethod.Length == 0 || string.Equals(current.InboundMethod, target.InboundMethod, StringComparison.OrdinalIgnoreCase));

    private Task<IncomingPhoneNumberResource> FetchNumberAsync(ITwilioRestClient client) =>
        TwilioAccountConnection.CallAsync("fetch the number", () => IncomingPhoneNumberResource.FetchAsync(pathSid: Sid, client: client));

    private Task<ServiceResource> FetchServiceAsync(ITwilioRestClient client) =>
        TwilioAccountConnection.CallAsync("fetch the Messaging Service", () => ServiceResource.FetchAsync(pathSid: Sid, client: client));

    private async Task<ReceiveState> UpdateNumberAsync(ITwilioRestClient client, ReceiveSettings target, ReceiveUrls urls, ReceiveState before)
    {
        var options = new UpdateIncomingPhoneNumberOptions(Sid)
        {
            SmsUrl = UrlOrEmpty(target.InboundUrl),
            StatusCallback = UrlOrEmpty(target.StatusCallback),
        };
        if (target.InboundMethod.Length > 0)
        {
            options.SmsMethod = new TwilioHttpMethod(target.InboundMethod.ToUpperInvariant());
        }

        var number = await TwilioAccountConnection.CallAsync("update the number's messaging URLs", () => IncomingPhoneNumberResource.UpdateAsync(options, client));
        return NumberState(number, urls, before.MessagingServiceSids, before.DecidedBy);
    }

    private async Task<ReceiveState> UpdateServiceAsync(ITwilioRestClient client, ReceiveSettings target, ReceiveUrls urls)
    {
        var options = new UpdateServiceOptions(Sid)
        {
            InboundRequestUrl = UrlOrEmpty(target.InboundUrl),
            StatusCallback = UrlOrEmpty(target.StatusCallback),
        };
        if (target.InboundMethod.Length > 0)
        {
            options.InboundMethod = new TwilioHttpMethod(target.InboundMethod.ToUpperInvariant());
        }

        var service = await TwilioAccountConnection.CallAsync("update the Messaging Service's inbound settings", () => ServiceResource.UpdateAsync(options, client));
        return ServiceState(service, urls);
    }

    /// <summary>An empty value is sent as an empty parameter, which clears the URL at Twilio.</summary>
    private static Uri UrlOrEmpty(string url) => url.Length == 0 ? new Uri("", UriKind.Relative) : new Uri(url, UriKind.RelativeOrAbsolute);

    private async Task<ReceiveState> NumberStateAsync(ITwilioRestClient client, IncomingPhoneNumberResource number, ReceiveUrls urls)
    {
        var sid = Sid;
        var (holders, deciding) = await TwilioAccountConnection.ReadPagesAsync("list the Messaging Services and their numbers", () => Holders(client, sid));
        return NumberState(number, urls, holders, deciding ?? Sid) with { Previous = store.State.Previous };
    }

    /// <summary>
    /// The Messaging Services whose pools hold the number (a number does not name its service), and
    /// the one whose inbound settings Twilio applies to it: any that does not let numbers' own webhooks win.
    /// </summary>
    private static (IReadOnlyList<string> Holders, string? Deciding) Holders(ITwilioRestClient client, string numberSid)
    {
        var holders = new List<string>();
        string? deciding = null;
        foreach (var service in ServiceResource.Read(pageSize: 1000, client: client))
        {
            if (MessagingPhoneNumberResource.Read(pathServiceSid: service.Sid, pageSize: 1000, client: client).Any(n => n.Sid == numberSid))
            {
                holders.Add(service.Sid);
                if (service.UseInboundWebhookOnNumber != true)
                {
                    deciding ??= service.Sid;
                }
            }
        }

        return (holders, deciding);
    }

    private static ReceiveState NumberState(IncomingPhoneNumberResource number, ReceiveUrls urls, IReadOnlyList<string> holders, string? decidedBy)
    {
        var current = new ReceiveSettings(Text(number.SmsUrl), number.SmsMethod?.ToString() ?? "", Text(number.StatusCallback));
        return new ReceiveState
        {
            Sid = number.Sid,
            PhoneNumber = number.PhoneNumber?.ToString(),
            Current = current,
            Receiving = current.InboundUrl == urls.Inbound,
            DecidedBy = decidedBy,
            MessagingServiceSids = holders,
        };
    }

    private ReceiveState ServiceState(ServiceResource service, ReceiveUrls urls)
    {
        var current = new ReceiveSettings(Text(service.InboundRequestUrl), service.InboundMethod?.ToString() ?? "", Text(service.StatusCallback));
        return new ReceiveState
        {
            Sid = service.Sid,
            Current = current,
            Receiving = current.InboundUrl == urls.Inbound,
            // With use_inbound_webhook_on_number each number's own inbound URL decides.
            DecidedBy = service.UseInboundWebhookOnNumber == true ? null : service.Sid,
            UseInboundWebhookOnNumber = service.UseInboundWebhookOnNumber == true,
            Previous = store.State.Previous,
        };
    }

    private static string Text(Uri? url) => url?.OriginalString ?? "";
}
