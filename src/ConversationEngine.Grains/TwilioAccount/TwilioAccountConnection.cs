using ConversationEngine.Twilio.Messages;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Twilio.Clients;
using Twilio.Exceptions;

namespace ConversationEngine.TwilioAccount;

/// <summary>
/// The Twilio account the engine is connected to (<c>Twilio:AccountSid</c> and its credentials):
/// Twilio's own REST client over the engine's resilient HTTP client, and Twilio's refusals turned
/// into the engine's. Registered in every silo; the account grains call Twilio through it.
/// </summary>
public sealed class TwilioAccountConnection(IHttpClientFactory httpClients, IOptions<TwilioMessagesOptions> options)
{
    /// <summary>Twilio's code for "the resource was not found", as its 404s carry it.</summary>
    public const int NotFoundCode = 20404;

    public bool IsConnected => options.Value.HasCredentials;

    /// <summary>The connected account (AC…), or null in the sandbox.</summary>
    public string? AccountSid => IsConnected ? options.Value.AccountSid : null;

    /// <summary>A client for one operation (its <c>LastResponse</c> is that operation's); refuses when no account is connected.</summary>
    public TwilioRestClient CreateClient() =>
        IsConnected ? httpClients.CreateTwilioRestClient(options.Value) : throw NotConnected();

    /// <summary>400: the engine runs on its sandbox, with no Twilio account to act on.</summary>
    public static EngineException NotConnected() =>
        Errors.Invalid(Errors.InvalidParameter,
            "No Twilio account is connected: set Twilio:AccountSid and Twilio:AuthToken (or Twilio:ApiKeySid and Twilio:ApiKeySecret) to use the account's numbers and Messaging Services");

    /// <summary>
    /// Runs one call to Twilio's API: Twilio's 4xx comes back as the same code and a 400 (404 for a
    /// missing resource); an unreachable or failing Twilio as 503, retryable.
    /// </summary>
    public static async Task<T> CallAsync<T>(string what, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (ApiException error) when (error.Status is >= 400 and < 500 and not 408 and not 429)
        {
            var kind = error.Status == 404 ? ErrorKind.NotFound : ErrorKind.Invalid;
            return Throw<T>(new EngineException(kind, error.Code != 0 ? error.Code : Errors.InvalidParameter, $"Twilio refused to {what}: {error.Message}"));
        }
        catch (ApiException error)
        {
            return Throw<T>(Unavailable(what, $"Twilio answered {error.Status}: {error.Message}"));
        }
        catch (ApiStandardException error)
        {
            var kind = error.Status == 404 ? ErrorKind.NotFound : error.Status is >= 400 and < 500 ? ErrorKind.Invalid : ErrorKind.Unavailable;
            return Throw<T>(new EngineException(kind, error.Code != 0 ? error.Code : Errors.InvalidParameter, $"Twilio refused to {what}: {error.Detail ?? error.Title ?? error.Message}"));
        }
        catch (ApiConnectionException error)
        {
            var reason = error.InnerException is TimeoutRejectedException ? "Twilio did not answer in time" : $"Twilio could not be reached: {error.InnerException?.Message ?? error.Message}";
            return Throw<T>(Unavailable(what, reason));
        }
    }

    /// <summary>
    /// A read that pages through Twilio's library, which fetches later pages synchronously: run on
    /// the thread pool, never on a grain's turn, with Twilio's refusals mapped as <see cref="CallAsync"/> maps them.
    /// </summary>
    public static Task<T> ReadPagesAsync<T>(string what, Func<T> read) =>
        Task.Run(() => CallAsync(what, () => Task.FromResult(read())));

    private static T Throw<T>(EngineException error) => throw error;

    private static EngineException Unavailable(string what, string reason) =>
        new(ErrorKind.Unavailable, Errors.Internal, $"Could not {what}: {reason}; retry later");
}
