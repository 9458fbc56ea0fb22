using ConversationEngine.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddConversationEngine();

var app = builder.Build();
app.MapConversationEngine();
app.Run();

/// <summary>Entry point, visible to the HTTP tests.</summary>
public partial class Program;
