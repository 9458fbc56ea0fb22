using Microsoft.Extensions.Logging;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// Secrets the engine refuses at start unless <c>Engine:AllowWeakSecrets=true</c>: shorter than
/// <see cref="MinimumLength"/> characters, or docker-compose's placeholder. Generated credentials
/// (32 hex characters) pass.
/// </summary>
public static partial class WeakSecrets
{
    public const int MinimumLength = 32;

    /// <summary>The configuration key that lets weak secrets through (tests, local experiments).</summary>
    public const string AllowKey = "Engine:AllowWeakSecrets";

    private static readonly string[] Placeholders = ["change-me"];

    /// <summary>Why <paramref name="secret"/>, configured at <paramref name="key"/>, is too weak; null when it is not.</summary>
    public static string? Problem(string key, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }

        if (Placeholders.Contains(secret.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            return $"{key} is the placeholder '{secret.Trim()}': set a random secret of at least {MinimumLength} characters (or {AllowKey}=true, never in production)";
        }

        return secret.Length < MinimumLength
            ? $"{key} is shorter than {MinimumLength} characters: set a random secret of at least {MinimumLength} characters (or {AllowKey}=true, never in production)"
            : null;
    }

    /// <summary>The loud warning of a weak secret let through by <see cref="AllowKey"/>.</summary>
    [LoggerMessage(Level = LogLevel.Warning, Message = "WEAK SECRET ACCEPTED because Engine:AllowWeakSecrets=true: {Problem}. Anyone who guesses it controls this engine; never run like this in production.")]
    public static partial void LogAccepted(ILogger logger, string problem);
}
