using System.Net;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Tests.Http;

/// <summary>Weak secrets refused at start; the SQLite file kept from other users.</summary>
public sealed class SecretsAndFilesTests
{
    private const string StrongToken = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private const string StrongKeySecret = "a5b4c3d2e1f00f1e2d3c4b5a69788796";

    [Fact]
    public async Task A_short_auth_token_or_api_key_secret_refuses_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Engine:AllowWeakSecrets"] = "false",
            ["Engine:ApiKeys:0:Secret"] = "short-api-key-secret",
        }));

        Assert.Contains(error.Failures, f => f.StartsWith("Engine:AuthToken is shorter than 32 characters", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Engine:ApiKeys:0:Secret is shorter than 32 characters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compose_placeholder_refuses_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Engine:AllowWeakSecrets"] = "false",
            ["Engine:AuthToken"] = "change-me",
            ["Engine:ApiKeys:0:Secret"] = StrongKeySecret,
        }));

        Assert.Equal(["Engine:AuthToken is the placeholder 'change-me': set a random secret of at least 32 characters (or Engine:AllowWeakSecrets=true, never in production)"], error.Failures);
    }

    [Fact]
    public async Task Strong_secrets_start_and_allow_weak_secrets_lets_short_ones_start()
    {
        await using (var strong = await EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Engine:AllowWeakSecrets"] = "false",
            ["Engine:AuthToken"] = StrongToken,
            ["Engine:ApiKeys:0:Secret"] = StrongKeySecret,
        }))
        {
            using var client = strong.CreateClient(EngineHost.AccountSid, StrongToken);
            await client.GetAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.OK);
        }

        // EngineHost's own settings: the short test token with Engine:AllowWeakSecrets=true.
        await using var weak = await EngineHost.StartAsync(settings: new Dictionary<string, string?> { ["Engine:AuthToken"] = "change-me" });
        using var weakClient = weak.CreateClient(EngineHost.AccountSid, "change-me");
        await weakClient.GetAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_sqlite_file_and_its_wal_are_readable_by_the_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        await using var host = await EngineHost.StartAsync();
        await host.Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);

        var database = Path.Combine(host.DataDirectory, "engine.db");
        Assert.True(File.Exists(database + "-wal"), "the database is in WAL mode and open");
        foreach (var file in new[] { database, database + "-wal", database + "-shm" }.Where(File.Exists))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task An_existing_sqlite_file_readable_by_others_is_tightened()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        var directory = Directory.CreateTempSubdirectory("engine-test-").FullName;
        var database = Path.Combine(directory, "engine.db");
        await File.WriteAllBytesAsync(database, []);
        File.SetUnixFileMode(database, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await SqliteSchema.EnsureCreatedAsync(SqliteSchema.BuildConnectionString(database));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database));
    }
}
