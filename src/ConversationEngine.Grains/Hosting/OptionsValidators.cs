using System.Globalization;
using System.Net;
using ConversationEngine.Conversations;
using ConversationEngine.Delivery;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Grains.Hosting;

/// <summary>Rules of the <c>Storage</c> section that span fields.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.IsPostgres && string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail("Storage:ConnectionString is required when Storage:Provider is PostgreSql")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>Rules of the <c>Orleans</c> section that data annotations cannot state.</summary>
public sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.AdvertisedIPAddress is { } advertised && !IPAddress.TryParse(advertised, out _))
        {
            failures.Add($"Orleans:AdvertisedIPAddress '{advertised}' is not an IP address");
        }

        if (options.ListenAddress is { } listen && !IPAddress.TryParse(listen, out _))
        {
            failures.Add($"Orleans:ListenAddress '{listen}' is not an IP address");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Rules of the <c>Orleans:Tls</c> section, the certificate itself included: a missing file, a
/// wrong password, no private key or an expired certificate stops the host at start.
/// </summary>
public sealed class ClusterTlsOptionsValidator(TimeProvider time) : IValidateOptions<ClusterTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        for (var i = 0; i < options.TrustedFingerprints.Count; i++)
        {
            var fingerprint = ClusterCertificate.Normalize(options.TrustedFingerprints[i]);
            if (fingerprint.Length != 64 || !fingerprint.All(char.IsAsciiHexDigit))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{ClusterTlsOptions.Section}:TrustedFingerprints:{i} is not a SHA-256 fingerprint (64 hex digits)"));
            }
        }

        if (!string.IsNullOrEmpty(options.CertificatePassword) && !string.IsNullOrEmpty(options.CertificatePasswordFile))
        {
            failures.Add($"{ClusterTlsOptions.Section}: set CertificatePassword or CertificatePasswordFile, not both");
        }
        else if (options.FromFile && options.FromStore)
        {
            failures.Add($"{ClusterTlsOptions.Section}: name the certificate by CertificatePath (a PFX file) or by Thumbprint/Subject (the certificate store), not both");
        }
        else if (!string.IsNullOrWhiteSpace(options.Thumbprint) && !string.IsNullOrWhiteSpace(options.Subject))
        {
            failures.Add($"{ClusterTlsOptions.Section}: set Thumbprint or Subject, not both");
        }
        else if (options.IsEnabled)
        {
            var (certificate, problem) = ClusterCertificate.Load(options, time.GetUtcNow());
            certificate?.Dispose();
            if (problem is not null)
            {
                failures.Add(problem);
            }
        }
        else if (options.TrustedFingerprints.Count > 0 || !string.IsNullOrEmpty(options.CertificatePassword) || !string.IsNullOrEmpty(options.CertificatePasswordFile))
        {
            // Meant to be on, yet no certificate named: refused rather than run without TLS.
            failures.Add($"{ClusterTlsOptions.Section}: trusted fingerprints or a password without a certificate (set CertificatePath, Thumbprint or Subject)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Rules of the <c>Lifecycle</c> section.</summary>
public sealed class LifecycleOptionsValidator : IValidateOptions<LifecycleOptions>
{
    public ValidateOptionsResult Validate(string? name, LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ReminderPeriod <= TimeSpan.Zero)
        {
            failures.Add("Lifecycle:ReminderPeriod must be positive");
        }

        if (options.TestingOnlyMinimumTimer is { } minimum && minimum <= TimeSpan.Zero)
        {
            failures.Add("Lifecycle:TestingOnlyMinimumTimer must be positive when set");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Rules of the <c>Delivery</c> section.</summary>
public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RetryPeriod <= TimeSpan.Zero)
        {
            failures.Add("Delivery:RetryPeriod must be positive");
        }

        if (options.ValidityPeriodSeconds is < 1 or > 36000)
        {
            failures.Add("Delivery:ValidityPeriodSeconds must be between 1 and 36000");
        }

        if (options.SenderId is not null && !Rules.SenderSelection.IsAlphanumericId(options.SenderId))
        {
            failures.Add("Delivery:SenderId must be an alphanumeric sender ID (up to 11 characters, not all digits)");
        }

        var mps = options.Mps;
        if (!new[] { mps.LongCode, mps.InternationalLongCode, mps.TollFree, mps.ShortCode, mps.Alpha, mps.WhatsApp }.All(r => r > 0))
        {
            failures.Add("Delivery:Mps rates must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
