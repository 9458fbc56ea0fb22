using System.Net;
using ConversationEngine.Media;
using ConversationEngine.Tests.Http;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationEngine.Tests.Cluster;

/// <summary>Media in a cluster on PostgreSQL: whichever front end takes an upload, every front end serves it.</summary>
public sealed class MediaClusterTests
{
    [PostgresFact]
    public async Task Media_uploaded_on_one_front_end_are_served_and_deleted_through_another()
    {
        var cluster = Postgres.ClusterSettings("media");
        await using var silo = await EngineHost.StartAsync(settings: cluster);
        var client = new Dictionary<string, string?>(cluster) { ["Orleans:Mode"] = "Client" };
        await using var frontEndA = await EngineHost.StartAsync(settings: client);
        await using var frontEndB = await EngineHost.StartAsync(settings: client);

        var service = (string)(await frontEndA.Client.PostFormAsync("/v1/Services", ("FriendlyName", "media cluster")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var uploaded = await MediaHttp.UploadAsync(frontEndA.Client, service, 2 * 1024 * 1024 + 12_345);

        // The record, the content with credentials, and the URL front end A signed, all through B.
        var fetched = await frontEndB.Client.GetAsync($"/v1/Services/{service}/Media/{uploaded.Sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(uploaded.Bytes.Length, (long)fetched["size"]!);
        await MediaHttp.AssertContentAsync(frontEndB.Client, $"/v1/Services/{service}/Media/{uploaded.Sid}/Content", uploaded);
        var signedByA = new Uri((string)uploaded.Resource["links"]!["content_direct_temporary"]!);
        Assert.StartsWith(frontEndA.BaseUrl, signedByA.ToString(), StringComparison.Ordinal);
        using (var anonymous = frontEndB.CreateClient())
        {
            await MediaHttp.AssertContentAsync(anonymous, signedByA.PathAndQuery, uploaded);
        }

        await frontEndB.Client.DeleteAsync($"/v1/Services/{service}/Media/{uploaded.Sid}").ExpectAsync(HttpStatusCode.NoContent);

        await frontEndA.Client.GetAsync($"/v1/Services/{service}/Media/{uploaded.Sid}").ExpectAsync(HttpStatusCode.NotFound);
        await frontEndA.Client.GetAsync($"/v1/Services/{service}/Media/{uploaded.Sid}/Content").ExpectAsync(HttpStatusCode.NotFound);
        using (var anonymous = frontEndA.CreateClient())
        {
            using var gone = await anonymous.GetAsync(signedByA.PathAndQuery);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        Assert.Null(await silo.Services.GetRequiredService<IMediaStore>().OpenReadAsync(uploaded.Sid));
    }
}
