using System.Net;
using ConversationEngine.Tests.Compat;
using ConversationEngine.Tests.Support;
using Newtonsoft.Json.Linq;
using Twilio.Rest.Conversations.V1.Conversation;
using ConversationResource = Twilio.Rest.Conversations.V1.ConversationResource;
using HttpMethod = Twilio.Http.HttpMethod;
using Request = Twilio.Http.Request;

namespace ConversationEngine.Tests.Media;

/// <summary>
/// Twilio's C# library where it reaches media: sending a message with a MediaSid and reading its
/// <c>media</c> back through the resource classes, and the Media Content Service at Twilio's own
/// host (<c>mcs.us1.twilio.com</c>) through the library's client, which has no Media resource class.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class MediaLibraryTests(EngineFixture fixture) : IDisposable
{
    private readonly TwilioLibraryClient library = new(fixture.Host);

    public void Dispose() => library.Dispose();

    [Fact]
    public async Task The_library_sends_a_message_with_uploaded_media_and_reads_the_media_at_twilios_mcs_host()
    {
        var service = await fixture.Host.Client.DefaultServiceAsync();
        var bytes = MediaHttp.Bytes(12_345, 11);
        var sid = (string)(await fixture.Host.Client.UploadedAsync(service, bytes, "image/jpeg", "receipt.jpg"))["sid"]!;
        var conversation = await ConversationResource.CreateAsync(friendlyName: "library media", client: library.Rest);

        var message = await MessageResource.CreateAsync(conversation.Sid, author: "agent", body: "Your receipt", mediaSid: sid, client: library.Rest);

        var media = Assert.Single(message.Media);
        var item = JObject.FromObject(media);
        Assert.Equal(sid, (string?)item["sid"]);
        Assert.Equal(12_345, (long)item["size"]!);
        Assert.Equal("image/jpeg", (string?)item["content_type"]);
        Assert.Equal("receipt.jpg", (string?)item["filename"]);
        var fetched = await MessageResource.FetchAsync(conversation.Sid, message.Sid, client: library.Rest);
        Assert.Equal(sid, (string?)JObject.FromObject(Assert.Single(fetched.Media))["sid"]);

        var response = await library.Rest.RequestAsync(new Request(HttpMethod.Get, $"https://mcs.us1.twilio.com/v1/Services/{service}/Media/{sid}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = JObject.Parse(response.Content);
        Assert.Equal(message.Sid, (string?)record["message_sid"]);
        Assert.Equal(conversation.Sid, (string?)record["channel_sid"]);
        using var browser = new HttpClient();
        Assert.Equal(bytes, await browser.GetByteArrayAsync(new Uri((string)record["links"]!["content_direct_temporary"]!)));
        Assert.Contains(library.Redirect.Sent, s => s.Uri.AbsolutePath == $"/v1/Services/{service}/Media/{sid}");
    }
}
