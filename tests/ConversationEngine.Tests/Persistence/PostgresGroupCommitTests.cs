using ConversationEngine.Grains.Persistence;
using ConversationEngine.Tests.Support;
using Npgsql;
using Orleans.Configuration;

namespace ConversationEngine.Tests.Persistence;

/// <summary>Shared writes on PostgreSQL: concurrent statements commit together, and one that fails fails alone.</summary>
public sealed class PostgresGroupCommitTests
{
    [PostgresFact]
    public async Task Concurrent_appends_share_commits_and_a_failing_statement_fails_only_its_caller()
    {
        var connectionString = PostgresSchema.Normalize(Postgres.Get());
        await PostgresSchema.EnsureCreatedAsync(connectionString);
        await using var source = NpgsqlDataSource.Create(connectionString);
        var cluster = new ClusterOptions { ServiceId = "group-commit-" + Guid.NewGuid().ToString("N")[..8] };
        await using var database = new PostgresEngineDatabase(source, cluster);
        var conversation = Sids.New(Sids.Conversation);

        var good = Enumerable.Range(0, 200).Select(i => database.WriteSharedAsync(
            TableMessageLogStore.PostgresAppend, ("@c", conversation), ("@i", (long)i), ("@m", "IM" + i), ("@p", new byte[] { 1, 2, 3 }))).ToList();
        var bad = database.WriteSharedAsync("INSERT INTO EngineMessages (ServiceId, ConversationSid, MessageIndex, MessageSid) VALUES (@s, @c, NULL, 'x') RETURNING 1", ("@c", conversation));
        var alsoGood = database.WriteSharedAsync(
            TableMessageLogStore.PostgresAppend, ("@c", conversation), ("@i", 1000L), ("@m", "IM1000"), ("@p", new byte[] { 4 }));

        await Assert.ThrowsAsync<PostgresException>(() => bad);
        var holders = await Task.WhenAll(good.Append(alsoGood));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => "IM" + i).Append("IM1000"), holders.Select(rows => (string)Assert.Single(rows)[0]));

        var repeated = await database.WriteSharedAsync(
            TableMessageLogStore.PostgresAppend, ("@c", conversation), ("@i", 5L), ("@m", "IM-other"), ("@p", new byte[] { 9 }));
        Assert.Equal("IM5", (string)Assert.Single(repeated)[0]);
        var stored = await database.ReadAsync("SELECT COUNT(*) FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c", ("@c", conversation));
        Assert.Equal(201L, (long)stored[0][0]);
    }
}
