using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Http;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Media;

/// <summary>The Media Content Service on the engine's host: upload, fetch, content, signed URLs, delete, refusals.</summary>
[Collection(SharedEngine.Name)]
public sealed class MediaApiTests(EngineFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task An_upload_is_fetched_by_metadata_content_and_signed_url_and_deleted()
    {
        var service = await Client.DefaultServiceAsync();
        var bytes = MediaHttp.Bytes(150_000);

        var created = await Client.UploadedAsync(service, bytes, "image/png", "car.png");

        var sid = (string)created["sid"]!;
        Assert.Matches("^ME[0-9a-f]{32}$", sid);
        Assert.Equal(EngineHost.AccountSid, (string?)created["account_sid"]);
        Assert.Equal(service, (string?)created["service_sid"]);
        Assert.Equal(150_000, (long)created["size"]!);
        Assert.Equal("image/png", (string?)created["content_type"]);
        Assert.Equal("car.png", (string?)created["filename"]);
        Assert.Equal("system", (string?)created["author"]);
        Assert.Equal("media", (string?)created["category"]);
        Assert.Null(created["message_sid"]);
        Assert.Null(created["channel_sid"]);
        Assert.Equal($"/v1/Services/{service}/Media/{sid}", (string?)created["url"]);
        Assert.Equal($"/v1/Services/{service}/Media/{sid}/Content", (string?)created["links"]!["content"]);

        var fetched = await Client.GetAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(150_000, (long)fetched["size"]!);
        Assert.Equal(bytes, await Client.BytesAsync((string)fetched["links"]!["content"]!));

        // The signed URL needs no credentials, and says what the content is and that it is not to be sniffed or run.
        var direct = (string)fetched["links"]!["content_direct_temporary"]!;
        Assert.StartsWith(fixture.Host.BaseUrl + "/media/" + sid + "/", direct, StringComparison.Ordinal);
        using var anonymous = new HttpClient();
        using (var response = await anonymous.GetAsync(new Uri(direct)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(150_000, response.Content.Headers.ContentLength);
            Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.StartsWith("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        // The content link itself is not open to anyone.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri(fixture.Host.BaseUrl + (string)fetched["links"]!["content"]!))).StatusCode);

        await Client.DeleteAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(direct))).StatusCode);
        await Client.DeleteAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
    }

    [Fact]
    public async Task A_multipart_upload_keeps_the_parts_type_and_file_name_and_active_types_are_served_as_sandboxed_attachments()
    {
        var service = await Client.DefaultServiceAsync();
        var page = "<html><script>alert(document.cookie)</script></html>"u8.ToArray();

        var created = await Client.UploadFormAsync(service, page, "text/html", "../../evil.html").ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("text/html", (string?)created["content_type"]);
        Assert.Equal("evil.html", (string?)created["filename"]);
        Assert.Equal(page.Length, (long)created["size"]!);
        using var anonymous = new HttpClient();
        using var response = await anonymous.GetAsync(new Uri((string)created["links"]!["content_direct_temporary"]!));
        Assert.Equal(page, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("evil.html", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.StartsWith("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploads_without_a_media_type_or_content_or_service_or_credentials_are_refused()
    {
        var service = await Client.DefaultServiceAsync();

        await Client.UploadAsync(service, MediaHttp.Bytes(10), contentType: null).ExpectErrorAsync(HttpStatusCode.BadRequest, 50511);
        await Client.UploadAsync(service, MediaHttp.Bytes(10), "image/*").ExpectErrorAsync(HttpStatusCode.BadRequest, 50511);
        await Client.UploadAsync(service, MediaHttp.Bytes(10), "application/x-www-form-urlencoded").ExpectErrorAsync(HttpStatusCode.BadRequest, 50511);
        await Client.UploadAsync(service, [], "image/png").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.UploadAsync("IS" + new string('0', 32), MediaHttp.Bytes(10), "image/png").ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        using var anonymous = fixture.Host.CreateClient(user: null);
        await anonymous.UploadAsync(service, MediaHttp.Bytes(10), "image/png").ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
    }

    [Fact]
    public async Task Signed_urls_open_only_their_own_item_and_only_as_signed()
    {
        var service = await Client.DefaultServiceAsync();
        var first = await Client.UploadedAsync(service, MediaHttp.Bytes(100, 1), "image/jpeg");
        var second = await Client.UploadedAsync(service, MediaHttp.Bytes(100, 2), "image/jpeg");
        var url = new Uri((string)first["links"]!["content_direct_temporary"]!);
        var parts = url.AbsolutePath.Split('/');
        using var anonymous = new HttpClient();

        // Another item's SID under this signature, a later expiry, a changed signature: all 404.
        var forgeries = new[]
        {
            $"/media/{second["sid"]}/{parts[3]}/{parts[4]}",
            $"/media/{first["sid"]}/{long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture) + 3600}/{parts[4]}",
            $"/media/{first["sid"]}/{parts[3]}/{(parts[4][0] == 'A' ? 'B' : 'A')}{parts[4][1..]}",
            $"/media/{first["sid"]}/{parts[3]}/x",
        };
        foreach (var forged in forgeries)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(fixture.Host.BaseUrl + forged))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_media_sid_attaches_to_one_chat_message_which_shows_its_size_type_and_name()
    {
        var conversation = await NewConversationAsync();
        var service = await Client.DefaultServiceAsync();
        var photo = await Client.UploadedAsync(service, MediaHttp.Bytes(42_056), "image/jpeg", "car.jpg");
        var sid = (string)photo["sid"]!;

        var message = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", "agent"), ("MediaSid", sid))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Null(message["body"]);
        var media = Assert.Single(message["media"]!.AsArray())!.AsObject();
        Assert.Equal(sid, (string?)media["sid"]);
        Assert.Equal(42_056, (long)media["size"]!);
        Assert.Equal("image/jpeg", (string?)media["content_type"]);
        Assert.Equal("car.jpg", (string?)media["filename"]);
        var fetched = await Client.GetAsync(new Uri($"/v1/Conversations/{conversation}/Messages/{message["sid"]}", UriKind.Relative)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(42_056, (long)fetched["media"]![0]!["size"]!);

        var record = await Client.GetAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string?)message["sid"], (string?)record["message_sid"]);
        Assert.Equal(conversation, (string?)record["channel_sid"]);

        // Once attached, it is the message's: not a second message's, and not deleted on its own.
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", sid)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50508);
        await Client.DeleteAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50508);
    }

    [Fact]
    public async Task Media_sids_that_are_malformed_unknown_repeated_or_of_another_service_are_refused_and_nothing_stays_attached()
    {
        var conversation = await NewConversationAsync();
        var service = await Client.DefaultServiceAsync();
        var other = (string)(await Client.PostFormAsync("/v1/Services", ("FriendlyName", "elsewhere")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var elsewhere = (string)(await Client.UploadedAsync(other, MediaHttp.Bytes(10), "image/png"))["sid"]!;
        var mine = (string)(await Client.UploadedAsync(service, MediaHttp.Bytes(10), "image/png"))["sid"]!;

        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", "ME123")).ExpectErrorAsync(HttpStatusCode.BadRequest, 50510);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", "ME" + new string('a', 32))).ExpectErrorAsync(HttpStatusCode.BadRequest, 50510);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", mine), ("MediaSid", elsewhere)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50510);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", mine), ("MediaSid", mine)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50510);

        // The refused messages left the item free.
        var record = await Client.GetAsync(new Uri($"/v1/Services/{service}/Media/{mine}", UriKind.Relative)).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(record["message_sid"]);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", mine)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Each_channel_of_the_conversation_limits_what_a_message_carries()
    {
        var service = await Client.DefaultServiceAsync();
        var sms = await ConversationWithAsync(Numbers.NextUs(), Numbers.NextUs());
        var whatsapp = await ConversationWithAsync("whatsapp:" + Numbers.NextUs(), "whatsapp:" + Numbers.NextUs());

        async Task<string> Upload(int size, string type) => (string)(await Client.UploadedAsync(service, MediaHttp.Bytes(size), type))["sid"]!;

        // MMS: what Twilio accepts, 500 KB for types other than JPEG/PNG/GIF, 5 MB in all.
        await Client.PostFormAsync($"/v1/Conversations/{sms}/Messages", ("MediaSid", await Upload(10, "text/html"))).ExpectErrorAsync(HttpStatusCode.BadRequest, 50511);
        await Client.PostFormAsync($"/v1/Conversations/{sms}/Messages", ("MediaSid", await Upload(600_000, "application/pdf"))).ExpectErrorAsync(HttpStatusCode.BadRequest, 50512);
        await Client.PostFormAsync($"/v1/Conversations/{sms}/Messages", ("MediaSid", await Upload(3_000_000, "image/jpeg")), ("MediaSid", await Upload(3_000_000, "image/png")))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 50512);
        await Client.PostFormAsync($"/v1/Conversations/{sms}/Messages", ("MediaSid", await Upload(400_000, "application/pdf")), ("MediaSid", await Upload(2_000_000, "image/gif")))
            .ExpectAsync(HttpStatusCode.Created);
        var eleven = new List<(string, string)>();
        for (var i = 0; i < 11; i++)
        {
            eleven.Add(("MediaSid", await Upload(10, "image/png")));
        }

        await Client.PostFormAsync($"/v1/Conversations/{sms}/Messages", [.. eleven]).ExpectErrorAsync(HttpStatusCode.BadRequest, 21623);

        // WhatsApp: one item per message, its own types and sizes.
        await Client.PostFormAsync($"/v1/Conversations/{whatsapp}/Messages", ("MediaSid", await Upload(10, "image/png")), ("MediaSid", await Upload(10, "image/png")))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 21623);
        await Client.PostFormAsync($"/v1/Conversations/{whatsapp}/Messages", ("MediaSid", await Upload(10, "image/gif"))).ExpectErrorAsync(HttpStatusCode.BadRequest, 50511);
        await Client.PostFormAsync($"/v1/Conversations/{whatsapp}/Messages", ("MediaSid", await Upload(6_000_000, "image/jpeg"))).ExpectErrorAsync(HttpStatusCode.BadRequest, 50512);
        await Client.PostFormAsync($"/v1/Conversations/{whatsapp}/Messages", ("Body", "the manual"), ("MediaSid", await Upload(6_000_000, "application/pdf")))
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Deleting_a_message_or_its_conversation_deletes_its_media_and_their_content()
    {
        var service = await Client.DefaultServiceAsync();
        var conversation = await NewConversationAsync();
        var first = await Client.UploadedAsync(service, MediaHttp.Bytes(1000), "image/png");
        var second = await Client.UploadedAsync(service, MediaHttp.Bytes(1000), "image/png");
        var third = await Client.UploadedAsync(service, MediaHttp.Bytes(1000), "image/png");
        var message = await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", (string)first["sid"]!), ("MediaSid", (string)second["sid"]!))
            .ExpectAsync(HttpStatusCode.Created);
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", (string)third["sid"]!)).ExpectAsync(HttpStatusCode.Created);
        using var anonymous = new HttpClient();

        await Client.DeleteAsync(new Uri($"/v1/Conversations/{conversation}/Messages/{message["sid"]}", UriKind.Relative)).ExpectAsync(HttpStatusCode.NoContent);

        foreach (var gone in new[] { first, second })
        {
            await Client.GetAsync(new Uri($"/v1/Services/{service}/Media/{gone["sid"]}", UriKind.Relative)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri((string)gone["links"]!["content_direct_temporary"]!))).StatusCode);
        }

        await Client.GetAsync(new Uri($"/v1/Services/{service}/Media/{third["sid"]}", UriKind.Relative)).ExpectAsync(HttpStatusCode.OK);
        await Client.DeleteAsync(new Uri($"/v1/Conversations/{conversation}", UriKind.Relative)).ExpectAsync(HttpStatusCode.NoContent);
        await Client.GetAsync(new Uri($"/v1/Services/{service}/Media/{third["sid"]}", UriKind.Relative)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri((string)third["links"]!["content_direct_temporary"]!))).StatusCode);
    }

    [Fact]
    public async Task An_agent_uploads_with_its_token_and_users_see_only_their_own_media_or_their_conversations()
    {
        var service = await Client.DefaultServiceAsync();
        var agent = "agent-" + Guid.NewGuid().ToString("N");
        var colleague = "colleague-" + Guid.NewGuid().ToString("N");
        var stranger = "stranger-" + Guid.NewGuid().ToString("N");
        using var agentClient = fixture.Host.CreateUserClient(AccessTokens.Mint(agent, service));
        using var colleagueClient = fixture.Host.CreateUserClient(AccessTokens.Mint(colleague, service));
        using var strangerClient = fixture.Host.CreateUserClient(AccessTokens.Mint(stranger, service));
        var conversation = await NewConversationAsync();
        foreach (var identity in new[] { agent, colleague })
        {
            await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
        }

        var photo = await agentClient.UploadFormAsync(service, MediaHttp.Bytes(500), "image/png", "screen.png").ExpectAsync(HttpStatusCode.Created);
        var sid = (string)photo["sid"]!;
        Assert.Equal(agent, (string?)photo["author"]);

        // Before it is sent, only its uploader sees it, and only its uploader may send it.
        await colleagueClient.GetAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await colleagueClient.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("MediaSid", sid)).ExpectErrorAsync(HttpStatusCode.BadRequest, 50510);
        var sent = await agentClient.PostFormAsync($"/v1/Conversations/{conversation}/Messages", ("Author", agent), ("MediaSid", sid)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(sid, (string?)sent["media"]![0]!["sid"]);

        // Sent, the conversation's participants see it; others do not, and may not delete it.
        var seen = await colleagueClient.GetAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(500, (await colleagueClient.BytesAsync((string)seen["links"]!["content"]!)).Length);
        await strangerClient.GetAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await strangerClient.GetAsync(new Uri($"/v1/Services/{service}/Media/{sid}/Content", UriKind.Relative)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
        await colleagueClient.DeleteAsync(new Uri($"/v1/Services/{service}/Media/{sid}", UriKind.Relative)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);

        // A token acts in its own service only.
        var other = (string)(await Client.PostFormAsync("/v1/Services", ("FriendlyName", "other desk")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        await agentClient.UploadAsync(other, MediaHttp.Bytes(10), "image/png").ExpectErrorAsync(HttpStatusCode.Forbidden, 50107);
    }

    private async Task<string> NewConversationAsync() =>
        (string)(await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "media")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

    private async Task<string> ConversationWithAsync(string address, string proxy)
    {
        var conversation = await NewConversationAsync();
        await Client.PostFormAsync($"/v1/Conversations/{conversation}/Participants", ("MessagingBinding.Address", address), ("MessagingBinding.ProxyAddress", proxy))
            .ExpectAsync(HttpStatusCode.Created);
        return conversation;
    }
}
