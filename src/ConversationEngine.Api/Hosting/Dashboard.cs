using ConversationEngine.Api.Resources;
using ConversationEngine.Grains.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace ConversationEngine.Api.Hosting;

/// <summary>
/// The Orleans Dashboard on the front end (embedded host, or a client of the cluster): at
/// <c>Dashboard:Path</c>, on the host's port or on one of its own, for the account's credentials
/// only — an agent's Access Token is refused whatever its roles.
/// </summary>
public static class Dashboard
{
    /// <summary>Adds the dashboard's own listener to the host's addresses when it has a port of its own.</summary>
    public static void AddDashboardListener(this WebApplicationBuilder builder, EngineDashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Enabled && options.Port is { } port && System.Net.IPAddress.TryParse(options.Address, out var address))
        {
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
            var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://{host}:{port}"]);
        }
    }

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
/// What every dashboard request passes (after the fallback policy has authenticated it): its own
/// port when it has one, the account's credentials, and no grain state unless configured.
/// </summary>
internal sealed class DashboardGate(EngineDashboardOptions options)
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (options.Port is { } port && context.Connection.LocalPort != port)
        {
            // Elsewhere it does not exist (the fallback 404 body, as for any unknown path).
            throw Errors.Unknown("The Orleans Dashboard");
        }

        if (UserCaller.Of(context) is not null)
        {
            throw Errors.AccountOnly("the Orleans Dashboard");
        }

        if (!options.GrainState && context.Request.Path.Value?.EndsWith("/GrainState", StringComparison.OrdinalIgnoreCase) == true)
        {
            throw new EngineException(ErrorKind.Forbidden, Errors.Forbidden, "Grain state inspection is off (Dashboard:GrainState)");
        }

        return next(invocation);
    }
}
