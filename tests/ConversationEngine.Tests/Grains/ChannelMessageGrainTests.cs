using ConversationEngine.Delivery;

namespace ConversationEngine.Tests.Grains;

/// <summary>
/// The channel message settles the race between the outbox linking it and Twilio's first status
/// callback: whichever comes first, the status reaches the outbox exactly through one of the two.
/// </summary>
public sealed class ChannelMessageGrainTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    [Fact]
    public async Task A_status_that_overtakes_the_link_is_kept_and_handed_to_the_link()
    {
        var channel = fixture.Grains.GetGrain<IChannelMessageGrain>(Sids.New("SM"));

        Assert.Null(await channel.RouteAsync(new ChannelStatus { Status = "sent" }));
        Assert.Null(await channel.RouteAsync(new ChannelStatus { Status = "undelivered", ErrorCode = 30003 }));
        Assert.Null(await channel.RouteAsync(new ChannelStatus { Status = "queued" }));
        var early = await channel.LinkAsync(Link());

        Assert.Equal("undelivered", early?.Status);
        Assert.Equal(30003, early?.ErrorCode);
    }

    [Fact]
    public async Task After_the_link_every_status_is_routed_to_the_outbox_and_none_is_kept()
    {
        var channel = fixture.Grains.GetGrain<IChannelMessageGrain>(Sids.New("SM"));
        var link = Link();

        Assert.Null(await channel.LinkAsync(link));
        Assert.Equal(link, await channel.RouteAsync(new ChannelStatus { Status = "delivered" }));
        Assert.Equal(link, await channel.GetAsync());
    }

    [Fact]
    public async Task The_link_survives_deactivation()
    {
        var sid = Sids.New("SM");
        var link = Link();
        await fixture.Grains.GetGrain<IChannelMessageGrain>(sid).LinkAsync(link);

        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(link, await fixture.Grains.GetGrain<IChannelMessageGrain>(sid).GetAsync());
    }

    private static ChannelMessageLink Link() => new() { Outbox = Sids.New("CH") + "/" + Sids.New("IM"), ReceiptSid = Sids.New("DY") };
}
