using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ConversationEngine.Idempotency;

namespace ConversationEngine.Api.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header of a create (an engine extension): the same key with the same
/// request within 24 hours answers with the first final outcome, from any front end, and never
/// creates a second resource, even when the first attempt's answer was lost. The record lives in
/// an <see cref="IIdempotencyGrain"/>; requests without the header pass through untouched.
/// </summary>
public sealed partial class IdempotencyFilter(IGrainFactory grains, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    /// <summary>Set on an answer that is the recorded outcome of an earlier request.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>How long a repeat waits for the first attempt to finish before answering 409.</summary>
    public static readonly TimeSpan WaitForFirst = TimeSpan.FromSeconds(5);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var request = http.Request;
        if (!HttpMethods.IsPost(request.Method)
            || !request.Headers.TryGetValue(Header, out var values)
            || http.User.FindFirst(BasicAuthentication.AccountSidClaim)?.Value is not { } accountSid)
        {
            return await next(context);
        }

        var key = values.Count == 1 ? values[0] ?? "" : throw Errors.Invalid(Header, "send one key per request");
        if (key.Length is 0 or > IdempotencyKeys.MaxLength)
        {
            throw Errors.Invalid(Header, $"must be 1 to {IdempotencyKeys.MaxLength} characters");
        }

        // Read here for the fingerprint; the endpoint reads the same parsed form again.
        var form = await Form.ReadAsync(request);
        // A user's keys are its own: another caller's same key neither replays nor blocks them.
        var owner = http.User.FindFirst(AccessTokenAuthentication.IdentityClaim)?.Value is { } identity
            ? $"{accountSid}/{http.User.FindFirst(AccessTokenAuthentication.ChatServiceSidClaim)?.Value}/{identity}"
            : accountSid;
        var grain = grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.For(owner, key));
        var ticket = await BeginAsync(grain, Fingerprint(request, form), http.RequestAborted);
        switch (ticket.Step)
        {
            case IdempotencyStep.Mismatch:
                throw Errors.IdempotencyMismatch();
            case IdempotencyStep.Busy:
                throw Errors.IdempotencyBusy();
            case IdempotencyStep.Replay:
                return new RecordedResult(ticket.Response!, Replayed: true);
        }

        http.Features.Set(new IdempotencyReservation(ticket.Reservation, ticket.Rerun));
        IdempotentResponse response;
        try
        {
            var result = await next(context);
            if (result is not IResult executable)
            {
                await AbandonAsync(grain, ticket, request);
                return result;
            }

            response = await CaptureAsync(executable, http);
        }
        catch (EngineException error) when (TwilioErrors.StatusOf(error.Kind) < StatusCodes.Status500InternalServerError)
        {
            // A refusal is final: kept as the error middleware will write it, then written by it.
            var refusal = TwilioErrors.From(error, request);
            await grain.CompleteAsync(ticket.Attempt, new IdempotentResponse
            {
                Status = refusal.Status,
                ContentType = "application/json",
                Body = JsonSerializer.Serialize(refusal, TwilioJson.Options),
            });
            throw;
        }
        catch
        {
            // A fault or a timeout: the outcome is unknown, so the next attempt runs again (with the
            // same reserved SID, finding whatever this one created).
            await AbandonAsync(grain, ticket, request);
            throw;
        }

        if (response.Status >= StatusCodes.Status500InternalServerError)
        {
            await AbandonAsync(grain, ticket, request);
            return new RecordedResult(response, Replayed: false);
        }

        try
        {
            await grain.CompleteAsync(ticket.Attempt, response);
        }
        catch
        {
            // Unanswered rather than answered unrecorded: the repeat re-runs and finds the resource.
            await AbandonAsync(grain, ticket, request);
            throw;
        }

        return new RecordedResult(response, Replayed: false);
    }

    /// <summary>
    /// SHA-256 of the method, the path and the form fields sorted by name (repeated fields keep
    /// their order, which can matter), each part length-prefixed so no two requests run together.
    /// </summary>
    public static string Fingerprint(string method, string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var text = new StringBuilder();
        void Append(string part) => text.Append(part.Length).Append(':').Append(part);
        Append(method.ToUpperInvariant());
        Append(path);
        foreach (var (name, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Append(name);
            Append(value);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Fingerprint(HttpRequest request, Form form) =>
        Fingerprint(request.Method, request.PathBase.Add(request.Path).Value ?? "", form.Pairs());

    /// <summary>Starts an attempt, waiting a little for one already running to finish.</summary>
    private static async Task<IdempotencyTicket> BeginAsync(IIdempotencyGrain grain, string fingerprint, CancellationToken aborted)
    {
        var waited = TimeSpan.Zero;
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var ticket = await grain.BeginAsync(fingerprint);
            if (ticket.Step != IdempotencyStep.Busy || waited >= WaitForFirst)
            {
                return ticket;
            }

            await Task.Delay(pause, aborted);
            waited += pause;
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 500));
        }
    }

    /// <summary>Runs the result into a buffer: what is sent is exactly what is kept.</summary>
    private static async Task<IdempotentResponse> CaptureAsync(IResult result, HttpContext http)
    {
        var body = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await result.ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = body;
        }

        return new IdempotentResponse
        {
            Status = http.Response.StatusCode,
            ContentType = http.Response.ContentType,
            Location = http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
            Body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length),
        };
    }

    private async Task AbandonAsync(IIdempotencyGrain grain, IdempotencyTicket ticket, HttpRequest request)
    {
        try
        {
            await grain.AbandonAsync(ticket.Attempt);
        }
        catch (Exception error) when (error is TimeoutException or Orleans.Runtime.OrleansException)
        {
            // The lease runs out by itself; the request's own failure is what the client hears.
            LogAbandonFailed(logger, error, request.Path);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An idempotency attempt on {Path} could not be given up; its lease will run out")]
    private static partial void LogAbandonFailed(ILogger logger, Exception error, string path);

    /// <summary>An outcome as it was first answered.</summary>
    private sealed record RecordedResult(IdempotentResponse Response, bool Replayed) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = Response.Status;
            response.ContentType = Response.ContentType;
            if (Response.Location is { } location)
            {
                response.Headers.Location = location;
            }

            if (Replayed)
            {
                response.Headers[ReplayedHeader] = "true";
            }

            await response.WriteAsync(Response.Body, Encoding.UTF8);
        }
    }
}

/// <summary>
/// The 32 hex digits an idempotency key reserved for its request, for the endpoint to build the
/// new resource's SID from: every attempt of the request builds the same one.
/// </summary>
/// <param name="Rerun">An earlier attempt started and left no outcome: it may have created the resource.</param>
public sealed record IdempotencyReservation(string Digits, bool Rerun)
{
    /// <summary>The request's reservation; null without an <c>Idempotency-Key</c>.</summary>
    public static IdempotencyReservation? Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.Features.Get<IdempotencyReservation>();
    }

    public string Sid(string prefix) => Sids.Reserved(prefix, Digits);
}

public static class IdempotencyEndpoints
{
    /// <summary>The endpoint creates: it honours <c>Idempotency-Key</c> (and its OpenAPI operation says so).</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>().WithMetadata(IdempotentOperation.Instance);
}

/// <summary>Endpoint metadata: the operation honours <c>Idempotency-Key</c>.</summary>
public sealed class IdempotentOperation
{
    public static readonly IdempotentOperation Instance = new();

    private IdempotentOperation()
    {
    }
}
