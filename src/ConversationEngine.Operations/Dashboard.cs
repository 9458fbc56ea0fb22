using System.Text.Json;
using ConversationEngine.Grains.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace ConversationEngine.Operations;

/// <summary>
/// The Orleans Dashboard on any host with an HTTP port (embedded front end, a client-mode front
/// end, a stand-alone silo): at <c>Dashboard:Path</c>, on the host's port or one of its own, for the
/// account's Basic credentials only — an agent's Access Token is refused whatever its roles.
/// </summary>
public static class Dashboard
{
    /// <summary>Adds the dashboard's own listener to the host's addresses when it has a port of its own.</summary>
    public static void AddDashboardListener(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = EngineDashboardOptions.From(builder.Configuration);
        if (options.Enabled && options.Port is { } port && port is > 0 and <= 65535 && System.Net.IPAddress.TryParse(options.Address, out var address))
        {
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
            var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://{host}:{port}"]);
        }
    }

    /// <summary>Maps it when this host registered its services; behind the host's authentication (its fallback policy).</summary>
    public static WebApplication MapEngineDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<EngineDashboardOptions>>().Value;
        if (options.Enabled && app.Services.HasEngineDashboard())
        {
            app.MapOrleansDashboard(options.Path)
                .ExcludeFromDescription()
                .AddEndpointFilter(new DashboardGate(options).InvokeAsync);
        }

        return app;
    }
}

/// <summary>
/// What every dashboard request passes once authenticated: its own port when it has one, the
/// account's Basic credentials, and no grain state unless configured. Refusals are Twilio's error body.
/// </summary>
internal sealed class DashboardGate(EngineDashboardOptions options)
{
    /// <summary>The scheme of the account's credentials on every host (an Access Token's is another).</summary>
    private const string AccountScheme = OperatorAuthentication.Scheme;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (options.Port is { } port && context.Connection.LocalPort != port)
        {
            // Elsewhere it does not exist, worded as any unknown path.
            return await RefuseAsync(context, 20404, StatusCodes.Status404NotFound, $"The requested resource {context.Request.Path} was not found");
        }

        if (context.User.Identity?.AuthenticationType != AccountScheme)
        {
            return await RefuseAsync(context, 50107, StatusCodes.Status403Forbidden, "User not authorized for command: the Orleans Dashboard needs the account's credentials");
        }

        if (!options.GrainState && context.Request.Path.Value?.EndsWith("/GrainState", StringComparison.OrdinalIgnoreCase) == true)
        {
            return await RefuseAsync(context, 20403, StatusCodes.Status403Forbidden, "Grain state inspection is off (Dashboard:GrainState)");
        }

        return await next(invocation);
    }

    private static async Task<object?> RefuseAsync(HttpContext context, int code, int status, string message)
    {
        await OperatorErrors.WriteAsync(context.Response, code, status, message);
        return Results.Empty;
    }
}

/// <summary>Twilio's error body, for hosts without the front end's error middleware (a stand-alone silo).</summary>
public static class OperatorErrors
{
    public static Task WriteAsync(HttpResponse response, int code, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = status;
        response.ContentType = "application/json";
        return response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["code"] = code,
            ["message"] = message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
            ["status"] = status,
        }));
    }
}
