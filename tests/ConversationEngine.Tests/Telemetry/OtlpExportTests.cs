using System.Net;
using ConversationEngine.Tests.Http;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Telemetry;

/// <summary>OTLP export, to a collector stand-in on loopback (http/protobuf).</summary>
[Collection(MeteredHosts.Name)]
public sealed class OtlpExportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task With_a_collector_configured_traces_and_metrics_are_exported_including_the_engines_and_orleans()
    {
        await using var collector = await WebhookReceiver.StartAsync();
        await using var host = await EngineHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Telemetry:Otlp:Endpoint"] = collector.BaseUrl,
            ["Telemetry:Otlp:Protocol"] = "http/protobuf",
            // OpenTelemetry's own variables, read from configuration: export soon rather than every minute.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });

        await host.Client.PostFormAsync("/v1/Conversations").ExpectAsync(HttpStatusCode.Created);
        using (var inbound = await host.PostSignedAsync(SignedWebhooks.MessagesPath, SignedWebhooks.Inbound(Sids.New("SM"), Numbers.NextUs(), Numbers.NextUs(), "hello?")))
        {
            Assert.Equal(HttpStatusCode.OK, inbound.StatusCode);
        }

        // Protocol buffers keep names as UTF-8: the instrumentation scopes and instruments show in the bodies.
        // Spans arrive in batches: the engine's (its "inbound" routing, with its outcome), Orleans' grain calls, ASP.NET Core's requests.
        await Eventually.ValueAsync(
            () => string.Concat(collector.Requests.Where(r => r.Path == "/v1/traces").Select(r => r.Body)),
            body => body.Contains("engine.inbound.outcome", StringComparison.Ordinal) && body.Contains("Microsoft.Orleans.Application", StringComparison.Ordinal)
                && body.Contains("Microsoft.AspNetCore", StringComparison.Ordinal),
            Patience,
            "spans of the engine, Orleans and ASP.NET Core");
        await Eventually.ValueAsync(
            () => string.Concat(collector.Requests.Where(r => r.Path == "/v1/metrics").Select(r => r.Body)),
            body => body.Contains("engine.inbound.messages", StringComparison.Ordinal) && body.Contains("orleans-", StringComparison.Ordinal),
            Patience,
            "the engine's and Orleans' metrics");
    }
}
