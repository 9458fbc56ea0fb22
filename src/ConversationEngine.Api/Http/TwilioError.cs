using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConversationEngine.Api.Http;

/// <summary>Twilio's error body.</summary>
public sealed record TwilioError(int Code, string Message, string MoreInfo, int Status)
{
    public static TwilioError Create(int code, int status, string message) =>
        new(code, message, $"https://www.twilio.com/docs/errors/{code}", status);

    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(response.Body, this, TwilioJson.Options);
    }
}

/// <summary>
/// The one place a refusal becomes HTTP: its kind picks the status, and a "not found" is worded as
/// Twilio words it, with the resource path as the client asked for it.
/// </summary>
public static partial class TwilioErrors
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Failed => StatusCodes.Status500InternalServerError,
        ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status400BadRequest,
    };

    public static TwilioError From(EngineException error, HttpRequest request) =>
        error.Kind == ErrorKind.NotFound
            ? TwilioError.Create(error.Code, StatusOf(error.Kind), NotFoundMessage(request))
            : TwilioError.Create(error.Code, StatusOf(error.Kind), error.Message);

    /// <summary>Twilio's wording: the path below the API version (<c>/Conversations/CH…</c>).</summary>
    public static string NotFoundMessage(HttpRequest request) =>
        $"The requested resource {VersionPrefix().Replace(request.Path.Value ?? "", "")} was not found";

    [GeneratedRegex("^/(v1|messaging/v1|engine/v1)(?=/)")]
    private static partial Regex VersionPrefix();
}

/// <summary>
/// Turns every failure into Twilio's error body: refusals with their own code and status, malformed
/// requests as 400, unknown paths as 404, and only the engine's own faults as 5xx.
/// </summary>
public sealed partial class TwilioErrorMiddleware(RequestDelegate next, ILogger<TwilioErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (EngineException error)
        {
            await WriteAsync(context, TwilioErrors.From(error, context.Request), endConnection: error.Kind == ErrorKind.PayloadTooLarge);
            return;
        }
        catch (BadHttpRequestException error)
        {
            var status = error.StatusCode is >= 400 and < 500 ? error.StatusCode : 400;
            await WriteAsync(context, TwilioError.Create(status == 413 ? Errors.PayloadTooLarge : Errors.InvalidParameter, status, error.Message), endConnection: true);
            return;
        }
        catch (TimeoutException error) when (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            // The grain may have carried the write out before its answer was lost: retrying blindly
            // could do it twice. Say so, with the gateway-timeout status, not 503's "retry".
            LogFault(logger, error, context.Request.Method, context.Request.Path);
            await WriteAsync(context, TwilioError.Create(Errors.Internal, 504, OutcomeUnknown));
            return;
        }
        catch (Exception error) when (error is TimeoutException or Orleans.Runtime.OrleansException or System.Data.Common.DbException)
        {
            LogFault(logger, error, context.Request.Method, context.Request.Path);
            await WriteAsync(context, TwilioError.Create(Errors.Internal, 503, "The service is temporarily unavailable; retry the request"));
            return;
        }
        catch (Exception error) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogFault(logger, error, context.Request.Method, context.Request.Path);
            await WriteAsync(context, TwilioError.Create(Errors.Internal, 500, "An internal server error occurred"));
            return;
        }

        if (context.Response is { HasStarted: false, StatusCode: 404 or 405 } response && response.ContentLength is null && response.ContentType is null)
        {
            var error = response.StatusCode == 404
                ? TwilioError.Create(Errors.NotFound, 404, $"The requested resource {context.Request.Path} was not found")
                : TwilioError.Create(Errors.MethodNotAllowed, 405, $"Method {context.Request.Method} not allowed on {context.Request.Path}");
            await error.WriteAsync(response);
        }
    }

    public const string OutcomeUnknown =
        "The outcome of this request is unknown: it timed out after it may have been carried out. Read the resource back before repeating it";

    /// <param name="endConnection">
    /// The body was refused part-way (too large, or malformed) and is left unread: Kestrel closes the
    /// connection after the answer. Saying so (<c>Connection: close</c>, HTTP/1.x) keeps a client
    /// from sending its next request on a connection that is going away, where it would see the
    /// response end before it began instead of an answer.
    /// </param>
    private static Task WriteAsync(HttpContext context, TwilioError error, bool endConnection = false)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.Clear();
        if (endConnection && (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)))
        {
            context.Response.Headers.Connection = "close";
        }

        return error.WriteAsync(context.Response);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogFault(ILogger logger, Exception error, string method, string path);
}
