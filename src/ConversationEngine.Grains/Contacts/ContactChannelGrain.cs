using ConversationEngine.Grains.Persistence;
using ConversationEngine.Rules;

namespace ConversationEngine.Contacts;

[GenerateSerializer]
[Alias("ConversationEngine.ContactChannelState")]
public sealed class ContactChannelState
{
    [Id(0)] public bool OptedOut { get; set; }
    [Id(1)] public string? LastKeyword { get; set; }
    [Id(2)] public DateTimeOffset? DateUpdated { get; set; }
    [Id(3)] public string? StickySenderSid { get; set; }
    [Id(4)] public DateTimeOffset? LastInbound { get; set; }
}

public sealed class ContactChannelGrain(
    [PersistentState("contact", "store")] IPersistentState<ContactChannelState> store,
    TimeProvider time) : Grain, IContactChannelGrain
{
    public async Task<ContactChannelSnapshot> ApplyKeywordAsync(KeywordAction action, string keyword)
    {
        var optedOut = action switch
        {
            KeywordAction.OptOut => true,
            KeywordAction.OptIn => false,
            _ => store.State.OptedOut,
        };
        if (action is KeywordAction.OptOut or KeywordAction.OptIn)
        {
            var previous = (store.State.OptedOut, store.State.LastKeyword, store.State.DateUpdated);
            (store.State.OptedOut, store.State.LastKeyword, store.State.DateUpdated) = (optedOut, keyword, time.GetUtcNow());
            await store.WriteOrRevertAsync(() => (store.State.OptedOut, store.State.LastKeyword, store.State.DateUpdated) = previous);
        }

        return Snapshot();
    }

    public Task<ContactChannelSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task RecordInboundAsync(DateTimeOffset received)
    {
        var previous = store.State.LastInbound;
        if (previous >= received)
        {
            return;
        }

        store.State.LastInbound = received;
        await store.WriteOrRevertAsync(() => store.State.LastInbound = previous);
    }

    public async Task SetStickySenderAsync(string senderSid)
    {
        var previous = store.State.StickySenderSid;
        if (previous == senderSid)
        {
            return;
        }

        store.State.StickySenderSid = senderSid;
        await store.WriteOrRevertAsync(() => store.State.StickySenderSid = previous);
    }

    private ContactChannelSnapshot Snapshot()
    {
        // A hashed key (GrainKeys.Pair) holds no separator and tells neither part: the caller knows them.
        var key = this.GetPrimaryKeyString();
        var separator = key.IndexOf(GrainKeys.Separator, StringComparison.Ordinal);
        var address = separator < 0 ? "" : key[(separator + 1)..];
        var colon = address.IndexOf(':', StringComparison.Ordinal);
        return new ContactChannelSnapshot
        {
            Scope = separator < 0 ? "" : key[..separator],
            Address = address,
            Channel = colon < 0 ? ChannelTypes.Sms : address[..colon],
            OptedOut = store.State.OptedOut,
            LastKeyword = store.State.LastKeyword,
            DateUpdated = store.State.DateUpdated,
            StickySenderSid = store.State.StickySenderSid,
            LastInbound = store.State.LastInbound,
        };
    }
}
