using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Media;

/// <summary>Uploads and reads of the Media Content Service, as clients make them.</summary>
public static class MediaHttp
{
    /// <summary>A file's bytes: random, so a mix-up of two items cannot pass for a match.</summary>
    public static byte[] Bytes(int length, int seed = 0)
    {
        var bytes = new byte[length];
        new Random(seed == 0 ? length : seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The raw body as the file, the way Twilio's MCS examples upload (<c>curl --data-binary</c> with a Content-Type).</summary>
    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, string service, byte[] content, string? contentType, string? filename = null)
    {
        var body = new ByteArrayContent(content);
        if (contentType is not null)
        {
            body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (filename is not null)
        {
            body.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = filename };
        }

        return client.PostAsync(new Uri($"/v1/Services/{service}/Media", UriKind.Relative), body);
    }

    /// <summary>One file part of a multipart/form-data body, the way browsers and form libraries upload.</summary>
    public static Task<HttpResponseMessage> UploadFormAsync(this HttpClient client, string service, byte[] content, string contentType, string filename)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var form = new MultipartFormDataContent { { new StringContent("ignored"), "Note" }, { file, "file", filename } };
        return client.PostAsync(new Uri($"/v1/Services/{service}/Media", UriKind.Relative), form);
    }

    public static async Task<JsonObject> UploadedAsync(this HttpClient client, string service, byte[] content, string contentType, string? filename = null) =>
        await client.UploadAsync(service, content, contentType, filename).ExpectAsync(HttpStatusCode.Created);

    /// <summary>The account's default conversation service.</summary>
    public static async Task<string> DefaultServiceAsync(this HttpClient client) =>
        (string)(await client.GetAsync(new Uri("/v1/Configuration", UriKind.Relative)).ExpectAsync(HttpStatusCode.OK))["default_chat_service_sid"]!;

    public static async Task<byte[]> BytesAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == expected, $"GET {url}: expected {(int)expected}, got {(int)response.StatusCode}");
        return bytes;
    }
}
