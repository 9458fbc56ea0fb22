using ConversationEngine.Senders;
using ConversationEngine.TwilioAccount;

namespace ConversationEngine.Tests.Grains;

/// <summary>The registry and Messaging Service primitives the Twilio import is built on, on a real two-silo cluster.</summary>
public sealed class SenderImportGrainTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    private static Sender Number(string sid, string address, params string[] capabilities) => new()
    {
        Sid = sid,
        Kind = SenderKinds.LongCode,
        Address = address,
        Country = "US",
        Capabilities = capabilities.ToList(),
        FriendlyName = address,
        Origin = SenderOrigins.Twilio,
    };

    private static MessagingServiceSettings Settings(string name) => new() { FriendlyName = name, StickySender = true, InboundRequestUrl = "https://app.example.com/in" };

    [Fact]
    public async Task Import_keeps_Twilios_SID_writes_only_changes_and_survives_reactivation()
    {
        var registry = cluster.Grains.GetGrain<ISenderRegistryGrain>(Sids.New(Sids.Account));
        var sid = Sids.New(Sids.PhoneNumber);
        var first = await registry.ImportAsync(Number(sid, "+14155550100", Capabilities.Sms, Capabilities.Mms));
        Assert.Equal(sid, first.Sid);
        Assert.Equal(SenderOrigins.Twilio, first.Origin);

        var again = await registry.ImportAsync(Number(sid, "+14155550100", Capabilities.Sms, Capabilities.Mms));
        Assert.Equal(first.DateUpdated, again.DateUpdated);

        await cluster.DeactivateAllAsync();
        var changed = await registry.ImportAsync(Number(sid, "+14155550100", Capabilities.Sms, Capabilities.Mms, Capabilities.WhatsApp));
        Assert.True(changed.Can(Capabilities.WhatsApp));
        Assert.Equal(sid, (await registry.FindAsync("+14155550100"))!.Sid);
    }

    [Fact]
    public async Task A_hand_registered_number_is_taken_over_and_its_old_SID_and_pool_still_resolve()
    {
        var account = Sids.New(Sids.Account);
        var registry = cluster.Grains.GetGrain<ISenderRegistryGrain>(account);
        var byHand = await registry.RegisterNumberAsync(new SenderRegistration { Address = "+14155550111", Mps = 5 });
        var service = cluster.Grains.GetGrain<IMessagingServiceGrain>(Sids.New(Sids.MessagingService));
        await service.CreateAsync(account, Settings("Engine-made"), reserved: false);
        await service.AddSenderAsync(byHand.Sid);

        var twilioSid = Sids.New(Sids.PhoneNumber);
        var imported = await registry.ImportAsync(Number(twilioSid, "+14155550111", Capabilities.Sms));

        Assert.Equal(twilioSid, imported.Sid);
        Assert.Equal(5, imported.Mps);
        Assert.Equal(twilioSid, (await registry.FindAsync(byHand.Sid))!.Sid);
        Assert.Equal([twilioSid], (await service.GetPoolAsync())!.Senders.Select(s => s.Sid));
        Assert.Equal(service.GetPrimaryKeyString(), await registry.FindHolderAsync(twilioSid));
    }

    [Fact]
    public async Task Missing_senders_are_marked_once_kept_and_unmarked_when_they_return()
    {
        var registry = cluster.Grains.GetGrain<ISenderRegistryGrain>(Sids.New(Sids.Account));
        var kept = Sids.New(Sids.PhoneNumber);
        var gone = Sids.New(Sids.PhoneNumber);
        await registry.ImportAsync(Number(kept, "+14155550120", Capabilities.Sms));
        await registry.ImportAsync(Number(gone, "+14155550121", Capabilities.Sms));
        var byHand = await registry.RegisterNumberAsync(new SenderRegistration { Address = "+14155550122" });

        var marked = await registry.MarkMissingAsync(Sids.PhoneNumber, [kept]);
        Assert.Equal([gone], marked.Select(s => s.Sid));
        Assert.Empty(await registry.MarkMissingAsync(Sids.PhoneNumber, [kept]));
        Assert.NotNull((await registry.FindAsync(gone))!.DateMissing);
        Assert.Null((await registry.FindAsync(byHand.Sid))!.DateMissing);

        var back = await registry.ImportAsync(Number(gone, "+14155550121", Capabilities.Sms));
        Assert.Null(back.DateMissing);
    }

    [Fact]
    public async Task A_service_import_makes_the_pool_Twilios_and_takes_members_from_their_old_pool()
    {
        var account = Sids.New(Sids.Account);
        var registry = cluster.Grains.GetGrain<ISenderRegistryGrain>(account);
        var a = Sids.New(Sids.PhoneNumber);
        var b = Sids.New(Sids.PhoneNumber);
        await registry.ImportAsync(Number(a, "+14155550130", Capabilities.Sms));
        await registry.ImportAsync(Number(b, "+14155550131", Capabilities.Sms));
        var old = cluster.Grains.GetGrain<IMessagingServiceGrain>(Sids.New(Sids.MessagingService));
        await old.CreateAsync(account, Settings("Old"), reserved: false);
        await old.AddSenderAsync(b);

        var mg = Sids.New(Sids.MessagingService);
        var service = cluster.Grains.GetGrain<IMessagingServiceGrain>(mg);
        var alpha = new Sender { Sid = Sids.New(Sids.AlphaSender), Kind = SenderKinds.Alpha, Address = "ACME", Capabilities = new List<string> { Capabilities.Sms } };
        var creation = await service.ImportAsync(account, new ImportedMessagingService { Settings = Settings("Support"), SenderSids = [a, b], AlphaSenders = [alpha] });
        var created = creation.Service;

        Assert.Equal(ImportOutcome.Added, creation.Outcome);
        Assert.Equal(SenderOrigins.Twilio, created.Origin);
        Assert.Equal([a, b], created.PhoneNumberSids);
        Assert.Equal(alpha.Sid, Assert.Single(created.AlphaSenders).Sid);
        Assert.Empty((await old.GetAsync())!.PhoneNumberSids);
        Assert.Equal(mg, await registry.FindHolderAsync(b));

        var unchanged = await service.ImportAsync(account, new ImportedMessagingService { Settings = Settings("Support"), SenderSids = [a, b], AlphaSenders = [alpha] });
        Assert.Equal(ImportOutcome.Unchanged, unchanged.Outcome);
        Assert.Equal(created.DateUpdated, unchanged.Service.DateUpdated);

        var shrinking = await service.ImportAsync(account, new ImportedMessagingService { Settings = Settings("Support 2"), SenderSids = [a] });
        Assert.Equal(ImportOutcome.Updated, shrinking.Outcome);
        var shrunk = shrinking.Service;
        Assert.Equal([a], shrunk.PhoneNumberSids);
        Assert.Empty(shrunk.AlphaSenders);
        Assert.Equal("Support 2", shrunk.Settings.FriendlyName);
        Assert.Null(await registry.FindHolderAsync(b));

        var missing = await service.MarkMissingAsync();
        Assert.NotNull(missing!.DateMissing);
        Assert.NotNull((await service.GetAsync())!.DateMissing);
    }

    [Fact]
    public async Task A_pool_never_chooses_a_sender_missing_at_Twilio()
    {
        var account = Sids.New(Sids.Account);
        var registry = cluster.Grains.GetGrain<ISenderRegistryGrain>(account);
        var kept = Sids.New(Sids.PhoneNumber);
        var gone = Sids.New(Sids.PhoneNumber);
        await registry.ImportAsync(Number(kept, "+14155550140", Capabilities.Sms));
        await registry.ImportAsync(Number(gone, "+14155550141", Capabilities.Sms));
        var service = cluster.Grains.GetGrain<IMessagingServiceGrain>(Sids.New(Sids.MessagingService));
        await service.ImportAsync(account, new ImportedMessagingService { Settings = Settings("Pool"), SenderSids = [gone, kept] });
        await registry.MarkMissingAsync(Sids.PhoneNumber, [kept]);

        var pool = (await service.GetPoolAsync())!;
        var (ranked, _) = await PoolChoice.RankAsync(cluster.Grains, pool, "sms", "+14155550199", twoWay: true);
        Assert.Equal([kept], ranked.Select(s => s.Sid));
    }
}
