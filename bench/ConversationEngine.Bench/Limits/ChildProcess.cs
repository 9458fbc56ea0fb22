using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ConversationEngine.Bench.Limits;

/// <summary>
/// A server under test in a process of its own (the engine's front end, or the limit server),
/// its output kept in a log file, killed by its own id when the cell is over.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly TextWriter log;

    private ChildProcess(Process process, TextWriter log, string logPath, Uri baseAddress)
    {
        this.process = process;
        this.log = log;
        LogPath = logPath;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string LogPath { get; }

    /// <summary>The process id (the engine itself: <c>dotnet dll</c> runs the app in the host's process).</summary>
    public int Id => process.Id;

    /// <summary>Starts <c>dotnet dll args</c> in the dll's folder (where its appsettings.json is) and waits for <c>/healthz</c>.</summary>
    public static async Task<ChildProcess> StartAsync(string dll, IEnumerable<string> args, Uri baseAddress, string logPath)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var log = TextWriter.Synchronized(new StreamWriter(logPath) { AutoFlush = true });
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => log.WriteLine(e.Data);
        process.ErrorDataReceived += (_, e) => log.WriteLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(process, log, logPath, baseAddress);

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited)
            {
                break;
            }

            try
            {
                using var answer = await probe.GetAsync(new Uri(baseAddress, "/healthz"));
                if (answer.IsSuccessStatusCode)
                {
                    return child;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        await child.DisposeAsync();
        throw new InvalidOperationException($"{Path.GetFileName(dll)} did not answer /healthz; its output is in {logPath}:{Environment.NewLine}{Tail(logPath)}");
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: no shutdown of any kind.</summary>
    public void Kill() => process.Kill(entireProcessTree: false);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Tail(string path)
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(path).TakeLast(30));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        await log.DisposeAsync();
    }
}
