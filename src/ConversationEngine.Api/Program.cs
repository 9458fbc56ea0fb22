using ConversationEngine.Api.Hosting;
using ConversationEngine.Grains.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (args.Contains(HealthProbe.Command))
{
    return await HealthProbe.RunAsync(builder.Configuration);
}

builder.AddConversationEngine();

var app = builder.Build();
app.MapConversationEngine();
return await app.RunEngineAsync();

/// <summary>Entry point, visible to the HTTP tests.</summary>
public partial class Program;
