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
