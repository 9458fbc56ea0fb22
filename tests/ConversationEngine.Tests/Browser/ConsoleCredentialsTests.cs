using ConversationEngine.Api.Hosting;

namespace ConversationEngine.Tests.Browser;

/// <summary>The API key the development sign-in signs with when none is configured: generated once, kept with the generated credentials.</summary>
public sealed class ConsoleCredentialsTests
{
    [Fact]
    public void Development_sign_in_without_a_configured_key_generates_one_once_and_keeps_it()
    {
        var directory = Directory.CreateTempSubdirectory("engine-credentials-").FullName;
        var first = new EngineOptions { DataDirectory = directory, AccountSid = "AC0123456789abcdef0123456789abcdef", AuthToken = new string('a', 32) };

        Credentials.Complete(first, needsApiKey: true);
        var again = new EngineOptions { DataDirectory = directory, AccountSid = first.AccountSid, AuthToken = first.AuthToken };
        Credentials.Complete(again, needsApiKey: true);

        var key = Assert.Single(first.ApiKeys);
        Assert.Matches("^SK[0-9a-f]{32}$", key.Sid);
        Assert.Matches("^[0-9a-f]{32}$", key.Secret);
        Assert.Equivalent(key, Assert.Single(again.ApiKeys));
        Assert.Equal("AC0123456789abcdef0123456789abcdef", again.AccountSid);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "credentials.json")));
        }
    }

    [Fact]
    public void Without_development_sign_in_or_with_a_configured_key_nothing_is_generated()
    {
        var directory = Directory.CreateTempSubdirectory("engine-credentials-").FullName;
        var configured = new EngineOptions { DataDirectory = directory, AccountSid = "AC0123456789abcdef0123456789abcdef", AuthToken = new string('a', 32) };
        configured.ApiKeys.Add(new ApiKeyOptions { Sid = "SK0123456789abcdef0123456789abcdef", Secret = new string('b', 32) });

        Credentials.Complete(configured, needsApiKey: true);
        Credentials.Complete(new EngineOptions { DataDirectory = directory, AccountSid = configured.AccountSid, AuthToken = configured.AuthToken }, needsApiKey: false);

        Assert.Equal("SK0123456789abcdef0123456789abcdef", Assert.Single(configured.ApiKeys).Sid);
        Assert.False(File.Exists(Path.Combine(directory, "credentials.json")));
    }
}
