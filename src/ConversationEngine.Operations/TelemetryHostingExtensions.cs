using System.Diagnostics.Metrics;
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ConversationEngine.Operations;

/// <summary>
/// OpenTelemetry for a host of the engine: metrics always (the engine's meter, Orleans',
/// ASP.NET Core's, HttpClient's, the runtime's, Npgsql's), served on <c>/metrics</c> for
/// Prometheus unless turned off; traces and metrics exported by OTLP when a collector is named.
/// </summary>
public static class TelemetryHostingExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>Orleans' meter and the activity sources of grain calls (its own and the application's).</summary>
    private static readonly string[] OrleansMeters = ["Microsoft.Orleans"];
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <param name="serviceName">The resource's <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> names one.</param>
    public static WebApplicationBuilder AddEngineTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(TelemetryOptions.Section);
        var options = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddValidatedOptions<TelemetryOptions>(section).ValidateWith<TelemetryOptions, TelemetryOptionsValidator>();
        builder.Services.TryAddSingleton<EngineMetrics>();

        // The OTLP exporter reads OpenTelemetry's variables from configuration; the engine's keys
        // are passed on as those, so paths (/v1/traces…) are added as the protocol wants them.
        // Settings the validator refuses export nothing: start-up stops on them, naming the key.
        var valid = new TelemetryOptionsValidator().Validate(null, options).Succeeded;
        var exported = new Dictionary<string, string?>();
        if (valid && !string.IsNullOrWhiteSpace(options.Otlp.Endpoint))
        {
            exported[TelemetryOptions.OtlpEndpointVariable] = options.Otlp.Endpoint;
        }

        if (valid && !string.IsNullOrWhiteSpace(options.Otlp.Protocol))
        {
            exported["OTEL_EXPORTER_OTLP_PROTOCOL"] = options.Otlp.Protocol;
        }

        if (exported.Count > 0)
        {
            builder.Configuration.AddInMemoryCollection(exported);
        }

        var otlp = valid && TelemetryOptions.Tracing(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName))
            .WithMetrics(metrics =>
            {
                // Made with the provider, so the engine's series are there before a grain needs them.
                metrics.AddInstrumentation(services => services.GetRequiredService<EngineMetrics>())
                    .AddMeter(EngineMetrics.MeterName)
                    .AddMeter(OrleansMeters)
                    .AddNpgsqlInstrumentation()
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, provider) => provider.AddView(OwnMetersOnly(services.GetRequiredService<IMeterFactory>())));
                if (options.Metrics.Enabled)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(EngineMetrics.ActivitySourceName)
                .AddSource(OrleansSources)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>
    /// This host's meters and the process-wide ones, not another host's. A meter made by a host's
    /// <see cref="IMeterFactory"/> carries that factory as its scope, and OpenTelemetry matches
    /// meters by name across the process: with several hosts in one process (a test run, an
    /// embedding application) every host would export, and keep until its next collection, a
    /// series for each instrument of every other host, long after that host stopped.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OwnMetersOnly(IMeterFactory own) =>
        instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop;

    /// <summary>
    /// <c>GET /metrics</c>, Prometheus' text format, when <c>Telemetry:Metrics:Enabled</c>: behind
    /// the host's authentication (its fallback policy) unless <c>Telemetry:Metrics:AllowAnonymous</c>.
    /// </summary>
    /// <param name="secure">What a protected scrape requires besides the fallback policy (the front end: account credentials, not an agent's token).</param>
    public static IEndpointRouteBuilder MapEngineMetrics(this IEndpointRouteBuilder endpoints, Action<IEndpointConventionBuilder>? secure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value;
        if (!options.Metrics.Enabled)
        {
            return endpoints;
        }

        var scrape = endpoints.MapPrometheusScrapingEndpoint(MetricsPath).ExcludeFromDescription();
        if (options.Metrics.AllowAnonymous)
        {
            scrape.AllowAnonymous();
        }
        else
        {
            secure?.Invoke(scrape);
        }

        return endpoints;
    }

    /// <summary>Health probes and scrapes every few seconds would drown the traces that matter.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments(MetricsPath);
}
