using System.Net;
using ConversationEngine.Contacts;
using ConversationEngine.Indexes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Client-chosen text that becomes (part of) a grain key — unique names, identities, binding
/// addresses — works for every character Twilio allows, on both storage providers; what Twilio
/// refuses (NUL, longer than its limits) is a 400.
/// </summary>
public static class KeyTextCases
{
    /// <summary>Texts a key must survive: format-string braces, quotes, percent signs, separators, emoji, long text.</summary>
    public static readonly string[] Accepted =
    [
        "order-{1234}",
        "{0}",
        "{",
        "}}{{",
        "{x}",
        "quote'\"`",
        "100%25 %s %d %n %0",
        "a|b\\c#d?e&f=g+h",
        "emoji-😀-🎉",
        "tab\tnew\nline",
        "space ",
        "ünïcødé-名前",
        "IS00000000000000000000000000000000|x",
        new string('k', 190) + "{}" + string.Concat(Enumerable.Repeat("😀", 27)),
    ];

    /// <summary>Texts Twilio refuses: NUL, and longer than its 256-character limit (a 1 KB string).</summary>
    public static readonly string[] Refused =
    [
        "nul\0byte",
        "\0",
        new string('x', 1024),
        new string('{', 1024),
    ];

    public static string Unique(string text) => text + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// Every accepted text: created under the name, fetched by it (and by URL-escaped path), the
    /// same name twice is 50353, deleting frees it, renaming moves it; identities likewise within
    /// a conversation (50433); every refused text is a 400.
    /// </summary>
    public static async Task ExerciseAsync(HttpClient client)
    {
        foreach (var text in Accepted)
        {
            var name = Unique(text);
            var created = await client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);
            var sid = (string)created["sid"]!;
            Assert.Equal(name, (string?)created["unique_name"]);

            var byName = await client.GetAsync("/v1/Conversations/" + Uri.EscapeDataString(name)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(sid, (string?)byName["sid"]);

            var conflict = await client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectErrorAsync(HttpStatusCode.Conflict, 50353);
            Assert.Contains(sid, (string?)conflict["message"], StringComparison.Ordinal);

            var identity = Unique(text);
            var participant = await client.PostFormAsync($"/v1/Conversations/{sid}/Participants", ("Identity", identity)).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(identity, (string?)participant["identity"]);
            var byIdentity = await client.GetAsync($"/v1/Conversations/{sid}/Participants/" + Uri.EscapeDataString(identity)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal((string?)participant["sid"], (string?)byIdentity["sid"]);
            await client.PostFormAsync($"/v1/Conversations/{sid}/Participants", ("Identity", identity)).ExpectErrorAsync(HttpStatusCode.Conflict, 50433);

            // Binding addresses are channel addresses: such text is refused, never a 5xx.
            using (var refused = await client.PostFormAsync($"/v1/Conversations/{sid}/Participants",
                ("MessagingBinding.Address", text), ("MessagingBinding.ProxyAddress", "+15005550006")))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            }

            // A contact channel named by any text (the operator's view) is looked up without a 5xx.
            using (var contact = await client.GetAsync("/engine/v1/ContactChannels/" + Uri.EscapeDataString(text) + "/" + Uri.EscapeDataString(text)))
            {
                Assert.True((int)contact.StatusCode < 500, $"contact channel lookup of '{text}' answered {(int)contact.StatusCode}");
            }

            await client.DeleteAsync($"/v1/Conversations/{sid}").ExpectAsync(HttpStatusCode.NoContent);
            await client.GetAsync("/v1/Conversations/" + Uri.EscapeDataString(name)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
            var again = await client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);
            var byNameAgain = await client.GetAsync("/v1/Conversations/" + Uri.EscapeDataString(name)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal((string?)again["sid"], (string?)byNameAgain["sid"]);

            // A rename moves the claim: the new name finds it, the old one is free.
            var renamed = Unique(text);
            await client.PostFormAsync($"/v1/Conversations/{again["sid"]}", ("UniqueName", renamed)).ExpectAsync(HttpStatusCode.OK);
            await client.GetAsync("/v1/Conversations/" + Uri.EscapeDataString(renamed)).ExpectAsync(HttpStatusCode.OK);
            await client.GetAsync("/v1/Conversations/" + Uri.EscapeDataString(name)).ExpectErrorAsync(HttpStatusCode.NotFound, 20404);
            await client.DeleteAsync($"/v1/Conversations/{again["sid"]}").ExpectAsync(HttpStatusCode.NoContent);
        }

        var holder = (string)(await client.PostFormAsync("/v1/Conversations", ("FriendlyName", "refusals")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        foreach (var text in Refused)
        {
            await client.PostFormAsync("/v1/Conversations", ("UniqueName", text)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
            await client.PostFormAsync($"/v1/Conversations/{holder}", ("UniqueName", text)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
            await client.PostFormAsync($"/v1/Conversations/{holder}/Participants", ("Identity", text)).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
            // Kestrel itself refuses a NUL in a path with a plain 400; otherwise no such name exists.
            using var fetched = await client.GetAsync("/v1/Conversations/" + Uri.EscapeDataString(text));
            Assert.True(fetched.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"fetch by '{text}' answered {(int)fetched.StatusCode}");
        }
    }
}

[Collection(SharedEngine.Name)]
public sealed class KeyTextTests(EngineFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task A_unique_name_with_braces_is_created_and_fetched_by_name()
    {
        var name = "order-{1234}-" + Guid.NewGuid().ToString("N")[..8];
        var created = await Client.PostFormAsync("/v1/Conversations", ("UniqueName", name)).ExpectAsync(HttpStatusCode.Created);

        var byName = await Client.GetAsync("/v1/Conversations/" + Uri.EscapeDataString(name)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((string?)created["sid"], (string?)byName["sid"]);
    }

    [Fact]
    public async Task A_nul_in_a_unique_name_or_identity_is_a_400()
    {
        var sid = (string)(await Client.PostFormAsync("/v1/Conversations", ("FriendlyName", "nul")).ExpectAsync(HttpStatusCode.Created))["sid"]!;

        await Client.PostFormAsync("/v1/Conversations", ("UniqueName", "nul\0name")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
        await Client.PostFormAsync($"/v1/Conversations/{sid}/Participants", ("Identity", "nul\0identity")).ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
    }

    [Fact]
    public async Task Keys_of_any_text_work_on_sqlite() => await KeyTextCases.ExerciseAsync(Client);

    [Fact]
    public async Task Binding_and_contact_keys_of_any_text_are_stored()
    {
        foreach (var text in KeyTextCases.Accepted.Concat(["a|b", "\0", new string('{', 300)]))
        {
            var address = KeyTextCases.Unique(text);
            var binding = fixture.Host.Grains.GetGrain<IBindingIndexGrain>(IndexKeys.Binding(address, "+15005550006"));
            Assert.Null(await binding.ClaimAsync("CH00000000000000000000000000000001"));
            Assert.Equal("CH00000000000000000000000000000001", await binding.ClaimAsync("CH00000000000000000000000000000002"));
            await binding.ReleaseAsync("CH00000000000000000000000000000001");

            var contact = fixture.Host.Grains.GetGrain<IContactChannelGrain>(ContactKeys.Channel(address, address));
            await contact.RecordInboundAsync(DateTimeOffset.UtcNow);
        }
    }
}

public sealed class GrainKeysTests
{
    [Theory]
    [InlineData("order-1234")]
    [InlineData("ünïcødé 😀 'quote' 100%")]
    public void Text_the_storage_holds_stays_as_it_is(string text)
    {
        Assert.Equal("IS1/" + text, IndexKeys.UniqueName("IS1", text));
        Assert.Equal(text + "|+15005550006", IndexKeys.Binding(text, "+15005550006"));
        Assert.Equal("MG1|" + text, ContactKeys.Channel("MG1", text));
    }

    [Theory]
    [InlineData("order-{1234}")]
    [InlineData("nul\0")]
    [InlineData("lone surrogate")]
    public void Other_text_is_hashed_with_a_readable_prefix(string text)
    {
        text = text.Replace("lone surrogate", "\ud800", StringComparison.Ordinal);
        var key = IndexKeys.UniqueName("IS1", text);
        Assert.Matches("^IS1#[A-Za-z0-9+_.:@-]{1,24}~[0-9a-f]{64}$", key);
        Assert.DoesNotContain('{', key);
        Assert.Equal(key, IndexKeys.UniqueName("IS1", text));
        Assert.NotEqual(key, IndexKeys.UniqueName("IS2", text));
        Assert.NotEqual(key, IndexKeys.UniqueName("IS1", text + "x"));
    }

    [Fact]
    public void Pairs_whose_texts_hold_the_separator_do_not_collide()
    {
        var first = IndexKeys.Binding("a|b", "c");
        var second = IndexKeys.Binding("a", "b|c");
        Assert.NotEqual(first, second);
        Assert.DoesNotContain('|', first);
        Assert.NotEqual(IndexKeys.Binding("{", "}"), IndexKeys.Binding("{}", ""));
        Assert.StartsWith("#", IndexKeys.Binding(new string('1', 300), new string('2', 300)), StringComparison.Ordinal);
    }
}

public sealed class PostgresKeyTextTests
{
    [PostgresFact]
    public async Task Keys_of_any_text_work_on_postgres()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = Postgres.Get(),
            ["Orleans:ClusterId"] = "keys-" + Guid.NewGuid().ToString("N")[..12],
            ["Orleans:ServiceId"] = "keys-" + Guid.NewGuid().ToString("N")[..12],
        };
        await using var host = await EngineHost.StartAsync(settings: settings);

        await KeyTextCases.ExerciseAsync(host.Client);
    }
}
