using System.Security.Cryptography;
using System.Text.Json;

namespace ConversationEngine.Api.Hosting;

/// <summary>
/// Fills in an Account SID and Auth Token that configuration leaves unset: generated once and kept
/// in the data directory, so a fresh clone runs with no set-up and keeps its credentials across restarts.
/// </summary>
internal static class Credentials
{
    private const string FileName = "credentials.json";

    public static void Complete(EngineOptions options)
    {
        if (options.AccountSid is not null && !string.IsNullOrEmpty(options.AuthToken))
        {
            return;
        }

        Directory.CreateDirectory(options.DataDirectory);
        var path = Path.Combine(options.DataDirectory, FileName);
        var stored = File.Exists(path) ? JsonSerializer.Deserialize<StoredCredentials>(File.ReadAllText(path)) : null;
        if (stored is null)
        {
            stored = new StoredCredentials(Sids.New(Sids.Account), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
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
    }

    private sealed record StoredCredentials(string AccountSid, string AuthToken);
}
