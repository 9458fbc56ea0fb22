using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ConversationEngine.Grains.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConversationEngine.Bench.Limits;

/// <summary>
/// The engine over HTTP beside what this machine can do at best for the same request, in one run:
/// every engine cell starts the real front end on a fresh store, every limit is measured in the
/// same run with the same load generator, and the table pairs each engine figure with its limit.
/// </summary>
internal sealed class LimitsRun
{
    private const string Account = "ACbe7c4b0abe7c4b0abe7c4b0abe7c4b0a";
    private const string Token = "be7c4b0abe7c4b0abe7c4b0abe7c4b0a";
    private const int Conversations = 100;

    private readonly Settings settings;
    private readonly string scratch = Directory.CreateTempSubdirectory("engine-limits-").FullName;
    private readonly List<Row> rows = [];
    private readonly List<string> notes = [];

    /// <summary>The last page of 50 messages an engine answered, as bytes (the ceiling for page reads sends it back).</summary>
    private byte[]? lastPage;

    private LimitsRun(Settings settings) => this.settings = settings;

    private enum Workload
    {
        Spread,
        Hot,
        Create,
        Read,
    }

    public static async Task RunAsync(string[] args)
    {
        var settings = Settings.Parse(args);
        var run = new LimitsRun(settings);
        await BenchArguments.RunAsync(settings.ApiDll, settings.Keep, run.scratch, run.MeasureAsync);
    }

    private async Task MeasureAsync()
    {
        var machine = await MachineAsync();
        Console.WriteLine(machine);
        Console.WriteLine(Invariant($"warm-up {settings.Warmup.TotalSeconds:F0} s, measured {settings.Duration.TotalSeconds:F0} s per cell; PostgreSQL: {(settings.Postgres is null ? "not given, skipped" : "yes")}"));

        // The limit server: one child process for the whole run, its own SQLite file and database.
        var limitDatabase = settings.Postgres is null ? null : await BenchDatabase.CreateAsync(settings.Postgres, "limits");
        var limitSqlite = SqliteSchema.BuildConnectionString(Path.Combine(scratch, "limit-http.db"));
        await CreateSqliteTableAsync(limitSqlite);
        if (limitDatabase is not null)
        {
            await CreatePostgresTableAsync(limitDatabase.ConnectionString);
        }

        var limitUrl = new Uri(Invariant($"http://127.0.0.1:{ChildProcess.FreePort()}"));
        string[] limitArgs = limitDatabase is null
            ? [LimitServer.Command, limitUrl.ToString(), limitSqlite]
            : [LimitServer.Command, limitUrl.ToString(), limitSqlite, limitDatabase.ConnectionString];
        try
        {
            await using (var limits = await ChildProcess.StartAsync(typeof(LimitsRun).Assembly.Location, limitArgs, limitUrl, Path.Combine(scratch, "limit-server.log")))
            {
                var kestrel = await LimitCellAsync("(a) Kestrel GET constant JSON", limits, settings.Connections, null, (client, _, _) => GetAsync(client, "/constant"));
                if (settings.Sqlite)
                {
                    await StoreAsync(null, limits, kestrel);
                }

                if (limitDatabase is not null)
                {
                    await StoreAsync(limitDatabase, limits, kestrel);
                }
            }
        }
        finally
        {
            if (limitDatabase is not null)
            {
                await BenchDatabase.DropAsync(settings.Postgres!, limitDatabase.Name);
            }
        }

        var report = Report(machine, await LoadAsync());
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(settings.Output)!);
        await File.WriteAllTextAsync(settings.Output, report);
        Console.WriteLine($"written to {settings.Output}");
    }

    /// <summary>Every workload on one store, each engine cell next to (and just before) its limits.</summary>
    /// <param name="limitDatabase">The limits' PostgreSQL database, or null to measure on SQLite.</param>
    private async Task StoreAsync(BenchDatabase? limitDatabase, ChildProcess limits, Limit kestrel)
    {
        var postgres = limitDatabase is not null;
        var store = StoreName(postgres);
        var httpPath = postgres ? "/postgres/messages" : "/sqlite/messages";
        var httpName = postgres ? "(b) ASP.NET + 1 Npgsql INSERT/POST, 16 pooled" : "(e) ASP.NET + 1 SQLite INSERT/POST, 1 writer";
        var n = settings.Connections;

        var http = await LimitCellAsync(httpName, limits, n, null, (client, _, sequence) => PostAsync(client, httpPath, Body(sequence)));
        var bare = postgres
            ? await PostgresCommitsAsync(limitDatabase!.ConnectionString)
            : await SqliteCommitsAsync();
        var spread = settings.Runs("spread") || settings.Runs("open") ? await EngineCellAsync(postgres, Workload.Spread, n, null) : null;
        if (spread is not null)
        {
            Add("message create, 100 conversations", store, spread, http, bare);
        }

        if (!postgres && settings.Runs("wide"))
        {
            var wide = settings.Wide;
            var spreadWide = await EngineCellAsync(postgres, Workload.Spread, wide, null);
            var httpWide = await LimitCellAsync(httpName, limits, wide, null, (client, _, sequence) => PostAsync(client, httpPath, Body(sequence)));
            Add("message create, 100 conversations", store, spreadWide, httpWide);
        }

        if (spread is not null && settings.Runs("open"))
        {
            var rate = settings.Rate ?? Math.Max(10, Math.Round(spread.Result.Rate / 2 / 10) * 10);
            var open = await EngineCellAsync(postgres, Workload.Spread, n, rate);
            var httpOpen = await LimitCellAsync(httpName, limits, n, rate, (client, _, sequence) => PostAsync(client, httpPath, Body(sequence)));
            Add("message create, 100 conversations", store, open, httpOpen);
        }

        if (settings.Runs("hot"))
        {
            Add("message create, 1 hot conversation", store, await EngineCellAsync(postgres, Workload.Hot, n, null), http, bare);
        }

        if (settings.Runs("create"))
        {
            Add("conversation create", store, await EngineCellAsync(postgres, Workload.Create, n, null), http);
        }

        if (settings.Runs("read"))
        {
            var read = await EngineCellAsync(postgres, Workload.Read, n, null);

            // The honest ceiling for a page: Kestrel sending the same bytes from memory.
            using (var client = Client(limits.BaseAddress, 1))
            using (var page = new ByteArrayContent(lastPage ?? []))
            {
                (await client.PutAsync(new Uri("/page", UriKind.Relative), page)).EnsureSuccessStatusCode();
            }

            var samePage = await LimitCellAsync(Invariant($"(f) Kestrel GET the same page ({lastPage?.Length ?? 0} B) from memory"), limits, n, null, (client, _, _) => GetAsync(client, "/page"));
            Add("read a page of 50 messages", store, read, samePage, kestrel);
        }
    }


    private sealed record Limit(string Name, CellResult Result);

    private sealed record Engine(CellResult Result, string? Check, bool Failed);

    private sealed record Row(string Workload, string Store, Engine Engine, Limit Limit, bool Continued);

    private void Add(string workload, string store, Engine engine, params Limit[] limits)
    {
        for (var i = 0; i < limits.Length; i++)
        {
            rows.Add(new Row(workload, store, engine, limits[i], Continued: i > 0));
        }

        if (engine.Check is not null)
        {
            notes.Add($"{workload}, {store}, {engine.Result.Mode}: {engine.Check}");
        }
    }

    private static string StoreName(bool postgres) => postgres ? "PostgreSQL" : "SQLite";

    private async Task<Engine> EngineCellAsync(bool postgres, Workload workload, int connections, double? rate)
    {
        var store = StoreName(postgres);
        var database = postgres ? await BenchDatabase.CreateAsync(settings.Postgres!, "engine") : null;
        var data = Directory.CreateDirectory(Path.Combine(scratch, Invariant($"engine-{Guid.NewGuid():N}"))).FullName;
        var url = new Uri(Invariant($"http://127.0.0.1:{ChildProcess.FreePort()}"));
        var args = BenchArguments.EngineProcess(url, data, Account, Token, database?.ConnectionString);

        Console.Write(Invariant($"engine  {store,-10} {workload,-6} {(rate is null ? $"closed {connections}" : $"open {rate:F0}/s"),-12} "));
        try
        {
            await using var engine = await ChildProcess.StartAsync(settings.ApiDll, args, url, Path.Combine(data, "engine.log"));
            using var client = Client(url, connections);
            string? check = null;
            var failed = false;
            CellResult result;
            switch (workload)
            {
                case Workload.Spread:
                {
                    var sids = await CreateConversationsAsync(client, Conversations);
                    result = await LoadAsync(connections, rate, (_, sequence) =>
                        PostAsync(client, $"/v1/Conversations/{sids[(int)(sequence % sids.Length)]}/Messages", Body(sequence)));
                    break;
                }

                case Workload.Hot:
                {
                    var sid = (await CreateConversationsAsync(client, 1))[0];
                    long accepted = 0;
                    result = await LoadAsync(connections, rate, async (_, sequence) =>
                    {
                        var ok = await PostAsync(client, $"/v1/Conversations/{sid}/Messages", Body(sequence));
                        if (ok)
                        {
                            Interlocked.Increment(ref accepted);
                        }

                        return ok;
                    });
                    (check, failed) = await CheckIndexesAsync(client, sid, accepted);
                    break;
                }

                case Workload.Create:
                    result = await LoadAsync(connections, rate, (_, sequence) =>
                        PostAsync(client, "/v1/Conversations", new Dictionary<string, string> { ["FriendlyName"] = "bench " + sequence.ToString(CultureInfo.InvariantCulture) }));
                    break;

                default:
                {
                    var sids = await CreateConversationsAsync(client, 10);
                    await Parallel.ForEachAsync(Enumerable.Range(0, sids.Length * 50), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                    {
                        if (!await PostAsync(client, $"/v1/Conversations/{sids[i % sids.Length]}/Messages", Body(i)))
                        {
                            throw new InvalidOperationException("Could not fill the conversations to read.");
                        }
                    });
                    var page = await ReadPageAsync(client, $"/v1/Conversations/{sids[0]}/Messages?PageSize=50");
                    lastPage = await client.GetByteArrayAsync(new Uri($"/v1/Conversations/{sids[0]}/Messages?PageSize=50", UriKind.Relative));
                    if (page.Indexes.Count != 50)
                    {
                        (check, failed) = ($"a page held {page.Indexes.Count} messages, not 50", true);
                    }

                    result = await LoadAsync(connections, rate, (_, sequence) =>
                        GetAsync(client, $"/v1/Conversations/{sids[(int)(sequence % sids.Length)]}/Messages?PageSize=50"));
                    break;
                }
            }

            Console.WriteLine(Describe(result) + (check is null ? "" : "; " + check));
            if (result.Errors > 0)
            {
                Console.WriteLine($"  engine log tail ({engine.LogPath}):{Environment.NewLine}{ChildProcess.Tail(engine.LogPath)}");
            }

            return new Engine(result, check, failed || result.Errors > 0);
        }
        finally
        {
            if (database is not null)
            {
                await BenchDatabase.DropAsync(settings.Postgres!, database.Name);
            }
        }
    }

    private async Task<Limit> LimitCellAsync(string name, ChildProcess server, int connections, double? rate, Func<HttpClient, int, long, Task<bool>> request)
    {
        Console.Write(Invariant($"limit   {name,-48} {(rate is null ? $"closed {connections}" : $"open {rate:F0}/s"),-12} "));
        using var client = Client(server.BaseAddress, connections);
        var result = await LoadAsync(connections, rate, (worker, sequence) => request(client, worker, sequence));
        Console.WriteLine(Describe(result));
        return new Limit(name, result);
    }

    /// <summary>(c) pgbench's way: 16 clients, each on its own connection, one INSERT commit after another, no HTTP.</summary>
    private async Task<Limit> PostgresCommitsAsync(string connectionString)
    {
        const string Name = "(c) 16 Npgsql clients, INSERT commits, no HTTP";
        var n = settings.Connections;
        Console.Write(Invariant($"limit   {Name,-48} {$"closed {n}",-12} "));
        await using var source = LimitServer.OpenPostgres(connectionString, n);
        var connections = new NpgsqlConnection[n];
        for (var i = 0; i < n; i++)
        {
            connections[i] = await source.OpenConnectionAsync();
        }

        try
        {
            var result = await LoadGenerator.ClosedAsync(n, settings.Warmup, settings.Duration, async (worker, sequence) =>
            {
                await using var insert = new NpgsqlCommand(LimitServer.InsertSql, connections[worker]);
                LimitServer.AddRow(insert, sequence, "bench", Text(sequence));
                return await insert.ExecuteNonQueryAsync() == 1;
            });
            Console.WriteLine(Describe(result));
            return new Limit(Name, result);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>(d) One writer committing one row at a time, on a file set up as the engine sets up its own.</summary>
    private async Task<Limit> SqliteCommitsAsync()
    {
        const string Name = "(d) SQLite INSERT commits, 1 writer, no HTTP";
        Console.Write(Invariant($"limit   {Name,-48} {"closed 1",-12} "));
        var connectionString = SqliteSchema.BuildConnectionString(Path.Combine(scratch, Invariant($"limit-bare-{Guid.NewGuid():N}.db")));
        await CreateSqliteTableAsync(connectionString);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var result = await LoadGenerator.ClosedAsync(1, settings.Warmup, settings.Duration, async (_, sequence) =>
        {
            await using var insert = LimitServer.SqliteInsert(connection, sequence, "bench", Text(sequence));
            return await insert.ExecuteNonQueryAsync() == 1;
        });
        Console.WriteLine(Describe(result));
        return new Limit(Name, result);
    }

    private Task<CellResult> LoadAsync(int connections, double? rate, Operation operation) =>
        rate is { } r
            ? LoadGenerator.OpenAsync(connections, r, settings.Warmup, settings.Duration, operation)
            : LoadGenerator.ClosedAsync(connections, settings.Warmup, settings.Duration, operation);

    private static async Task<string[]> CreateConversationsAsync(HttpClient client, int count)
    {
        var sids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
        {
            using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["FriendlyName"] = "bench" });
            using var answer = await client.PostAsync(new Uri("/v1/Conversations", UriKind.Relative), content, cancellationToken);
            answer.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken));
            sids[i] = json.RootElement.GetProperty("sid").GetString()!;
        });
        return sids;
    }

    /// <summary>
    /// Every message of the hot conversation, page by page: the indexes must be 0..n-1 with no gap
    /// or repeat, and n the number of creates the engine accepted.
    /// </summary>
    private static async Task<(string Check, bool Failed)> CheckIndexesAsync(HttpClient client, string sid, long accepted)
    {
        var indexes = new List<long>();
        string? next = $"/v1/Conversations/{sid}/Messages?PageSize=100";
        while (next is not null)
        {
            var page = await ReadPageAsync(client, next);
            indexes.AddRange(page.Indexes);
            next = page.Next;
        }

        indexes.Sort();
        var distinct = indexes.Distinct().Count();
        var contiguous = indexes.Count > 0 && indexes[0] == 0 && indexes[^1] == indexes.Count - 1 && distinct == indexes.Count;
        var ok = contiguous && indexes.Count == accepted;
        return (Invariant(
            $"index check {(ok ? "OK" : "FAILED")}: {indexes.Count} messages read back, {accepted} creates answered 2xx, {indexes.Count - distinct} duplicate indexes, indexes {(contiguous ? $"0..{indexes.Count - 1} without gaps" : "NOT contiguous")}"), !ok);
    }

    private static async Task<(List<long> Indexes, string? Next)> ReadPageAsync(HttpClient client, string pathAndQuery)
    {
        using var answer = await client.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        answer.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        var indexes = json.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("index").GetInt64()).ToList();
        var next = json.RootElement.GetProperty("meta").GetProperty("next_page_url").GetString();
        return (indexes, next is null ? null : new Uri(next).PathAndQuery);
    }

    private static async Task<bool> PostAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> form)
    {
        using var content = new FormUrlEncodedContent(form);
        // PostAsync reads the whole answer, so the engine and the limit pay for their bodies alike.
        using var answer = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        return answer.IsSuccessStatusCode;
    }

    private static async Task<bool> GetAsync(HttpClient client, string pathAndQuery)
    {
        using var answer = await client.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        return answer.IsSuccessStatusCode;
    }

    private static Dictionary<string, string> Body(long sequence) => new()
    {
        ["Author"] = "agent-7",
        ["Body"] = Text(sequence),
    };

    private static string Text(long sequence) =>
        "Your order #" + sequence.ToString(CultureInfo.InvariantCulture) + " has shipped and arrives on Tuesday between 9 and 11.";

    /// <summary>One pooled client per cell, at most <paramref name="connections"/> connections, HTTP Basic as the account.</summary>
    internal static HttpClient Client(Uri baseAddress, int connections, string account = Account, string token = Token, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
        };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(account + ":" + token)));
        return client;
    }

    private static async Task CreatePostgresTableAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand(LimitServer.CreateTableSql(postgres: true), connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>The engine's own file set-up (WAL, its connection string), plus the one table.</summary>
    private static async Task CreateSqliteTableAsync(string connectionString)
    {
        await SqliteSchema.EnsureCreatedAsync(connectionString);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var create = connection.CreateCommand();
        create.CommandText = LimitServer.CreateTableSql(postgres: false);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>The machine line every results file opens with (cores, OS, dotnet, commit, load average).</summary>
    internal static async Task<string> MachineAsync()
    {
        var dotnet = await OutputOfAsync("dotnet", "--version");
        var commit = await OutputOfAsync("git", "-C", Settings.RepositoryRoot, "rev-parse", "--short", "HEAD");
        return Invariant(
            $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, dotnet {dotnet}, engine commit {commit}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start {await LoadAsync()}");
    }

    /// <summary>The load average over 1, 5 and 15 minutes, from /proc/loadavg.</summary>
    internal static async Task<string> LoadAsync()
    {
        try
        {
            var text = await File.ReadAllTextAsync("/proc/loadavg");
            return string.Join(' ', text.Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static async Task<string> OutputOfAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }

    private static string Describe(CellResult r) => Invariant(
        $"{r.Rate,8:F0}/s  p50 {r.P50,7:F2} ms  p99 {r.P99,8:F2} ms  n {r.Count}  non-2xx {r.Errors}{(r.Open ? $"  late {r.Behind}" : "")}");

    private string Report(string machine, string loadAtEnd)
    {
        var text = new StringBuilder();
        text.AppendLine("# ConversationEngine against this machine's limits").AppendLine();
        text.AppendLine(machine + "; at end " + loadAtEnd + ".").AppendLine();
        text.AppendLine(Invariant($"Each cell: {settings.Warmup.TotalSeconds:F0} s warm-up, then {settings.Duration.TotalSeconds:F0} s measured. Closed loop: N connections, each sending when answered. 'non-2xx' counts answers outside 2xx and requests that got none, warm-up included. Open loop: a fixed arrival rate over {settings.Connections} connections, latency from the scheduled send time; 'late' counts requests that left more than {LoadGenerator.Late.TotalMilliseconds:F0} ms behind schedule. Ratio: engine rate / limit rate (closed), limit p99 / engine p99 (open, at the same rate). A load average above the core count means other work shared the machine: compare the rows of one run, not runs."));
        text.AppendLine();
        text.AppendLine("| workload | store | mode | engine rate/s | engine p50 / p99 ms | non-2xx (late) | limit | limit rate/s | limit p50 / p99 ms | ratio |");
        text.AppendLine("|---|---|---|---:|---:|---:|---|---:|---:|---:|");
        foreach (var row in rows)
        {
            var e = row.Engine.Result;
            var l = row.Limit.Result;
            var ratio = e.Open ? Invariant($"p99 {l.P99 / e.P99:F2}") : Invariant($"{e.Rate / l.Rate:F2}");
            var engine = row.Continued
                ? "| ″ | ″ | ″ | ″ | ″ | ″ "
                : Invariant($"| {row.Workload}{(row.Engine.Failed ? " **(errors)**" : "")} | {row.Store} | {e.Mode} | {e.Rate:F0} | {e.P50:F1} / {e.P99:F1} | {e.Errors}{(e.Open ? $" ({e.Behind})" : "")} ");
            text.AppendLine(engine + Invariant($"| {row.Limit.Name}{(l.Errors > 0 ? $" **({l.Errors} non-2xx)**" : "")} | {l.Rate:F0} | {l.P50:F1} / {l.P99:F1}{(l.Open ? $" ({l.Behind} late)" : "")} | {ratio} |"));
        }

        text.AppendLine();
        foreach (var note in notes)
        {
            text.AppendLine("- " + note);
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>The repository's root (where ConversationEngine.sln is).</summary>
    internal static string RepositoryRoot => Settings.RepositoryRoot;

    private sealed record Settings(TimeSpan Warmup, TimeSpan Duration, int Connections, int Wide, double? Rate, string? Postgres, string ApiDll, string Output, bool Keep, bool Sqlite, string[]? Only)
    {
        /// <summary>Whether the workload is measured (all unless --only names some).</summary>
        public bool Runs(string workload) => Only is null || Only.Contains(workload);

        public static string RepositoryRoot { get; } = FindRoot();

        public static Settings Parse(string[] args)
        {
            var arguments = new BenchArguments(args);
            double Number(string name, double fallback) => arguments.Number(name, fallback);
            string? Value(string name) => arguments.Value(name);
            return new Settings(
                TimeSpan.FromSeconds(Number("--warmup", 5)),
                TimeSpan.FromSeconds(Number("--duration", 10)),
                (int)Number("--connections", 16),
                (int)Number("--wide", 64),
                Value("--rate") is { } rate ? double.Parse(rate, CultureInfo.InvariantCulture) : null,
                arguments.Postgres,
                arguments.ApiDll,
                arguments.Output("limits"),
                args.Contains("--keep"),
                !args.Contains("--no-sqlite"),
                Value("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        private static string FindRoot()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "ConversationEngine.sln")))
                {
                    return folder.FullName;
                }
            }

            return Directory.GetCurrentDirectory();
        }
    }
}
