using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// A call that timed out may have been carried out: a write says its outcome is unknown (504),
/// a read that failed the same way is simply worth retrying (503). Through the engine's own error
/// middleware on a real Kestrel, with an endpoint that times out as an Orleans call does.
/// </summary>
public sealed class UnknownOutcomeTests
{
    [Fact]
    public async Task A_write_that_timed_out_answers_504_unknown_and_a_read_503_retry()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.UseMiddleware<TwilioErrorMiddleware>();
        app.MapPost("/v1/Conversations", (HttpContext _) => Task.FromException(new TimeoutException("Response did not arrive on time")));
        app.MapGet("/v1/Conversations", (HttpContext _) => Task.FromException(new TimeoutException("Response did not arrive on time")));
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var write = await client.PostAsync(new Uri("/v1/Conversations", UriKind.Relative), new FormUrlEncodedContent([]));
        using var read = await client.GetAsync(new Uri("/v1/Conversations", UriKind.Relative));

        Assert.Equal(HttpStatusCode.GatewayTimeout, write.StatusCode);
        var body = JsonNode.Parse(await write.Content.ReadAsStringAsync())!;
        Assert.Equal((504, 20500, TwilioErrorMiddleware.OutcomeUnknown), ((int)body["status"]!, (int)body["code"]!, (string)body["message"]!));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        await app.StopAsync();
    }
}
