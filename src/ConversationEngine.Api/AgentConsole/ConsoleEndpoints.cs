using ConversationEngine.Accounts;
using ConversationEngine.Api.Hosting;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources;
using Microsoft.Extensions.Options;
using Twilio.Jwt.AccessToken;

namespace ConversationEngine.Api.AgentConsole;

/// <summary>The <c>Console</c> configuration section.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>
    /// Serve <c>POST /console/dev-token</c>: an Access Token for any identity, to holders of the
    /// account's Basic credentials. Off unless set; a production app mints its agents' tokens itself.
    /// </summary>
    public bool DevelopmentSignIn { get; set; }
}

/// <summary>
/// <c>/console</c>: the agent console, static HTML, CSS and JavaScript modules embedded in this
/// assembly (public: they hold no secret; everything they call is authenticated with the agent's
/// Access Token), and its development sign-in.
/// </summary>
public static class ConsoleEndpoints
{
    public const string Path = "/console";

    private const string ResourcePrefix = "console/";

    /// <summary>No inline script or style, nothing from elsewhere; the stream's WebSocket on this host.</summary>
    private const string ContentSecurityPolicy = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    /// <summary>The assets by file name, read once from the assembly's resources.</summary>
    private static readonly Lazy<Dictionary<string, byte[]>> Assets = new(ReadAssets);

    public static IEndpointRouteBuilder MapConsoleEndpoints(this IEndpointRouteBuilder routes)
    {
        // /console and /console/ alike (routing ignores a trailing slash); the page links its files absolutely.
        routes.MapGet(Path, (HttpContext context) => Asset(context, "index.html")).ExcludeFromDescription().AllowAnonymous();
        routes.MapGet(Path + "/settings", (IOptions<ConsoleOptions> options) =>
            TypedResults.Json(new { development_sign_in = options.Value.DevelopmentSignIn })).ExcludeFromDescription().AllowAnonymous();
        routes.MapGet(Path + "/{file}", Asset).ExcludeFromDescription().AllowAnonymous();
        // Authenticated as every engine path: with it disabled it answers as an unknown path does.
        routes.MapPost(Path + "/dev-token", DevelopmentTokenAsync).ExcludeFromDescription().DisableAntiforgery();
        return routes;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult Asset(HttpContext context, string file)
    {
        if (!Assets.Value.TryGetValue(file, out var content))
        {
            throw Errors.Unknown("The requested resource " + context.Request.Path);
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return TypedResults.Bytes(content, ContentTypes[System.IO.Path.GetExtension(file)]);
    }

    /// <summary>
    /// <c>POST /console/dev-token</c> (account credentials): form <c>Identity</c>, optional
    /// <c>ChatServiceSid</c> (the account's default service otherwise); answers <c>{"token": …}</c>,
    /// an Access Token with a chat grant for an hour, signed with the first configured API key.
    /// </summary>
    private static async Task<Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<TokenResponse>> DevelopmentTokenAsync(HttpRequest request, IOptions<ConsoleOptions> console, IOptions<EngineOptions> engine, IGrainFactory grains, TimeProvider clock)
    {
        if (!console.Value.DevelopmentSignIn)
        {
            throw Errors.Unknown("The requested resource " + request.Path);
        }

        if (UserCaller.Of(request.HttpContext) is not null)
        {
            throw Errors.AccountOnly("minting Access Tokens");
        }

        var form = await Form.ReadAsync(request);
        var identity = form.Value("Identity");
        if (string.IsNullOrWhiteSpace(identity))
        {
            throw Errors.Missing("Identity");
        }

        var configuration = await grains.GetGrain<IAccountGrain>(engine.Value.AccountSid!).GetConfigurationAsync();
        var service = form.Value("ChatServiceSid") ?? configuration.DefaultChatServiceSid;
        if (!Sids.IsValid(service, Sids.ChatService))
        {
            throw Errors.Invalid("ChatServiceSid", "must be IS followed by 32 hex digits");
        }

        var key = engine.Value.ApiKeys.FirstOrDefault() ?? throw new InvalidOperationException("No API key to sign tokens with (one is generated when Console:DevelopmentSignIn is set at start)");
        var token = new Token(engine.Value.AccountSid, key.Sid, key.Secret, identity: identity,
            expiration: clock.GetUtcNow().UtcDateTime.AddHours(1),
            grants: new HashSet<IGrant> { new ChatGrant { ServiceSid = service } });
        return TypedResults.Json(new TokenResponse(token.ToJwt()));
    }

    private static Dictionary<string, byte[]> ReadAssets()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var assets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            assets[name[ResourcePrefix.Length..]] = copy.ToArray();
        }

        return assets;
    }
}

/// <summary>The development sign-in's answer: <c>{"token": …}</c>.</summary>
public sealed record TokenResponse(string Token);
