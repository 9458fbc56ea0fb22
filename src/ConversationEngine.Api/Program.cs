using ConversationEngine.Api.Hosting;
using ConversationEngine.Grains.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (args.Contains(HealthProbe.Command))
{
    // Docker's and compose's health check: ready (database and cluster answer), not merely alive.
    return await HealthProbe.RunAsync(builder.Configuration, Readiness.Path);
}

builder.AddConversationEngine();

var app = builder.Build();
app.MapConversationEngine();
return await app.RunEngineAsync();

/// <summary>Entry point, visible to the HTTP tests.</summary>
public partial class Program;
