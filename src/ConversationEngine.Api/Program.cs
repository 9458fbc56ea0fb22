using ConversationEngine.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (args.Contains(ConversationEngine.Grains.Hosting.HealthProbe.Command))
{
    return await ConversationEngine.Grains.Hosting.HealthProbe.RunAsync(builder.Configuration);
}

builder.AddConversationEngine();

var app = builder.Build();
app.MapConversationEngine();
await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the HTTP tests.</summary>
public partial class Program;
