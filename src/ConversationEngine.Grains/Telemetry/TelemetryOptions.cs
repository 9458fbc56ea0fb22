using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Telemetry;

/// <summary>The <c>Telemetry</c> section: the Prometheus scrape endpoint and OTLP export, for every host.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>OpenTelemetry's own variable for the collector's address, honoured as well.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public MetricsEndpointOptions Metrics { get; set; } = new();

    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>The collector's address, from <c>Telemetry:Otlp:Endpoint</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; null: no OTLP export.</summary>
    public static string? OtlpEndpoint(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[$"{Section}:Otlp:Endpoint"];
        return !string.IsNullOrWhiteSpace(configured) ? configured
            : !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]) ? configuration[OtlpEndpointVariable]
            : null;
    }

    /// <summary>Whether traces are exported (and so worth carrying across grain calls).</summary>
    public static bool Tracing(IConfiguration configuration) => OtlpEndpoint(configuration) is not null;
}

public sealed class MetricsEndpointOptions
{
    /// <summary>Serve the Prometheus scrape endpoint, <c>GET /metrics</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Serve it without credentials (a scraper on a private network). Off: the same credentials
    /// as the API (the front end's Basic and API keys; the stand-alone silo's Basic).
    /// </summary>
    public bool AllowAnonymous { get; set; }
}

public sealed class OtlpOptions
{
    /// <summary>The OTLP collector (e.g. <c>http://collector:4317</c>); unset: no export unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (OpenTelemetry's default) or <c>http/protobuf</c>; unset: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> or gRPC.</summary>
    public string? Protocol { get; set; }
}

public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Otlp.Endpoint is { Length: > 0 } endpoint
            && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add("Telemetry:Otlp:Endpoint must be an absolute http or https URL");
        }

        if (options.Otlp.Protocol is { Length: > 0 } protocol && protocol is not ("grpc" or "http/protobuf"))
        {
            failures.Add("Telemetry:Otlp:Protocol must be grpc or http/protobuf");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
