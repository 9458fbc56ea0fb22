using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Operations;

/// <summary>
/// Counts failed HTTP Basic attempts in fixed windows (.NET's rate limiting), partitioned by the
/// client address (IPv6 by its /64) and by the user name tried (Account SID or API key SID). Only
/// failures take a permit: a partition is checked with a zero-permit probe before the credentials
/// are, so correct callers never spend the budget. Once a partition is exhausted, every request in it
/// is refused with 429 until the window ends, correct credentials included — otherwise an attacker
/// would still learn which guess was right.
/// </summary>
public sealed class FailedAuthenticationLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;
    private readonly TimeSpan window;

    public FailedAuthenticationLimiter(IOptions<FailedAuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        window = settings.Window;
        limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.PermitLimit,
            Window = settings.Window,
            QueueLimit = 0,
            // The partitioned limiter replenishes its partitions itself.
            AutoReplenishment = false,
        }));
    }

    /// <summary>The partitions a request falls in: its client address, and the user name when one was sent.</summary>
    public static string[] Partitions(IPAddress? client, string? user)
    {
        var address = "ip:" + Normalize(client);
        return string.IsNullOrEmpty(user) ? [address] : [address, "user:" + user];
    }

    /// <summary>When any partition has no failures left: how long until it may try again.</summary>
    public TimeSpan? Refusal(IEnumerable<string> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        TimeSpan? longest = null;
        foreach (var partition in partitions)
        {
            using var probe = limiter.AttemptAcquire(partition, 0);
            if (!probe.IsAcquired)
            {
                var retryAfter = probe.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
                longest = longest is { } current && current > retryAfter ? current : retryAfter;
            }
        }

        return longest;
    }

    /// <summary>Spends one permit of each partition for a failed attempt.</summary>
    public void RecordFailure(IEnumerable<string> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        foreach (var partition in partitions)
        {
            // The lease is the permit: a failure is never handed back.
            limiter.AttemptAcquire(partition, 1).Dispose();
        }
    }

    public void Dispose() => limiter.Dispose();

    private static string Normalize(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // One host usually holds a whole /64: count it as one client.
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }
}

/// <summary>The <c>Security:FailedAuth</c> section: how many failed HTTP Basic attempts a client address or an account/key SID gets per window.</summary>
public sealed class FailedAuthOptions
{
    public const string Section = "Security:FailedAuth";

    /// <summary>Failed attempts allowed per partition (client address, user name tried) in one <see cref="Window"/>.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Security:FailedAuth:PermitLimit must be between 1 and 1000000")]
    public int PermitLimit { get; set; } = 10;

    /// <summary>The fixed window the failures are counted in; past the limit, requests get 429 until it ends.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class FailedAuthOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<FailedAuthOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, FailedAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Window <= TimeSpan.Zero || options.Window > TimeSpan.FromDays(1)
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail("Security:FailedAuth:Window must be positive and at most one day")
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}
