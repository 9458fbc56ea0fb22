using System.ComponentModel.DataAnnotations;

namespace ConversationEngine.Api.Hosting;

/// <summary>The <c>Engine</c> configuration section.</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>The account that owns everything here (AC…). Generated on first start when unset.</summary>
    [RegularExpression("^AC[0-9a-f]{32}$", ErrorMessage = "Engine:AccountSid must be AC followed by 32 lowercase hex digits")]
    public string? AccountSid { get; set; }

    /// <summary>The Auth Token for HTTP Basic and webhook signatures. Generated on first start when unset.</summary>
    public string? AuthToken { get; set; }

    /// <summary>API keys (SK…) and their secrets, accepted for HTTP Basic like the Account SID and token.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>The base URL clients reach this engine at; <c>url</c> and <c>links</c> in responses start with it.</summary>
    [Required]
    [Url]
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Directory for the SQLite database and generated credentials.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>The SQLite database file; relative paths are under <see cref="DataDirectory"/>.</summary>
    [Required]
    public string DatabaseFile { get; set; } = "engine.db";

    /// <summary>
    /// Accept an auth token or API key secret shorter than 32 characters, or compose's placeholder
    /// (tests, local experiments). Logged as a warning at start; never set it in production.
    /// </summary>
    public bool AllowWeakSecrets { get; set; }

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, DatabaseFile));
}

public sealed class ApiKeyOptions
{
    [RegularExpression("^SK[0-9a-fA-F]{32}$", ErrorMessage = "API key SIDs are SK followed by 32 hex digits")]
    public string Sid { get; set; } = "";

    [Required]
    public string Secret { get; set; } = "";
}

/// <summary>Refuses weak secrets (see <see cref="Grains.Hosting.WeakSecrets"/>) unless <see cref="EngineOptions.AllowWeakSecrets"/>.</summary>
public sealed class EngineOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<EngineOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AllowWeakSecrets)
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Success;
        }

        var failures = WeakSecretProblems(options).ToList();
        return failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Each configured secret that is too weak, by its configuration key.</summary>
    public static IEnumerable<string> WeakSecretProblems(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Grains.Hosting.WeakSecrets.Problem("Engine:AuthToken", options.AuthToken) is { } token)
        {
            yield return token;
        }

        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            if (Grains.Hosting.WeakSecrets.Problem($"Engine:ApiKeys:{i}:Secret", options.ApiKeys[i].Secret) is { } secret)
            {
                yield return secret;
            }
        }
    }
}

