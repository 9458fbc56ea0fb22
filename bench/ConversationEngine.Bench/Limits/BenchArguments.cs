using System.Globalization;

namespace ConversationEngine.Bench.Limits;

/// <summary>What the runs that start the front end as a process share: their arguments and their scratch directory.</summary>
internal sealed class BenchArguments(string[] args)
{
    public string? Value(string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    public double Number(string name, double fallback) =>
        Value(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public bool Has(string flag) => args.Contains(flag);

    /// <summary>--postgres, else ENGINE_BENCH_POSTGRES, unless --no-postgres.</summary>
    public string? Postgres =>
        Has("--no-postgres") || (Value("--postgres") ?? Environment.GetEnvironmentVariable("ENGINE_BENCH_POSTGRES")) is not { Length: > 0 } given ? null : given;

    /// <summary>--api, else the Release front end of this checkout.</summary>
    public string ApiDll => Path.GetFullPath(Value("--api") ?? Path.Combine(LimitsRun.RepositoryRoot, "src", "ConversationEngine.Api", "bin", "Release", "net10.0", "ConversationEngine.Api.dll"));

    /// <summary>--out, else bench/results/{name}-{date}.md.</summary>
    public string Output(string name) =>
        Path.GetFullPath(Value("--out") ?? Path.Combine(LimitsRun.RepositoryRoot, "bench", "results", string.Create(CultureInfo.InvariantCulture, $"{name}-{DateTime.UtcNow:yyyy-MM-dd-HHmm}.md")));

    /// <summary>
    /// The command line of a front end on <paramref name="url"/> with its own data directory, the
    /// bench's account, and PostgreSQL when <paramref name="postgres"/> is given.
    /// </summary>
    public static List<string> EngineProcess(Uri url, string dataDirectory, string accountSid, string authToken, string? postgres)
    {
        var args = new List<string>
        {
            "--Urls", url.ToString().TrimEnd('/'),
            "--Engine:DataDirectory", dataDirectory,
            "--Engine:AccountSid", accountSid,
            "--Engine:AuthToken", authToken,
            "--Engine:PublicBaseUrl", url.ToString().TrimEnd('/'),
            // Others on this machine run silos too: never the default ports.
            "--Orleans:SiloPort", ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        };
        if (postgres is not null)
        {
            args.AddRange(["--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", postgres]);
        }

        return args;
    }

    /// <summary>Runs <paramref name="measure"/> once the front end is built, then removes the scratch directory unless --keep.</summary>
    public static async Task RunAsync(string apiDll, bool keep, string scratch, Func<Task> measure)
    {
        try
        {
            if (!File.Exists(apiDll))
            {
                throw new InvalidOperationException($"No front end at {apiDll}: build it first (dotnet build -c Release ConversationEngine.sln) or pass --api <path to ConversationEngine.Api.dll>.");
            }

            await measure();
        }
        finally
        {
            if (keep)
            {
                Console.WriteLine($"logs and files kept in {scratch}");
            }
            else
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
