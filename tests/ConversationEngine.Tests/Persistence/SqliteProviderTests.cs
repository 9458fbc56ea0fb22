using System.Collections.Concurrent;
using System.Globalization;
using ConversationEngine.Grains.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace ConversationEngine.Tests.Persistence;

/// <summary>
/// Runs Orleans' ADO.NET grain storage and reminder providers against a real SQLite file
/// through <see cref="SqliteHostingExtensions.UseSqliteStorage"/>, so the SQL in
/// Persistence/Sql/Sqlite is exercised by the providers themselves.
/// </summary>
public sealed class SqliteProviderTests : IClassFixture<SqliteProviderTests.ClusterFixture>
{
    private const string DeleteOnClearStorage = "store-delete-on-clear";

    private readonly ClusterFixture _fixture;

    public SqliteProviderTests(ClusterFixture fixture) => _fixture = fixture;

    private IGrainFactory Grains => _fixture.Cluster.Client;

    [Fact]
    public async Task State_survives_deactivation()
    {
        var grain = Grains.GetGrain<ISqliteStateTestGrain>("survives-" + Guid.NewGuid());

        await grain.Save("hello", 42);
        var before = await grain.GetSnapshot();

        await _fixture.Cluster.DeactivateAsync(grain);
        var after = await grain.GetSnapshot();

        Assert.NotEqual(before.ActivationId, after.ActivationId);
        Assert.Equal("hello", after.Text);
        Assert.Equal(42, after.Number);
        Assert.True(after.RecordExists);
        Assert.Equal("1", after.ETag);
    }

    [Fact]
    public async Task Every_write_bumps_the_etag()
    {
        var grain = Grains.GetGrain<ISqliteStateTestGrain>("bumps-" + Guid.NewGuid());

        await grain.Save("a", 1);
        await grain.Save("b", 2);
        await grain.Save("c", 3);

        Assert.Equal("3", (await grain.GetSnapshot()).ETag);
        await _fixture.Cluster.DeactivateAsync(grain);
        var reread = await grain.GetSnapshot();
        Assert.Equal(("c", 3, "3"), (reread.Text, reread.Number, reread.ETag));
    }

    [Fact]
    public async Task Stale_etag_write_is_rejected()
    {
        var storage = _fixture.Storage("store");
        var grainId = GrainId.Create("sqlite-stale", NewStringKey());

        var first = new GrainState<SqliteTestState>(new SqliteTestState { Text = "v1" });
        await storage.WriteStateAsync("sqlite-stale", grainId, first);

        // Two copies read the same version; only the first of them may write.
        var left = new GrainState<SqliteTestState>();
        var right = new GrainState<SqliteTestState>();
        await storage.ReadStateAsync("sqlite-stale", grainId, left);
        await storage.ReadStateAsync("sqlite-stale", grainId, right);
        Assert.Equal("1", left.ETag);

        left.State = new SqliteTestState { Text = "left" };
        await storage.WriteStateAsync("sqlite-stale", grainId, left);
        Assert.Equal("2", left.ETag);

        right.State = new SqliteTestState { Text = "right" };
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("sqlite-stale", grainId, right));

        var stored = new GrainState<SqliteTestState>();
        await storage.ReadStateAsync("sqlite-stale", grainId, stored);
        Assert.Equal(("left", "2"), (stored.State?.Text, stored.ETag));
    }

    [Fact]
    public async Task Duplicate_first_write_without_etag_is_rejected()
    {
        var storage = _fixture.Storage("store");
        var grainId = GrainId.Create("sqlite-duplicate", NewStringKey());

        // Two activations that both found no state: the insert must happen once.
        var one = new GrainState<SqliteTestState>(new SqliteTestState { Text = "one" });
        var two = new GrainState<SqliteTestState>(new SqliteTestState { Text = "two" });

        await storage.WriteStateAsync("sqlite-duplicate", grainId, one);
        Assert.Equal("1", one.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("sqlite-duplicate", grainId, two));
    }

    [Fact]
    public async Task Stale_etag_clear_is_rejected()
    {
        var storage = _fixture.Storage("store");
        var grainId = GrainId.Create("sqlite-stale-clear", NewStringKey());

        var writer = new GrainState<SqliteTestState>(new SqliteTestState { Text = "v1" });
        await storage.WriteStateAsync("sqlite-stale-clear", grainId, writer);
        var stale = new GrainState<SqliteTestState>();
        await storage.ReadStateAsync("sqlite-stale-clear", grainId, stale);
        await storage.WriteStateAsync("sqlite-stale-clear", grainId, writer);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.ClearStateAsync("sqlite-stale-clear", grainId, stale));
    }

    [Fact]
    public async Task Cleared_state_reads_back_as_default()
    {
        var grain = Grains.GetGrain<ISqliteStateTestGrain>("cleared-" + Guid.NewGuid());
        await grain.Save("to be cleared", 7);

        await grain.Clear();
        await _fixture.Cluster.DeactivateAsync(grain);
        var after = await grain.GetSnapshot();

        Assert.Equal((string.Empty, 0), (after.Text, after.Number));
        Assert.False(after.RecordExists);
        // The engine's storage deletes the row on clear (UseSqliteStorage), so the grain starts
        // over as if it had never been written.
        Assert.Null(after.ETag);

        await grain.Save("again", 8);
        await _fixture.Cluster.DeactivateAsync(grain);
        var rewritten = await grain.GetSnapshot();
        Assert.Equal(("again", 8, "1"), (rewritten.Text, rewritten.Number, rewritten.ETag));
    }

    [Fact]
    public async Task Delete_on_clear_removes_the_row()
    {
        var storage = _fixture.Storage(DeleteOnClearStorage);
        var key = NewStringKey();
        var grainId = GrainId.Create("sqlite-delete", key);

        var state = new GrainState<SqliteTestState>(new SqliteTestState { Text = "gone soon" });
        await storage.WriteStateAsync("sqlite-delete", grainId, state);
        await storage.ClearStateAsync("sqlite-delete", grainId, state);

        Assert.Null(state.ETag);
        Assert.Equal(0L, await _fixture.ScalarAsync<long>(
            "SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString = 'sqlite-delete' AND GrainIdExtensionString = @key",
            ("@key", key)));

        var reread = new GrainState<SqliteTestState>();
        await storage.ReadStateAsync("sqlite-delete", grainId, reread);
        Assert.False(reread.RecordExists);
        await storage.WriteStateAsync("sqlite-delete", grainId, reread);
        Assert.Equal("1", reread.ETag);
    }

    [Fact]
    public async Task Concurrent_writes_to_many_grains_all_succeed()
    {
        const int count = 200;
        var prefix = "burst-" + Guid.NewGuid().ToString("N") + "-";
        var grains = Enumerable.Range(0, count)
            .Select(i => Grains.GetGrain<ISqliteStateTestGrain>(prefix + i.ToString(CultureInfo.InvariantCulture)))
            .ToArray();

        // First round inserts, second round updates: both hit the single SQLite writer at once.
        await Task.WhenAll(grains.Select((g, i) => g.Save("first", i)));
        await Task.WhenAll(grains.Select((g, i) => g.Save("second", i)));

        var rows = await _fixture.ScalarAsync<long>(
            "SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString LIKE @prefix || '%' AND Version = 2",
            ("@prefix", prefix));
        Assert.Equal(count, rows);

        await _fixture.Cluster.DeactivateAsync(grains[count - 1]);
        var last = await grains[count - 1].GetSnapshot();
        Assert.Equal(("second", count - 1), (last.Text, last.Number));
    }

    [Fact]
    public async Task Concurrent_writes_share_commits_and_a_conflicting_one_fails_alone()
    {
        var writer = ConversationEngine.Grains.Persistence.Sqlite.SqliteWriter.For(_fixture.ConnectionString);
        var storage = _fixture.Storage("store");
        var prefix = NewStringKey();
        var stale = new GrainState<SqliteTestState>(new SqliteTestState { Text = "first" });
        var staleId = GrainId.Create("sqlite-group", prefix + "-stale");
        await storage.WriteStateAsync("sqlite-group", staleId, stale);
        var (commandsBefore, commitsBefore) = (writer.Commands, writer.Commits);

        // 300 writers at once, and one of them with a version that lost: it alone is refused.
        var states = Enumerable.Range(0, 300).Select(i => new GrainState<SqliteTestState>(new SqliteTestState { Text = "w", Number = i })).ToArray();
        var conflicting = new GrainState<SqliteTestState>(new SqliteTestState { Text = "late" }) { ETag = "0" };
        var writes = states.Select((state, i) => storage.WriteStateAsync("sqlite-group", GrainId.Create("sqlite-group", prefix + "-" + i.ToString(CultureInfo.InvariantCulture)), state)).ToList();
        var refused = storage.WriteStateAsync("sqlite-group", staleId, conflicting);
        await Task.WhenAll(writes);
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => refused);

        var rows = await _fixture.ScalarAsync<long>(
            "SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString LIKE @prefix || '-%' AND Version = 1",
            ("@prefix", prefix));
        Assert.Equal(301, rows);
        var reread = new GrainState<SqliteTestState>();
        await storage.ReadStateAsync("sqlite-group", staleId, reread);
        Assert.Equal("first", reread.State?.Text);
        Assert.True(writer.Commits - commitsBefore < writer.Commands - commandsBefore, $"{writer.Commands - commandsBefore} commands in {writer.Commits - commitsBefore} commits");
    }

    [Fact]
    public async Task Reminder_fires_and_unregistering_removes_its_row()
    {
        var key = "remind-" + Guid.NewGuid();
        var grain = Grains.GetGrain<ISqliteReminderTestGrain>(key);

        var before = DateTime.UtcNow;
        await grain.StartTicking(TimeSpan.FromSeconds(1));
        var after = DateTime.UtcNow;
        await WaitForAsync(() => SqliteReminderTestGrain.TickCount(key) >= 2, TimeSpan.FromSeconds(20));

        var grainId = grain.GetGrainId().ToString();
        Assert.Equal(1L, await ReminderRowCountAsync(_fixture, grainId));
        Assert.Equal(1000L, await _fixture.ScalarAsync<long>(
            "SELECT Period FROM OrleansRemindersTable WHERE GrainId = @grainId", ("@grainId", grainId)));

        // Stored as UTC wall time without an offset (due time 1 s after registration),
        // whatever the machine's time zone.
        var startTime = DateTime.Parse(
            await _fixture.ScalarAsync<string>("SELECT StartTime FROM OrleansRemindersTable WHERE GrainId = @grainId", ("@grainId", grainId)),
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.InRange(startTime, before.AddSeconds(1), after.AddSeconds(1));

        await grain.StopTicking();

        Assert.Equal(0L, await ReminderRowCountAsync(_fixture, grainId));
        Assert.False(await grain.HasReminder());
    }

    [Fact]
    public async Task Reminder_survives_a_full_cluster_restart()
    {
        using var database = new TempDatabase();
        await SqliteSchema.EnsureCreatedAsync(database.ConnectionString);
        var serviceId = "restart-" + Guid.NewGuid().ToString("N");
        var key = "restart-" + Guid.NewGuid();

        var first = await StartClusterAsync(database.ConnectionString, serviceId);
        try
        {
            await first.Client.GetGrain<ISqliteReminderTestGrain>(key).StartTicking(TimeSpan.FromSeconds(1));
            await WaitForAsync(() => SqliteReminderTestGrain.TickCount(key) >= 1, TimeSpan.FromSeconds(20));
        }
        finally
        {
            await StopClusterAsync(first);
        }

        var ticksBeforeRestart = SqliteReminderTestGrain.TickCount(key);

        // Nothing calls the grain after the restart: only the persisted reminder can wake it.
        var second = await StartClusterAsync(database.ConnectionString, serviceId);
        try
        {
            await WaitForAsync(() => SqliteReminderTestGrain.TickCount(key) > ticksBeforeRestart, TimeSpan.FromSeconds(30));
            await second.Client.GetGrain<ISqliteReminderTestGrain>(key).StopTicking();
        }
        finally
        {
            await StopClusterAsync(second);
        }
    }

    [Fact]
    public async Task Reminder_range_queries_follow_signed_ring_order()
    {
        using var database = new TempDatabase();
        await SqliteSchema.EnsureCreatedAsync(database.ConnectionString);

        using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        int[] hashes = [int.MinValue, -5, 0, 5, int.MaxValue];
        foreach (var hash in hashes)
        {
            await ExecuteAsync(connection,
                "INSERT INTO OrleansRemindersTable VALUES ('svc', @id, 'r', '2024-01-01 00:00:00', 1000, @hash, 0)",
                ("@id", "g/" + hash.ToString(CultureInfo.InvariantCulture)), ("@hash", hash));
        }

        // The provider binds the uint ring bounds as (int) and picks query 1 when
        // (int)begin < (int)end, query 2 otherwise; the range is (begin, end].
        // (-1, 5]: does not cross the signed wrap point.
        Assert.Equal<long>([0, 5], await RangeAsync(connection, uint.MaxValue, 5));
        // (5, -5]: crosses it, so it takes everything above 5 and everything up to -5.
        Assert.Equal<long>([int.MinValue, -5, int.MaxValue], await RangeAsync(connection, 5, unchecked((uint)-5)));
        // (2^31 - 1, 2^31] in uint terms is a tiny range, but in signed terms it wraps.
        Assert.Equal<long>([int.MinValue], await RangeAsync(connection, int.MaxValue, unchecked((uint)int.MinValue)));
        // begin == end is the full ring.
        Assert.Equal<long>([int.MinValue, -5, 0, 5, int.MaxValue], await RangeAsync(connection, 0, 0));
    }

    [Fact]
    public async Task Schema_can_be_ensured_repeatedly_and_concurrently()
    {
        using var database = new TempDatabase(subdirectory: "nested/dir");

        // Pooling off so each caller has its own connection, as separate processes would.
        var unpooled = new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqliteSchema.EnsureCreatedAsync(unpooled))));
        await SqliteSchema.EnsureCreatedAsync(database.ConnectionString);
        await SqliteSchema.EnsureCreatedAsync(database.ConnectionString);

        Assert.True(File.Exists(database.Path));
        using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal("wal", await ScalarAsync<string>(connection, "PRAGMA journal_mode"));
        Assert.Equal((long)SqliteSchema.CurrentVersion, await ScalarAsync<long>(connection, "PRAGMA user_version"));

        string[] expectedKeys =
        [
            "ClearStorageKey", "DeleteReminderRowKey", "DeleteReminderRowsKey", "DeleteStorageKey",
            "ReadFromStorageKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
            "ReadReminderRowsKey", "UpsertReminderRowKey", "WriteToStorageKey",
        ];
        Assert.Equal(expectedKeys, await ListAsync(connection, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey"));

        var resources = typeof(SqliteSchema).Assembly.GetManifestResourceNames().Where(n => n.Contains(".Sql.Sqlite.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal<string>(
            [
                "ConversationEngine.Grains.Persistence.Sql.Sqlite.001-main.sql",
                "ConversationEngine.Grains.Persistence.Sql.Sqlite.002-persistence.sql",
                "ConversationEngine.Grains.Persistence.Sql.Sqlite.003-reminders.sql",
                "ConversationEngine.Grains.Persistence.Sql.Sqlite.004-messages.sql",
                "ConversationEngine.Grains.Persistence.Sql.Sqlite.005-conversations.sql",
                "ConversationEngine.Grains.Persistence.Sql.Sqlite.006-events.sql",
            ],
            resources);
    }

    [Fact]
    public async Task Database_from_a_newer_schema_is_refused()
    {
        using var database = new TempDatabase();
        await SqliteSchema.EnsureCreatedAsync(database.ConnectionString);
        using (var connection = new SqliteConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "PRAGMA user_version = 999");
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteSchema.EnsureCreatedAsync(database.ConnectionString));
    }

    private static Task<long> ReminderRowCountAsync(ClusterFixture fixture, string grainId) =>
        fixture.ScalarAsync<long>("SELECT COUNT(*) FROM OrleansRemindersTable WHERE GrainId = @grainId", ("@grainId", grainId));

    private static string NewStringKey() => "k-" + Guid.NewGuid().ToString("N");

    private static async Task<List<long>> RangeAsync(SqliteConnection connection, uint begin, uint end)
    {
        var key = unchecked((int)begin) < unchecked((int)end) ? "ReadRangeRows1Key" : "ReadRangeRows2Key";
        var sql = await ScalarAsync<string>(connection, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", ("@key", key));

        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@ServiceId", "svc");
        command.Parameters.AddWithValue("@BeginHash", unchecked((int)begin));
        command.Parameters.AddWithValue("@EndHash", unchecked((int)end));
        var hashes = new List<long>();
        using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            hashes.Add(long.Parse(reader.GetString(0)["g/".Length..], CultureInfo.InvariantCulture));
        }

        hashes.Sort();
        return hashes;
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(string connectionString, string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseSqliteStorage(connectionString);
            silo.AddAdoNetGrainStorage(DeleteOnClearStorage, options =>
            {
                options.Invariant = SqliteSchema.Invariant;
                options.ConnectionString = connectionString;
                options.DeleteStateOnClear = true;
            });
            silo.Services.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    private static async Task StopClusterAsync(InProcessTestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> ListAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A database file in its own temporary directory, removed on dispose.</summary>
    public sealed class TempDatabase : IDisposable
    {
        private readonly string _root;

        public TempDatabase(string? subdirectory = null)
        {
            _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ce-sqlite-tests", Guid.NewGuid().ToString("N"));
            // The directory is deliberately not created: EnsureCreatedAsync must do it.
            Path = System.IO.Path.Combine(subdirectory is null ? _root : System.IO.Path.Combine(_root, subdirectory), "orleans.db");
            ConnectionString = SqliteSchema.BuildConnectionString(Path);
        }

        public string Path { get; }

        public string ConnectionString { get; }

        public void Dispose()
        {
            // Pooled connections keep the file open; release them before deleting it.
            using (var connection = new SqliteConnection(ConnectionString))
            {
                SqliteConnection.ClearPool(connection);
            }

            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp file must not fail the test.
            }
        }
    }

    /// <summary>One silo shared by the tests of this class, on its own database file.</summary>
    public sealed class ClusterFixture : IAsyncLifetime, IDisposable
    {
        private readonly TempDatabase _database = new();
        private InProcessTestCluster? _cluster;

        public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Cluster not started.");

        public string ConnectionString => _database.ConnectionString;

        public IGrainStorage Storage(string name) =>
            Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(name);

        public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
        {
            using var connection = new SqliteConnection(_database.ConnectionString);
            await connection.OpenAsync();
            return await SqliteProviderTests.ScalarAsync<T>(connection, sql, parameters);
        }

        public async Task InitializeAsync()
        {
            await SqliteSchema.EnsureCreatedAsync(_database.ConnectionString);
            _cluster = await StartClusterAsync(_database.ConnectionString, "sqlite-tests-" + Guid.NewGuid().ToString("N"));
        }

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await StopClusterAsync(_cluster);
            }

            _database.Dispose();
        }

        public void Dispose() => _database.Dispose();
    }
}

[GenerateSerializer]
[Alias("ConversationEngine.Tests.Persistence.SqliteTestState")]
public sealed class SqliteTestState
{
    [Id(0)]
    public string Text { get; set; } = string.Empty;

    [Id(1)]
    public int Number { get; set; }
}

[GenerateSerializer]
[Alias("ConversationEngine.Tests.Persistence.SqliteStateSnapshot")]
public sealed record SqliteStateSnapshot(
    [property: Id(0)] string Text,
    [property: Id(1)] int Number,
    [property: Id(2)] bool RecordExists,
    [property: Id(3)] string? ETag,
    [property: Id(4)] Guid ActivationId);

[Alias("ConversationEngine.Tests.Persistence.ISqliteStateTestGrain")]
public interface ISqliteStateTestGrain : IGrainWithStringKey
{
    [Alias("GetSnapshot")]
    Task<SqliteStateSnapshot> GetSnapshot();

    [Alias("Save")]
    Task Save(string text, int number);

    [Alias("Clear")]
    Task Clear();
}

public sealed class SqliteStateTestGrain(
    [PersistentState("s", "store")] IPersistentState<SqliteTestState> state) : Grain, ISqliteStateTestGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public Task<SqliteStateSnapshot> GetSnapshot() =>
        Task.FromResult(new SqliteStateSnapshot(state.State.Text, state.State.Number, state.RecordExists, state.Etag, _activationId));

    public Task Save(string text, int number)
    {
        state.State.Text = text;
        state.State.Number = number;
        return state.WriteStateAsync();
    }

    public Task Clear() => state.ClearStateAsync();
}

[Alias("ConversationEngine.Tests.Persistence.ISqliteReminderTestGrain")]
public interface ISqliteReminderTestGrain : IGrainWithStringKey
{
    [Alias("StartTicking")]
    Task StartTicking(TimeSpan period);

    [Alias("StopTicking")]
    Task StopTicking();

    [Alias("HasReminder")]
    Task<bool> HasReminder();
}

public sealed class SqliteReminderTestGrain : Grain, ISqliteReminderTestGrain, IRemindable
{
    private const string ReminderName = "tick";

    // In-process silos share this process, so the test can observe ticks across restarts.
    private static readonly ConcurrentDictionary<string, int> Ticks = new();

    public static int TickCount(string key) => Ticks.GetValueOrDefault(key);

    public Task StartTicking(TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task StopTicking()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<bool> HasReminder() => await this.GetReminder(ReminderName) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }
}
