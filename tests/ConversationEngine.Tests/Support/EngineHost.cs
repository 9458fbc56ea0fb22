using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ConversationEngine.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Tests.Support;

/// <summary>
/// The embedded engine exactly as <c>dotnet run</c> composes it, on real Kestrel bound to a free
/// loopback port, with its SQLite file in a directory the test owns (so a second host can reopen it).
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token";
    public const string ApiKeySid = "SK0123456789abcdef0123456789abcdef";
    public const string ApiKeySecret = "test-api-key-secret-0123456789ab";

    private readonly WebApplication app;

    private EngineHost(WebApplication app, string baseUrl, string dataDirectory)
    {
        this.app = app;
        BaseUrl = baseUrl;
        DataDirectory = dataDirectory;
        Client = CreateClient(AccountSid, AuthToken);
    }

    public string BaseUrl { get; }

    public string DataDirectory { get; }

    /// <summary>Authenticated with the Account SID and Auth Token.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>Configuration for hosts whose tests watch conversation timers elapse in seconds.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ShortTimers = new Dictionary<string, string?>
    {
        ["Lifecycle:TestingOnlyMinimumTimer"] = "00:00:01",
        ["Lifecycle:ReminderPeriod"] = "00:00:01",
    };

    /// <param name="services">Services a test adds to the host (probes).</param>
    /// <param name="logs">Receives the host's logs at the shipped appsettings' levels (by default the tests' hosts log nothing).</param>
    public static async Task<EngineHost> StartAsync(string? dataDirectory = null, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, ILoggerProvider? logs = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("engine-test-").FullName;

        // A port found free can be taken by a parallel test before this host binds it: new ports, again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(dataDirectory, settings, services, logs);
            }
            catch (Exception e) when (attempt < 3 && IsAddressInUse(e))
            {
            }
        }
    }

    private static bool IsAddressInUse(Exception? e) =>
        e is not null && (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
            || e is Microsoft.AspNetCore.Connections.AddressInUseException || IsAddressInUse(e.InnerException));

    private static async Task<EngineHost> StartOnceAsync(string dataDirectory, IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? services, ILoggerProvider? logs)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = baseUrl,
            ["Engine:AccountSid"] = AccountSid,
            ["Engine:AuthToken"] = AuthToken,
            ["Engine:ApiKeys:0:Sid"] = ApiKeySid,
            ["Engine:ApiKeys:0:Secret"] = ApiKeySecret,
            ["Engine:PublicBaseUrl"] = baseUrl,
            ["Engine:DataDirectory"] = dataDirectory,
            // The test credentials are short and readable on purpose.
            ["Engine:AllowWeakSecrets"] = "true",
            // Tests that send wrong credentials share one engine and one client address; the
            // brute-force tests set their own limit.
            ["Security:FailedAuth:PermitLimit"] = "100000",
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        if (logs is null)
        {
            builder.Logging.AddFilter(_ => false);
        }
        else
        {
            builder.Logging.AddProvider(logs);
        }

        builder.AddConversationEngine();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapConversationEngine();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new EngineHost(app, baseUrl, dataDirectory);
    }

    public HttpClient CreateClient(string? user = null, string? password = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return client;
    }

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Form posts and JSON reads in Twilio's dialect.</summary>
public static class TwilioHttp
{
    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string path, params (string Name, string Value)[] fields) =>
        client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    /// <summary>A form post with an <c>Idempotency-Key</c> header.</summary>
    public static async Task<HttpResponseMessage> PostFormWithKeyAsync(this HttpClient client, string path, string idempotencyKey, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.TryAddWithoutValidation(Api.Http.IdempotencyFilter.Header, idempotencyKey);
        return await client.SendAsync(request);
    }

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException("empty body");
    }

    /// <summary>Asserts the status and returns the body.</summary>
    public static async Task<JsonObject> ExpectAsync(this Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts a Twilio error body with the given HTTP status and Twilio code.</summary>
    public static async Task<JsonObject> ExpectErrorAsync(this Task<HttpResponseMessage> request, HttpStatusCode status, int code)
    {
        var body = await request.ExpectAsync(status);
        Assert.Equal(code, (int)body["code"]!);
        Assert.Equal((int)status, (int)body["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["message"]));
        Assert.Equal($"https://www.twilio.com/docs/errors/{code}", (string?)body["more_info"]);
        return body;
    }
}

/// <summary>One engine shared by the HTTP tests of a collection; each test uses fresh conversations.</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    public EngineHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await EngineHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedEngine : ICollectionFixture<EngineFixture>
{
    public const string Name = "engine";
}
