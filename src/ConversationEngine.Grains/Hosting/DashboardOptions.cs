using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// The <c>Dashboard</c> configuration section: the Orleans Dashboard (silos, activations, grain
/// calls, reminders) on every host that has an HTTP port, for the account's operators only.
/// </summary>
public sealed class EngineDashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>On by default (behind the account's credentials); <c>false</c> maps nothing and collects nothing.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where it is served.</summary>
    [Required]
    [RegularExpression("^/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$", ErrorMessage = "Dashboard:Path must be an absolute path such as /dashboard (letters, digits, . _ ~ -), not /")]
    public string Path { get; set; } = "/dashboard";

    /// <summary>
    /// A port of its own: the dashboard then answers only there (a listener on
    /// <see cref="Address"/>), and nowhere else. Unset: on the host's own port.
    /// </summary>
    [Range(1, 65535, ErrorMessage = "Dashboard:Port must be between 1 and 65535")]
    public int? Port { get; set; }

    /// <summary>The address the dashboard's own port is bound to: loopback unless told otherwise.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>
    /// The live log stream. Off by default: logs carry phone numbers and message metadata, and
    /// the engine's metrics and logs pipeline is the place for them.
    /// </summary>
    public bool Trace { get; set; }

    /// <summary>
    /// Grain state inspection. Off by default: a grain's state holds contacts' addresses, message
    /// bodies and push credentials, which the dashboard would show verbatim.
    /// </summary>
    public bool GrainState { get; set; }

    /// <summary>How often the dashboard samples counters (Orleans' minimum is one second).</summary>
    public TimeSpan CounterUpdateInterval { get; set; } = TimeSpan.FromSeconds(1);

    public static EngineDashboardOptions From(IConfiguration configuration)
    {
        Durations.EnableIso8601Binding();
        return configuration.GetSection(Section).Get<EngineDashboardOptions>() ?? new EngineDashboardOptions();
    }

    /// <summary>Orleans' own options for what it collects.</summary>
    public void Apply(DashboardOptions dashboard)
    {
        dashboard.HideTrace = !Trace;
        dashboard.CounterUpdateIntervalMs = (int)Math.Max(1000, CounterUpdateInterval.TotalMilliseconds);
    }
}

/// <summary>Refuses a bad <c>Dashboard</c> section at start.</summary>
public sealed class EngineDashboardOptionsValidator : IValidateOptions<EngineDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineDashboardOptions options)
    {
        var problems = new List<string>();
        if (!System.Net.IPAddress.TryParse(options.Address, out _))
        {
            problems.Add($"Dashboard:Address: '{options.Address}' is not an IP address");
        }

        if (options.CounterUpdateInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add("Dashboard:CounterUpdateInterval must be at least one second (00:00:01)");
        }

        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems);
    }
}

public static class EngineDashboardSiloExtensions
{
    /// <summary>
    /// A silo's part of the dashboard (its counters and grain-call profiling), so that any host of
    /// the cluster can show it; nothing when <c>Dashboard:Enabled</c> is false.
    /// </summary>
    public static ISiloBuilder AddEngineDashboard(this ISiloBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Services.AddEngineDashboardOptions(configuration).Enabled ? builder.AddDashboard(OrleansOptions(builder.Services)) : builder;
    }

    /// <summary>Whether this host registered the dashboard's services (so a front end may map its routes).</summary>
    public static bool HasEngineDashboard(this IServiceProvider services) =>
        services.GetService<EngineDashboardRegistration>() is not null;

    /// <summary>A client-mode front end shows the cluster's dashboard through its gateways.</summary>
    public static IClientBuilder AddEngineDashboard(this IClientBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Services.AddEngineDashboardOptions(configuration).Enabled ? builder.AddDashboard(OrleansOptions(builder.Services)) : builder;
    }

    /// <summary>The section, validated at start; returns it as configured now (for what to register).</summary>
    public static EngineDashboardOptions AddEngineDashboardOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<EngineDashboardOptions>(configuration.GetSection(EngineDashboardOptions.Section))
            .ValidateWith<EngineDashboardOptions, EngineDashboardOptionsValidator>();
        return EngineDashboardOptions.From(configuration);
    }

    /// <summary>Orleans' options follow the validated section (no configure delegate of its own).</summary>
    private static Action<DashboardOptions> OrleansOptions(IServiceCollection services)
    {
        services.TryAddSingleton<EngineDashboardRegistration>();
        services.AddOptions<DashboardOptions>().Configure<IOptions<EngineDashboardOptions>>((dashboard, engine) => engine.Value.Apply(dashboard));
        return _ => { };
    }
}

/// <summary>Registered with the dashboard's services: the front end maps its routes only then.</summary>
public sealed class EngineDashboardRegistration;
