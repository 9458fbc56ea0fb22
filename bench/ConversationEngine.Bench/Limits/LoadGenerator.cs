using System.Diagnostics;

namespace ConversationEngine.Bench.Limits;

/// <summary>One request (or one database commit): true when it succeeded (2xx for HTTP).</summary>
internal delegate Task<bool> Operation(int worker, long sequence);

/// <summary>What one cell measured. Latencies in milliseconds.</summary>
internal sealed record CellResult(string Mode, double Rate, double P50, double P99, long Count, long Errors, long Behind)
{
    public bool Open => Mode.StartsWith("open", StringComparison.Ordinal);
}

/// <summary>
/// Closed- and open-loop load in the style of wrk and wrk2, for whatever <see cref="Operation"/>
/// it is given (an HTTP request or a bare database commit), so engine and limit are driven alike.
/// </summary>
internal static class LoadGenerator
{
    /// <summary>A request is behind schedule when it leaves this much later than planned.</summary>
    public static readonly TimeSpan Late = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Closed loop: each worker sends its next request when the previous one answered. Only
    /// requests sent after the warm-up and answered before the end are timed; errors are
    /// counted over the whole cell, warm-up included.
    /// </summary>
    public static async Task<CellResult> ClosedAsync(int workers, TimeSpan warmup, TimeSpan duration, Operation operation)
    {
        long sequence = -1;
        long errors = 0;
        var measureFrom = Stopwatch.GetTimestamp() + Ticks(warmup);
        var end = measureFrom + Ticks(duration);
        var samples = new List<double>[workers];
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = samples[w] = new List<double>(4096);
            while (true)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= end)
                {
                    return;
                }

                var ok = await InvokeAsync(operation, w, Interlocked.Increment(ref sequence));
                var done = Stopwatch.GetTimestamp();
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }

                if (sent >= measureFrom && done <= end)
                {
                    mine.Add(Milliseconds(done - sent));
                }
            }
        })));

        var sorted = Merge(samples);
        return new CellResult($"closed {workers}", sorted.Length / duration.TotalSeconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length, errors, 0);
    }

    /// <summary>
    /// Open loop at a fixed arrival rate, wrk2's way: request i is due at start + i / rate and
    /// goes out on worker i mod <paramref name="workers"/> when due, or as soon as that worker is
    /// free. Latency runs from the due time, so a stall shows in every request it delayed instead of
    /// in one (coordinated omission). Requests due during the warm-up are not timed.
    /// </summary>
    public static async Task<CellResult> OpenAsync(int workers, double rate, TimeSpan warmup, TimeSpan duration, Operation operation)
    {
        long errors = 0;
        long behind = 0;
        long lastDone = 0;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + Ticks(warmup);
        var end = measureFrom + Ticks(duration);
        var interval = Stopwatch.Frequency / rate;
        var late = Ticks(Late);
        var samples = new List<double>[workers];
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = samples[w] = new List<double>(4096);
            for (long i = w; ; i += workers)
            {
                var due = start + (long)(i * interval);
                if (due >= end)
                {
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                if (now < due)
                {
                    await Task.Delay(TimeSpan.FromTicks((due - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
                }
                else if (now - due > late && due >= measureFrom)
                {
                    Interlocked.Increment(ref behind);
                }

                var ok = await InvokeAsync(operation, w, i);
                var done = Stopwatch.GetTimestamp();
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }

                if (due >= measureFrom)
                {
                    mine.Add(Milliseconds(done - due));
                    InterlockedMax(ref lastDone, done);
                }
            }
        })));

        var sorted = Merge(samples);
        // Achieved: what was due in the measured window over the time it took to answer it all.
        var span = Math.Max(Milliseconds(lastDone - measureFrom), duration.TotalMilliseconds) / 1000;
        return new CellResult(FormattableString.Invariant($"open {rate:F0}/s"), sorted.Length / span, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length, errors, behind);
    }

    private static async Task<bool> InvokeAsync(Operation operation, int worker, long sequence)
    {
        try
        {
            return await operation(worker, sequence);
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            // HttpClient's timeout.
            return false;
        }
        catch (System.Data.Common.DbException)
        {
            return false;
        }
    }

    private static double[] Merge(List<double>[] samples)
    {
        var all = samples.SelectMany(s => s).ToArray();
        Array.Sort(all);
        return all;
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];

    internal static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    internal static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    internal static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
