using System.Text.Json;
using ConversationEngine.Api.Hosting;
using ConversationEngine.Twilio;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Http;

/// <summary>
/// Reads a request Twilio made to us and proves it came from Twilio: <c>X-Twilio-Signature</c>
/// over the URL Twilio was given (the public base URL, so the check holds behind a reverse
/// proxy) and the POST parameters, or over the URL with <c>bodySHA256</c> for JSON bodies.
/// </summary>
public sealed partial class TwilioWebhook(IOptions<EngineOptions> options, ILogger<TwilioWebhook> logger)
{
    private const string SignatureHeader = "X-Twilio-Signature";

    /// <summary>The request's parameters once its signature holds; 403 otherwise, with nothing read further.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ReadVerifiedAsync(HttpRequest request)
    {
        var url = PublicUrl(request);
        var signature = request.Headers[SignatureHeader].ToString();
        var token = options.Value.AuthToken!;
        IReadOnlyList<KeyValuePair<string, string>> parameters;
        bool valid;
        if (request.HasJsonContentType())
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            valid = RequestSignature.IsValidJson(token, url, buffer.ToArray(), signature);
            parameters = valid ? JsonParameters(buffer.ToArray()) : [];
        }
        else
        {
            var form = request.HasFormContentType ? await Form.ReadAsync(request) : null;
            var posted = form?.Pairs() ?? [];
            valid = RequestSignature.IsValid(token, url, posted, signature);
            parameters = [.. posted, .. request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? "")))];
        }

        if (!valid)
        {
            LogForged(logger, request.Method, url, signature.Length > 0);
            throw new EngineException(ErrorKind.Forbidden, Errors.Unauthorized, "Invalid X-Twilio-Signature");
        }

        return parameters;
    }

    /// <summary>The URL Twilio signed: the public base URL with this request's path and query.</summary>
    public string PublicUrl(HttpRequest request) =>
        options.Value.PublicBaseUrl.TrimEnd('/') + request.PathBase + request.Path + request.QueryString;

    public string AccountSid => options.Value.AccountSid!;

    /// <summary>Refuses a signed request for another account (a misrouted webhook).</summary>
    public void CheckAccount(string? accountSid)
    {
        if (accountSid is not null && accountSid != options.Value.AccountSid)
        {
            throw Errors.Invalid("AccountSid", $"{accountSid} is not this engine's account");
        }
    }

    private static List<KeyValuePair<string, string>> JsonParameters(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Errors.Invalid("request body", "a JSON webhook body must be an object");
            }

            return document.RootElement.EnumerateObject()
                .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))
                .ToList();
        }
        catch (JsonException error)
        {
            throw Errors.Invalid("request body", error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Url}: invalid X-Twilio-Signature (header present: {HasSignature})")]
    private static partial void LogForged(ILogger logger, string method, string url, bool hasSignature);
}
