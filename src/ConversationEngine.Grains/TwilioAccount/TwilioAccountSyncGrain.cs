using ConversationEngine.Delivery;
using ConversationEngine.Senders;
using ConversationEngine.Twilio.Messages;
using ConversationEngine.Twilio.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationEngine.TwilioAccount;

[GenerateSerializer]
[Alias("ConversationEngine.TwilioAccountSyncState")]
public sealed class TwilioAccountSyncState
{
    [Id(0)] public TwilioSyncReport? Last { get; set; }

    /// <summary>The Messaging Services (MG…) imported so far: those Twilio stops listing are marked missing.</summary>
    [Id(1)] public HashSet<string> ImportedServices { get; set; } = [];
}

/// <summary>
/// Imports the connected Twilio account under Twilio's SIDs: reads everything first (every page),
/// then applies it — numbers and short codes into the account's registry (capabilities as Twilio
/// reports them, WhatsApp where a Messaging Service has a WhatsApp sender on the number), then
/// each Messaging Service with its settings and exactly Twilio's pool. What an earlier sync
/// imported and Twilio no longer lists is marked missing, never deleted: conversations may still
/// use it. A failed read applies nothing and marks nothing.
/// </summary>
public sealed partial class TwilioAccountSyncGrain(
    [PersistentState("twilioSync", "store")] IPersistentState<TwilioAccountSyncState> store,
    TwilioAccountConnection twilio,
    IOptions<TwilioMessagesOptions> twilioOptions,
    IOptions<DeliveryOptions> delivery,
    TimeProvider time,
    ILogger<TwilioAccountSyncGrain> logger) : Grain, ITwilioAccountSyncGrain, IRemindable
{
    private const string ReminderName = "twilio-sync";
    private const string WhatsAppPrefix = "whatsapp:";

    /// <summary>How soon after a silo starts the first scheduled sync runs.</summary>
    private static readonly TimeSpan FirstRun = TimeSpan.FromSeconds(5);

    private string AccountSid => this.GetPrimaryKeyString();

    private ISenderRegistryGrain Registry => GrainFactory.GetGrain<ISenderRegistryGrain>(AccountSid);

    public Task<TwilioSyncReport> GetReportAsync() =>
        Task.FromResult(store.State.Last ?? new TwilioSyncReport { Status = "never", TwilioAccountSid = twilio.AccountSid });

    public async Task ScheduleAsync()
    {
        var interval = twilioOptions.Value.SyncInterval;
        if (twilio.IsConnected && interval > TimeSpan.Zero)
        {
            await this.RegisterOrUpdateReminder(ReminderName, FirstRun, interval);
        }
        else if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task ReceiveReminder(string reminderName, Orleans.Runtime.TickStatus status)
    {
        if (!twilio.IsConnected || twilioOptions.Value.SyncInterval <= TimeSpan.Zero)
        {
            await ScheduleAsync();
            return;
        }

        try
        {
            await SyncAsync("schedule");
        }
        catch (EngineException error)
        {
            // Kept in the report; the next tick tries again.
            LogFailed(logger, error.Message);
        }
    }

    public async Task<TwilioSyncReport> SyncAsync(string trigger)
    {
        var client = twilio.CreateClient();
        var twilioAccount = twilio.AccountSid!;
        var started = time.GetUtcNow();
        TwilioSyncReport report;
        try
        {
            var listing = await TwilioAccountReader.ReadAsync(client, twilioAccount);
            report = await ApplyAsync(listing);
        }
        catch (EngineException error)
        {
            await KeepAsync(new TwilioSyncReport
            {
                Status = "failed",
                TwilioAccountSid = twilioAccount,
                Trigger = trigger,
                DateStarted = started,
                DateCompleted = time.GetUtcNow(),
                Error = error.Message,
                Missing = store.State.Last?.Missing ?? [],
            });
            throw;
        }

        report = report with { TwilioAccountSid = twilioAccount, Trigger = trigger, DateStarted = started, DateCompleted = time.GetUtcNow() };
        await KeepAsync(report);
        LogCompleted(logger, report.PhoneNumbers.Added + report.ShortCodes.Added + report.ChannelSenders.Added, report.MessagingServices.Added, report.Missing.Count);
        return report;
    }

    private async Task KeepAsync(TwilioSyncReport report)
    {
        var previous = store.State.Last;
        store.State.Last = report;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.Last = previous;
            throw;
        }
    }

    private async Task<TwilioSyncReport> ApplyAsync(TwilioAccountListing listing)
    {
        var skipped = new List<TwilioSyncSkip>();

        // WhatsApp senders, by the number they send from: on one of the account's numbers they add
        // WhatsApp to it; on another number they are a sender of their own (XE…).
        var whatsApp = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var channel in listing.Services.SelectMany(s => s.ChannelSenders))
        {
            if (channel.Sender?.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase) == true)
            {
                whatsApp.TryAdd(channel.Sender[WhatsAppPrefix.Length..], channel.Sid);
            }
            else
            {
                skipped.Add(new TwilioSyncSkip { Sid = channel.Sid, Reason = $"{channel.SenderType} sender '{channel.Sender}': only WhatsApp channel senders are imported" });
            }
        }

        // Numbers.
        var numberSenders = listing.Numbers.Select(TwilioSenders.FromIncomingNumber)
            .Select(sender => whatsApp.TryGetValue(sender.Address, out var channelSid)
                ? sender with { Capabilities = [.. sender.Capabilities, Capabilities.WhatsApp], ChannelSenderSid = channelSid }
                : sender)
            .ToList();
        var numberImports = await Registry.ImportManyAsync(numberSenders);
        var numberSids = numberSenders.GroupBy(s => s.Address).ToDictionary(g => g.Key, g => g.First().Sid, StringComparer.Ordinal);

        // Short codes: their country from a service's listing when one holds them.
        var countries = listing.Services.SelectMany(s => s.ShortCodes).Where(c => c.CountryCode is not null)
            .GroupBy(c => c.Sid).ToDictionary(g => g.Key, g => g.First().CountryCode);
        var codeSenders = listing.ShortCodes.Select(c => TwilioSenders.FromShortCode(c, countries.GetValueOrDefault(c.Sid))).ToList();
        var codeImports = await Registry.ImportManyAsync(codeSenders);

        // WhatsApp senders on numbers the account does not own at Twilio.
        var channelOnly = new Dictionary<string, string>(StringComparer.Ordinal);
        var channelSenders = new List<Sender>();
        foreach (var (address, channelSid) in whatsApp.Where(w => !numberSids.ContainsKey(w.Key)))
        {
            var (country, tollFree) = TwilioSenders.Describe(address);
            channelSenders.Add(new Sender
            {
                Sid = channelSid,
                Kind = tollFree ? SenderKinds.TollFree : SenderKinds.LongCode,
                Address = address,
                Country = country,
                Capabilities = new List<string> { Capabilities.WhatsApp },
                FriendlyName = WhatsAppPrefix + address,
                ChannelSenderSid = channelSid,
                Origin = SenderOrigins.Twilio,
            });
            channelOnly[address] = channelSid;
        }

        var channelImports = await Registry.ImportManyAsync(channelSenders);

        var numbers = Counts(numberImports.Select(i => i.Outcome), (await Registry.MarkMissingAsync(Sids.PhoneNumber, numberSids.Values.ToList())).Count);
        var shortCodes = Counts(codeImports.Select(i => i.Outcome), (await Registry.MarkMissingAsync(Sids.ShortCode, listing.ShortCodes.Select(c => c.Sid).ToList())).Count);
        var channels = Counts(channelImports.Select(i => i.Outcome), (await Registry.MarkMissingAsync(Sids.ChannelSender, channelOnly.Values.ToList())).Count);

        // Messaging Services and their pools.
        var serviceOutcomes = new List<ImportOutcome>();
        var shortCodeSids = listing.ShortCodes.Select(c => c.Sid).ToHashSet(StringComparer.Ordinal);
        var imported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listed in listing.Services)
        {
            var grain = GrainFactory.GetGrain<IMessagingServiceGrain>(listed.Service.Sid);
            var before = await grain.GetAsync();
            var pool = new List<string>();
            foreach (var number in listed.PhoneNumbers)
            {
                if (numberSids.ContainsValue(number.Sid))
                {
                    pool.Add(number.Sid);
                }
                else
                {
                    skipped.Add(new TwilioSyncSkip { Sid = number.Sid, Reason = $"in Messaging Service {listed.Service.Sid} but not among the account's incoming phone numbers" });
                }
            }

            pool.AddRange(listed.ShortCodes.Select(c => c.Sid).Where(shortCodeSids.Contains));
            foreach (var channel in listed.ChannelSenders.Where(c => c.Sender?.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase) == true))
            {
                var address = channel.Sender![WhatsAppPrefix.Length..];
                pool.Add(numberSids.GetValueOrDefault(address) ?? channelOnly.GetValueOrDefault(address) ?? channel.Sid);
            }

            var alphas = listed.AlphaSenders.Select(a => new Sender
            {
                Sid = a.Sid,
                Kind = SenderKinds.Alpha,
                Address = a.AlphaSender,
                Capabilities = new List<string> { Capabilities.Sms },
                FriendlyName = a.AlphaSender,
                Origin = SenderOrigins.Twilio,
                DateCreated = a.DateCreated ?? time.GetUtcNow(),
                DateUpdated = a.DateUpdated ?? time.GetUtcNow(),
            }).ToList();

            var import = await grain.ImportAsync(AccountSid, new ImportedMessagingService
            {
                Settings = WithoutEngineUrls(TwilioAccountReader.Settings(listed.Service), before?.Settings),
                SenderSids = pool,
                AlphaSenders = alphas,
                DateCreated = listed.Service.DateCreated,
            });
            serviceOutcomes.Add(import.Outcome);
            imported.Add(listed.Service.Sid);
        }

        // Services imported earlier that Twilio no longer lists: every one still here is missing, newly or since before.
        var missingServices = new List<TwilioSyncMissing>();
        var newlyMissing = 0;
        foreach (var gone in store.State.ImportedServices.Where(sid => !imported.Contains(sid)).ToList())
        {
            var grain = GrainFactory.GetGrain<IMessagingServiceGrain>(gone);
            var service = await grain.GetAsync();
            if (service is null)
            {
                // Deleted in the engine since: nothing left to mark.
                continue;
            }

            if (service is { DateMissing: null, Origin: SenderOrigins.Twilio })
            {
                service = await grain.MarkMissingAsync();
                newlyMissing++;
            }

            if (service?.DateMissing is { } since)
            {
                missingServices.Add(new TwilioSyncMissing { Sid = gone, Name = service.Settings.FriendlyName, DateMissing = since });
            }

            imported.Add(gone);
        }

        store.State.ImportedServices = imported;

        var missing = (await Registry.ListAsync(SenderKinds.LongCode, 0, int.MaxValue)).Items
            .Concat((await Registry.ListAsync(SenderKinds.ShortCode, 0, int.MaxValue)).Items)
            .Where(s => s.DateMissing is not null)
            .Select(s => new TwilioSyncMissing { Sid = s.Sid, Name = s.Address, DateMissing = s.DateMissing!.Value })
            .Concat(missingServices)
            .ToList();

        return new TwilioSyncReport
        {
            Status = "completed",
            PhoneNumbers = numbers,
            ShortCodes = shortCodes,
            ChannelSenders = channels,
            MessagingServices = Counts(serviceOutcomes, missing: newlyMissing),
            Missing = missing,
            Skipped = skipped,
        };
    }

    /// <summary>
    /// The engine's own webhook URLs (set at Twilio by the receive toggle) are not the
    /// application's: where Twilio points at the engine, the engine's copy keeps what it had, so it
    /// never forwards to itself.
    /// </summary>
    private MessagingServiceSettings WithoutEngineUrls(MessagingServiceSettings reported, MessagingServiceSettings? current) => reported with
    {
        InboundRequestUrl = IsEngineUrl(reported.InboundRequestUrl) ? current?.InboundRequestUrl : reported.InboundRequestUrl,
        InboundMethod = IsEngineUrl(reported.InboundRequestUrl) ? current?.InboundMethod ?? reported.InboundMethod : reported.InboundMethod,
        FallbackUrl = IsEngineUrl(reported.FallbackUrl) ? current?.FallbackUrl : reported.FallbackUrl,
        FallbackMethod = IsEngineUrl(reported.FallbackUrl) ? current?.FallbackMethod ?? reported.FallbackMethod : reported.FallbackMethod,
        StatusCallback = IsEngineUrl(reported.StatusCallback) ? current?.StatusCallback : reported.StatusCallback,
    };

    private static TwilioSyncCounts Counts(IEnumerable<ImportOutcome> outcomes, int missing)
    {
        var all = outcomes.ToList();
        return new TwilioSyncCounts
        {
            Added = all.Count(o => o == ImportOutcome.Added),
            Updated = all.Count(o => o == ImportOutcome.Updated),
            Unchanged = all.Count(o => o == ImportOutcome.Unchanged),
            Missing = missing,
        };
    }

    /// <summary>
    /// The engine's own webhook, under the public base URL the status callback URL was made from
    /// (its host's root when the status callback URL was configured otherwise).
    /// </summary>
    private bool IsEngineUrl(string? url) =>
        delivery.Value.StatusCallbackUrl is { } status && Uri.TryCreate(status, UriKind.Absolute, out var callback)
        && EngineWebhookPaths.IsEngineWebhook(url, status.EndsWith(EngineWebhookPaths.Status, StringComparison.Ordinal)
            ? status[..^EngineWebhookPaths.Status.Length]
            : callback.GetLeftPart(UriPartial.Authority));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio account sync failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio account synced: {Senders} senders and {Services} Messaging Services new, {Missing} missing at Twilio")]
    private static partial void LogCompleted(ILogger logger, int senders, int services, int missing);
}
