// A stand-alone silo of the engine's cluster: grains only, no HTTP API (the front end runs
// with Orleans:Mode=Client). Storage, reminders and membership are on PostgreSQL.
//
//   dotnet run --project src/ConversationEngine.Silo                  run a silo
//   dotnet run --project src/ConversationEngine.Silo -- apply-schema  apply the PostgreSQL schema and exit
//   ConversationEngine.Silo healthcheck                              exit 0 when this host's /readyz answers 2xx
// Its HTTP port serves /healthz and /readyz to anyone, and /metrics (Prometheus) with the
// account's Basic credentials (Engine:AccountSid and Engine:AuthToken, or Engine:ApiKeys).
using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using ConversationEngine.Operations;
using Orleans.Runtime;

var builder = WebApplication.CreateBuilder(args);
if (args.Contains(HealthProbe.Command))
{
    return await HealthProbe.RunAsync(builder.Configuration, "/readyz");
}

var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
if (!storage.IsPostgres || string.IsNullOrWhiteSpace(storage.ConnectionString))
{
    Console.Error.WriteLine("A stand-alone silo joins a cluster through PostgreSQL: set Storage:Provider=PostgreSql and Storage:ConnectionString.");
    return HostRun.InvalidConfiguration;
}

if (args.Contains("apply-schema"))
{
    await PostgresSchema.EnsureCreatedAsync(storage.ConnectionString);
    Console.WriteLine($"PostgreSQL schema at version {await PostgresSchema.VersionAsync(storage.ConnectionString)}.");
    return 0;
}

var accountSid = builder.Configuration["Engine:AccountSid"];
var publicBaseUrl = builder.Configuration["Engine:PublicBaseUrl"];
if (string.IsNullOrWhiteSpace(accountSid) || string.IsNullOrWhiteSpace(publicBaseUrl))
{
    Console.Error.WriteLine("Set Engine:AccountSid and Engine:PublicBaseUrl (the same as the front end's): outbound delivery needs them.");
    return HostRun.InvalidConfiguration;
}

// Conversations webhooks are signed with the account's auth token, the one the front end checks.
var authToken = builder.Configuration["Engine:AuthToken"];
if (string.IsNullOrWhiteSpace(authToken))
{
    Console.Error.WriteLine("Set Engine:AuthToken (the same as the front end's): Conversations webhooks are signed with it.");
    return HostRun.InvalidConfiguration;
}

// The same rule as the front end's: a short token or compose's placeholder is refused unless
// Engine:AllowWeakSecrets=true, which is announced loudly once the host logs.
var allowWeakSecrets = builder.Configuration.GetValue<bool>(WeakSecrets.AllowKey);
var weakToken = WeakSecrets.Problem("Engine:AuthToken", authToken);
if (weakToken is not null && !allowWeakSecrets)
{
    Console.Error.WriteLine("Invalid configuration:");
    Console.Error.WriteLine("  " + weakToken);
    return HostRun.InvalidConfiguration;
}

builder.UseOrleans(silo => silo.AddConversationEngineSilo(
    builder.Configuration,
    sqliteConnectionString: null,
    delivery =>
    {
        delivery.AccountSid ??= accountSid;
        delivery.StatusCallbackUrl ??= ConversationEngine.Twilio.Webhooks.EngineWebhookPaths.Url(publicBaseUrl, ConversationEngine.Twilio.Webhooks.EngineWebhookPaths.Status);
    },
    webhooks => (webhooks.AccountSid, webhooks.AuthToken) = (accountSid, authToken))
    .AddEngineDashboard(builder.Configuration));
builder.AddEngineTelemetry("conversation-engine-silo");
builder.AddDashboardListener();
builder.Services.AddOperatorAuthentication(builder.Configuration);

var app = builder.Build();
if (weakToken is not null)
{
    WeakSecrets.LogAccepted(app.Logger, weakToken);
}

app.UseAuthentication();
app.UseAuthorization();
app.MapEngineMetrics();
app.MapEngineDashboard();

// 200 while this silo is an active member of the cluster, 503 otherwise (joining, shutting down, declared dead).
app.MapGet("/healthz", (ILocalSiloDetails local, IClusterMembershipService membership) =>
{
    var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
    var body = new { status = status.ToString().ToLowerInvariant(), silo = local.SiloAddress.ToParsableString(), cluster = local.ClusterId };
    return status == SiloStatus.Active ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
}).AllowAnonymous();

// Readiness: an active member whose database answers (what the image's health check asks).
app.MapGet("/readyz", async (ILocalSiloDetails local, IClusterMembershipService membership, CancellationToken cancellation) =>
{
    var active = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress) == SiloStatus.Active;
    var database = await StorageProbe.AnswersAsync(postgres: true, storage.ConnectionString, cancellation);
    var body = new
    {
        status = active && database ? "healthy" : "unhealthy",
        checks = new { storage = database ? "healthy" : "unhealthy", cluster = active ? "healthy" : "unhealthy" },
    };
    return active && database ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
}).AllowAnonymous();

return await app.RunEngineAsync();
