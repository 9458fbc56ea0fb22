using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ConversationEngine.Bench.Limits;
using static System.FormattableString;

namespace ConversationEngine.Bench.Media;

/// <summary>
/// Media on the message path, on one engine process per store (the Release front end; SQLite with
/// the directory store, and PostgreSQL with the database store when --postgres or
/// ENGINE_BENCH_POSTGRES is given), closed loop at --connections: the baseline is a text message
/// create into 100 conversations; then uploads of --size bytes, a message create carrying one
/// freshly uploaded item (upload + send, as an agent's console does it), and reads of an item
/// through its signed URL. Rates are reported as ratios to the same run's text creates; bytes per
/// second beside them. A markdown table, printed and written to bench/results/media-&lt;date&gt;.md.
/// </summary>
internal sealed class MediaRun
{
    private const string Account = "AC3ed1a0000c0ffee3ed1a0000c0ffee3e";
    private const string AuthToken = "3ed1a0000c0ffee3ed1a0000c0ffee3ed";
    private const int Conversations = 100;

    private readonly BenchArguments arguments;
    private readonly string scratch = Directory.CreateTempSubdirectory("engine-media-").FullName;
    private readonly List<string> rows = [];
    private readonly TimeSpan warmup;
    private readonly TimeSpan duration;
    private readonly int connections;
    private readonly int size;

    private MediaRun(BenchArguments arguments)
    {
        this.arguments = arguments;
        warmup = TimeSpan.FromSeconds(arguments.Number("--warmup", 3));
        duration = TimeSpan.FromSeconds(arguments.Number("--duration", 10));
        connections = (int)arguments.Number("--connections", 16);
        size = (int)arguments.Number("--size", 100_000);
    }

    public static async Task RunAsync(string[] args)
    {
        var run = new MediaRun(new BenchArguments(args));
        await BenchArguments.RunAsync(run.arguments.ApiDll, run.arguments.Has("--keep"), run.scratch, run.MeasureAsync);
    }

    private async Task MeasureAsync()
    {
        await MeasureStoreAsync("SQLite, directory store", postgres: null);
        if (arguments.Postgres is { } postgres && !arguments.Has("--no-postgres"))
        {
            var database = await BenchDatabase.CreateAsync(postgres, "media");
            try
            {
                await MeasureStoreAsync("PostgreSQL, database store", database.ConnectionString);
            }
            finally
            {
                await BenchDatabase.DropAsync(postgres, database.Name);
            }
        }

        var table = new StringBuilder()
            .AppendLine(Invariant($"# Media on the message path ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)"))
            .AppendLine()
            .AppendLine(Invariant($"{Environment.ProcessorCount} cores; closed loop, {connections} connections, {warmup.TotalSeconds:0} s warm-up, {duration.TotalSeconds:0} s measured; items of {size} bytes."))
            .AppendLine()
            .AppendLine("| store | workload | ops/s | × text create | MB/s | p50 ms | p99 ms | errors |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
        rows.ForEach(r => table.AppendLine(r));
        var text = table.ToString();
        Console.WriteLine(text);
        var output = arguments.Output("media");
        await File.WriteAllTextAsync(output, text);
        Console.WriteLine($"written to {output}");
    }

    private async Task MeasureStoreAsync(string store, string? postgres)
    {
        var url = new Uri(Invariant($"http://127.0.0.1:{ChildProcess.FreePort()}/"));
        var data = Directory.CreateDirectory(Path.Combine(scratch, postgres is null ? "sqlite" : "postgres")).FullName;
        var args = BenchArguments.EngineProcess(url, data, Account, AuthToken, postgres);
        await using var engine = await ChildProcess.StartAsync(arguments.ApiDll, args, url, Path.Combine(data, "engine.log"));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections * 2 }) { BaseAddress = url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(Account + ":" + AuthToken)));

        var service = JsonDocument.Parse(await http.GetStringAsync("/v1/Configuration")).RootElement.GetProperty("default_chat_service_sid").GetString()!;
        var conversations = new string[Conversations];
        for (var i = 0; i < conversations.Length; i++)
        {
            using var created = await http.PostAsync("/v1/Conversations", new FormUrlEncodedContent([new("FriendlyName", "media bench")]));
            conversations[i] = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("sid").GetString()!;
        }

        var payload = new byte[size];
        new Random(size).NextBytes(payload);

        async Task<string?> UploadAsync()
        {
            using var content = new ByteArrayContent(payload);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var response = await http.PostAsync($"/v1/Services/{service}/Media", content);
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("sid").GetString() : null;
        }

        async Task<bool> SendAsync(long sequence, string? mediaSid)
        {
            var fields = new List<KeyValuePair<string, string>> { new("Author", "agent"), new("Body", "bench") };
            if (mediaSid is not null)
            {
                fields.Add(new("MediaSid", mediaSid));
            }

            using var response = await http.PostAsync($"/v1/Conversations/{conversations[sequence % Conversations]}/Messages", new FormUrlEncodedContent(fields));
            return response.IsSuccessStatusCode;
        }

        var text = await LoadGenerator.ClosedAsync(connections, warmup, duration, (_, sequence) => SendAsync(sequence, null));
        Add(store, "text message create (baseline)", text, text.Rate, bytesPerOperation: 0);

        var uploads = await LoadGenerator.ClosedAsync(connections, warmup, duration, async (_, _) => await UploadAsync() is not null);
        Add(store, "upload", uploads, text.Rate, size);

        var withMedia = await LoadGenerator.ClosedAsync(connections, warmup, duration, async (_, sequence) => await UploadAsync() is { } sid && await SendAsync(sequence, sid));
        Add(store, "upload + message create with it", withMedia, text.Rate, size);

        var sidToRead = await UploadAsync() ?? throw new InvalidOperationException("upload failed");
        var signed = JsonDocument.Parse(await http.GetStringAsync($"/v1/Services/{service}/Media/{sidToRead}")).RootElement.GetProperty("links").GetProperty("content_direct_temporary").GetString()!;
        using var anonymous = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections * 2 });
        var reads = await LoadGenerator.ClosedAsync(connections, warmup, duration, async (_, _) =>
        {
            using var response = await anonymous.GetAsync(signed);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            return response.IsSuccessStatusCode && bytes.Length == size;
        });
        Add(store, "read through the signed URL", reads, text.Rate, size);
    }

    private void Add(string store, string workload, CellResult cell, double baseline, int bytesPerOperation) =>
        rows.Add(Invariant($"| {store} | {workload} | {cell.Rate:F0} | {cell.Rate / baseline:F2} | {(bytesPerOperation == 0 ? "" : (cell.Rate * bytesPerOperation / 1_000_000).ToString("F1", CultureInfo.InvariantCulture))} | {cell.P50:F1} | {cell.P99:F1} | {cell.Errors} |"));
}
