using System.Globalization;
using ConversationEngine.Rules;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Primitives;

namespace ConversationEngine.Api.Http;

/// <summary>
/// A request's form-encoded parameters (Twilio's PascalCase names), with typed readers that refuse
/// malformed values with Twilio's 400 body instead of failing later. On an operation that declares a
/// <see cref="RequestContract"/>, asking for a name it does not declare throws: what the handlers read
/// and what the OpenAPI document says they take stay the same.
/// </summary>
public sealed class Form(IFormCollection values, RequestContract? contract = null)
{
    public static async Task<Form> ReadAsync(HttpRequest request)
    {
        var contract = RequestContract.Of(request.HttpContext);
        if (request.HasFormContentType)
        {
            try
            {
                return new Form(await request.ReadFormAsync(request.HttpContext.RequestAborted), contract);
            }
            catch (InvalidDataException error)
            {
                throw Errors.Invalid("request body", error.Message);
            }
            catch (IOException error) when (error is not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } && !request.HttpContext.RequestAborted.IsCancellationRequested)
            {
                throw Errors.Invalid("request body", error.Message);
            }
        }

        if (request.ContentLength is null or 0 && !request.Headers.ContainsKey("Transfer-Encoding"))
        {
            return new Form(FormCollection.Empty, contract);
        }

        throw new EngineException(ErrorKind.UnsupportedMediaType, Errors.InvalidParameter, "Request parameters must be sent as application/x-www-form-urlencoded");
    }

    public bool Has(string name) => values.ContainsKey(Declared(name));

    /// <summary>Every name/value pair as sent (a repeated name once per value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs() =>
        values.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))).ToList();

    public string? Value(string name) =>
        values.TryGetValue(Declared(name), out var value) && value.Count > 0 ? value[^1] : null;

    public IReadOnlyList<string> Values(string name) =>
        values.TryGetValue(Declared(name), out var value) ? value.OfType<string>().ToList() : [];

    public DateTimeOffset? Date(string name) => ParseDate(name, Value(name));

    public long? Number(string name)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Errors.Invalid(name, $"'{text}' is not an integer");
    }

    /// <summary>An ISO-8601 date-time; UTC when it names no offset.</summary>
    public static DateTimeOffset? ParseDate(string name, string? text)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw Errors.Invalid(name, $"'{text}' is not an ISO-8601 date-time");
    }

    public bool? Flag(string name)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }

        return bool.TryParse(text, out var value) ? value : throw Errors.Invalid(name, $"'{text}' is not true or false");
    }

    /// <summary>An ISO-8601 duration such as <c>PT10M</c> or <c>P1DT2H</c>; null when absent or empty.</summary>
    public TimeSpan? Duration(string name, int errorCode)
    {
        var text = Value(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!Iso8601Duration.TryParse(text.Trim(), out var value))
        {
            throw Errors.Invalid(errorCode, $"{name} '{text}' is not an ISO-8601 duration such as PT10M");
        }

        return value > TimeSpan.Zero ? value : throw Errors.Invalid(errorCode, $"{name} must be a positive ISO-8601 duration");
    }

    /// <summary>True when the parameter is sent empty: Twilio's way of clearing a value.</summary>
    public bool IsEmpty(string name) => Has(name) && Value(name) is "";

    /// <summary>Query-string parameter of the same kind, for list filters.</summary>
    public static string? Query(HttpRequest request, string name) =>
        QueryValues(request, name) is { Count: > 0 } value ? value[^1] : null;

    /// <summary>Every value of a repeated query-string parameter.</summary>
    public static StringValues QueryValues(HttpRequest request, string name)
    {
        RequestContract.Of(request.HttpContext)?.Require(BindingSource.Query, name);
        return request.Query.TryGetValue(name, out var value) ? value : StringValues.Empty;
    }

    private string Declared(string name)
    {
        contract?.Require(BindingSource.Form, name);
        return name;
    }
}
