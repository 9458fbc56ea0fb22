using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>Uploaded media outlives the engine: in the directory next to SQLite, or in PostgreSQL.</summary>
public sealed class MediaRestartTests
{
    [Fact]
    public async Task Media_survive_a_restart_on_sqlite_in_the_directory_store()
    {
        Uploaded uploaded;
        string dataDirectory;
        await using (var host = await EngineHost.StartAsync())
        {
            dataDirectory = host.DataDirectory;
            uploaded = await MediaHttp.UploadAsync(host.Client, await MediaHttp.DefaultServiceAsync(host.Client), 3 * 1024 * 1024 + 512 * 1024);
        }

        Assert.Single(Directory.EnumerateFiles(Path.Combine(dataDirectory, "media"), uploaded.Sid, SearchOption.AllDirectories));
        await using (var host = await EngineHost.StartAsync(dataDirectory))
        {
            await MediaHttp.AssertServedAsync(host, uploaded);
        }
    }

    [PostgresFact]
    public async Task Media_survive_a_restart_on_postgres_in_the_database_store()
    {
        var settings = Postgres.ClusterSettings("media-restart");
        Uploaded uploaded;
        string firstDirectory;
        await using (var host = await EngineHost.StartAsync(settings: settings))
        {
            firstDirectory = host.DataDirectory;
            uploaded = await MediaHttp.UploadAsync(host.Client, await MediaHttp.DefaultServiceAsync(host.Client), 3 * 1024 * 1024 + 512 * 1024);
        }

        // The content is in the database, not on this host's disk: a host on another directory serves it.
        Assert.False(Directory.Exists(Path.Combine(firstDirectory, "media")) && Directory.EnumerateFiles(Path.Combine(firstDirectory, "media"), "*", SearchOption.AllDirectories).Any());
        await using (var host = await EngineHost.StartAsync(settings: settings))
        {
            Assert.NotEqual(firstDirectory, host.DataDirectory);
            await MediaHttp.AssertServedAsync(host, uploaded);
        }
    }
}

/// <summary>An item uploaded over HTTP: its SID, service, bytes and the URLs the upload answered.</summary>
public sealed record Uploaded(string Service, string Sid, byte[] Bytes, string ContentType, JsonObject Resource);

/// <summary>Uploads and fetches media through the MCS endpoints.</summary>
public static class MediaHttp
{
    public static async Task<string> DefaultServiceAsync(HttpClient client) =>
        (string)(await client.GetAsync("/v1/Configuration").ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;

    /// <summary>Posts <paramref name="size"/> random bytes as the raw body, as image/png.</summary>
    public static async Task<Uploaded> UploadAsync(HttpClient client, string service, int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        var body = new ByteArrayContent(bytes);
        body.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var created = await client.PostAsync($"/v1/Services/{service}/Media", body).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(size, (long)created["size"]!);
        return new Uploaded(service, (string)created["sid"]!, bytes, "image/png", created);
    }

    /// <summary>The record and the exact content, with credentials and through a freshly signed URL.</summary>
    public static async Task AssertServedAsync(EngineHost host, Uploaded uploaded)
    {
        var fetched = await host.Client.GetAsync($"/v1/Services/{uploaded.Service}/Media/{uploaded.Sid}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(uploaded.Bytes.Length, (long)fetched["size"]!);
        Assert.Equal(uploaded.ContentType, (string)fetched["content_type"]!);

        await AssertContentAsync(host.Client, (string)fetched["links"]!["content"]!, uploaded);
        using var anonymous = host.CreateClient();
        await AssertContentAsync(anonymous, new Uri((string)fetched["links"]!["content_direct_temporary"]!).PathAndQuery, uploaded);
    }

    public static async Task AssertContentAsync(HttpClient client, string path, Uploaded uploaded)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.RelativeOrAbsolute));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(uploaded.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(uploaded.Bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal(uploaded.Bytes, await response.Content.ReadAsByteArrayAsync());
    }
}
