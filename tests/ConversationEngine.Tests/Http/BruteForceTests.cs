using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using ConversationEngine.Tests.Support;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Failed HTTP Basic attempts are limited per client address and per account or key SID tried
/// (Security:FailedAuth); past the limit, 429 with Twilio's 20429 and Retry-After. Successes spend nothing.
/// </summary>
public sealed class BruteForceTests
{
    private const string Conversations = "/v1/Conversations";

    private static Dictionary<string, string?> Limit(int permits, string window = "PT1M") => new()
    {
        ["Security:FailedAuth:PermitLimit"] = permits.ToString(CultureInfo.InvariantCulture),
        ["Security:FailedAuth:Window"] = window,
    };

    [Fact]
    public async Task Thousands_of_wrong_passwords_become_429_after_the_limit_while_another_partition_still_gets_200()
    {
        await using var host = await EngineHost.StartAsync(settings: Limit(5));
        // The attacker comes from another loopback address than the correct caller.
        using var attacker = ClientFrom(host, IPAddress.Parse("127.0.0.2"), EngineHost.AccountSid, "wrong-password");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3000; i++)
        {
            last?.Dispose();
            last = await attacker.GetAsync(Conversations);
            statuses.Add(last.StatusCode);
        }

        Assert.All(statuses.Take(5), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        var retryAfter = last!.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        last.Dispose();
        await attacker.GetAsync(Conversations).ExpectErrorAsync(HttpStatusCode.TooManyRequests, 20429);

        // Even the right password from the refused address: a right guess must look like a wrong one.
        using var rightFromAttacker = ClientFrom(host, IPAddress.Parse("127.0.0.2"), EngineHost.ApiKeySid, EngineHost.ApiKeySecret);
        await rightFromAttacker.GetAsync(Conversations).ExpectErrorAsync(HttpStatusCode.TooManyRequests, 20429);

        // Another address with an API key (another user name): untouched.
        using var apiKey = host.CreateClient(EngineHost.ApiKeySid, EngineHost.ApiKeySecret);
        await apiKey.GetAsync(Conversations).ExpectAsync(HttpStatusCode.OK);

        // The account SID tried is refused from every address until the window ends.
        await host.Client.GetAsync(Conversations).ExpectErrorAsync(HttpStatusCode.TooManyRequests, 20429);
    }

    [Fact]
    public async Task Successful_requests_spend_none_of_the_failure_budget()
    {
        await using var host = await EngineHost.StartAsync(settings: Limit(3));
        for (var i = 0; i < 50; i++)
        {
            await host.Client.GetAsync(Conversations).ExpectAsync(HttpStatusCode.OK);
        }

        using var wrong = host.CreateClient(EngineHost.ApiKeySid, "wrong-secret");
        for (var i = 0; i < 3; i++)
        {
            await wrong.GetAsync(Conversations).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        }

        await wrong.GetAsync(Conversations).ExpectErrorAsync(HttpStatusCode.TooManyRequests, 20429);
    }

    [Fact]
    public async Task Requests_without_credentials_are_not_failed_attempts()
    {
        await using var host = await EngineHost.StartAsync(settings: Limit(2));
        using var anonymous = host.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            await anonymous.GetAsync(Conversations).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        }

        await host.Client.GetAsync(Conversations).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Credentials_sent_to_open_endpoints_are_not_attempts()
    {
        await using var host = await EngineHost.StartAsync(settings: Limit(2));
        using var wrong = host.CreateClient("webhook-user", "webhook-password");
        for (var i = 0; i < 10; i++)
        {
            await wrong.GetAsync("/healthz").ExpectAsync(HttpStatusCode.OK);
        }

        await host.Client.GetAsync(Conversations).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_refusal_ends_with_the_window()
    {
        await using var host = await EngineHost.StartAsync(settings: Limit(2, "PT2S"));
        using var wrong = host.CreateClient(EngineHost.AccountSid, "wrong-password");
        await wrong.GetAsync(Conversations).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        await wrong.GetAsync(Conversations).ExpectErrorAsync(HttpStatusCode.Unauthorized, 20003);
        await host.Client.GetAsync(Conversations).ExpectErrorAsync(HttpStatusCode.TooManyRequests, 20429);

        await Eventually.ValueAsync(
            async () =>
            {
                using var response = await host.Client.GetAsync(Conversations);
                return response.StatusCode;
            },
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10),
            "the correct caller to be let in once the window ended");
    }

    [Theory]
    [InlineData("Security:FailedAuth:PermitLimit", "0", "Security:FailedAuth:PermitLimit must be between 1 and 1000000")]
    [InlineData("Security:FailedAuth:Window", "-00:00:01", "Security:FailedAuth:Window must be positive and at most one day")]
    public async Task An_invalid_limit_refuses_start(string key, string value, string failure)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(failure, error.Failures);
    }

    private static HttpClient ClientFrom(EngineHost host, IPAddress local, string user, string password)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(host.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }
}
