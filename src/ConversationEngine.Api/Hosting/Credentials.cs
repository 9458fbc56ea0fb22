using System.Security.Cryptography;
using System.Text.Json;

namespace ConversationEngine.Api.Hosting;

/// <summary>
/// Fills in an Account SID and Auth Token that configuration leaves unset, and an API key when one
/// is needed (the console's development sign-in mints tokens with it) and none is configured:
/// generated once and kept in the data directory, so a fresh clone runs with no set-up and keeps
/// its credentials across restarts.
/// </summary>
internal static class Credentials
{
    private const string FileName = "credentials.json";

    public static void Complete(EngineOptions options, bool needsApiKey = false)
    {
        var missingAccount = options.AccountSid is null || string.IsNullOrEmpty(options.AuthToken);
        var missingKey = needsApiKey && options.ApiKeys.Count == 0;
        if (!missingAccount && !missingKey)
        {
            return;
        }

        Directory.CreateDirectory(options.DataDirectory);
        var path = Path.Combine(options.DataDirectory, FileName);
        var read = File.Exists(path) ? JsonSerializer.Deserialize<StoredCredentials>(File.ReadAllText(path)) : null;
        var stored = read ?? new StoredCredentials(Sids.New(Sids.Account), Secret());
        if (missingKey && stored.ApiKeySid is null)
        {
            stored = stored with { ApiKeySid = "SK" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), ApiKeySecret = Secret() };
        }

        if (stored != read)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(stored));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        options.AccountSid ??= stored.AccountSid;
        if (string.IsNullOrEmpty(options.AuthToken))
        {
            options.AuthToken = stored.AuthToken;
        }

        if (missingKey)
        {
            options.ApiKeys.Add(new ApiKeyOptions { Sid = stored.ApiKeySid!, Secret = stored.ApiKeySecret! });
        }
    }

    private static string Secret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private sealed record StoredCredentials(string AccountSid, string AuthToken, string? ApiKeySid = null, string? ApiKeySecret = null);
}
