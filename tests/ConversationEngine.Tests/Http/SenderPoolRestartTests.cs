using System.Net;
using ConversationEngine.Senders;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>Services, pools, the account's senders and who holds them survive a restart on the same database.</summary>
public sealed class SenderPoolRestartTests
{
    [Fact]
    public async Task A_new_host_on_the_same_database_has_the_same_services_pools_and_numbers()
    {
        string dataDirectory;
        string service;
        string number;
        string serviceBefore;
        SenderPool poolBefore;

        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            var client = host.Client;
            service = await client.NewServiceAsync(("ValidityPeriod", "900"), ("StickySender", "false"), ("InboundRequestUrl", "https://example.com/in"));
            number = (string)(await client.RegisterNumberAsync(SenderApiSupport.UsNumber(), ("Mps", "3")))["sid"]!;
            var code = (string)(await client.RegisterShortCodeAsync(SenderApiSupport.ShortCode(), "CA"))["sid"]!;
            await client.PostFormAsync($"/messaging/v1/Services/{service}/PhoneNumbers", ("PhoneNumberSid", number)).ExpectAsync(HttpStatusCode.Created);
            await client.PostFormAsync($"/messaging/v1/Services/{service}/ShortCodes", ("ShortCodeSid", code)).ExpectAsync(HttpStatusCode.Created);
            await client.PostFormAsync($"/messaging/v1/Services/{service}/AlphaSenders", ("AlphaSender", "Contoso")).ExpectAsync(HttpStatusCode.Created);
            serviceBefore = (await client.GetAsync($"/messaging/v1/Services/{service}").ExpectAsync(HttpStatusCode.OK)).ToJsonString()
                .Replace(host.BaseUrl, "{base}", StringComparison.Ordinal);
            poolBefore = await host.Grains.GetGrain<IMessagingServiceGrain>(service).GetPoolAsync() ?? throw new Xunit.Sdk.XunitException("no pool");
        }

        await using (var host = await EngineHost.StartAsync(dataDirectory))
        {
            var client = host.Client;
            var serviceAfter = (await client.GetAsync($"/messaging/v1/Services/{service}").ExpectAsync(HttpStatusCode.OK)).ToJsonString()
                .Replace(host.BaseUrl, "{base}", StringComparison.Ordinal);
            Assert.Equal(serviceBefore, serviceAfter);

            var poolAfter = await host.Grains.GetGrain<IMessagingServiceGrain>(service).GetPoolAsync() ?? throw new Xunit.Sdk.XunitException("no pool");
            Assert.Equal(poolBefore.Senders, poolAfter.Senders, (a, b) => a.Sid == b.Sid && a.Address == b.Address && a.Country == b.Country
                && a.Capabilities.SequenceEqual(b.Capabilities) && a.Mps == b.Mps);
            Assert.Equal(3, poolAfter.Senders.Count);
            Assert.False(poolAfter.StickySender);
            Assert.Equal(900, poolAfter.ValidityPeriod);

            var listed = await client.GetAsync("/messaging/v1/Services").ExpectAsync(HttpStatusCode.OK);
            Assert.Contains(listed["services"]!.AsArray(), s => (string?)s!["sid"] == service);

            var other = await client.NewServiceAsync();
            await client.PostFormAsync($"/messaging/v1/Services/{other}/PhoneNumbers", ("PhoneNumberSid", number)).ExpectErrorAsync(HttpStatusCode.Conflict, 21712);
        }
    }
}
