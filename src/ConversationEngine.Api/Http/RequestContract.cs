using System.Collections.Concurrent;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace ConversationEngine.Api.Http;

/// <summary>
/// What an operation takes, declared as a type: each property is one parameter, placed and named
/// by <c>[FromForm]</c>, <c>[FromQuery]</c>, <c>[FromHeader]</c> or <c>[FromRoute]</c> (Twilio's
/// PascalCase names), typed, with <c>[Required]</c>, <c>[AllowedValues]</c>, <c>[Range]</c> and
/// <c>[Description]</c>. The OpenAPI document is written from it, and <see cref="Form"/> refuses to
/// read a name the operation's contract does not declare, so the two cannot drift apart.
/// </summary>
public sealed class RequestContract
{
    private static readonly ConcurrentDictionary<Type, RequestContract> Contracts = new();
    private readonly HashSet<(string Place, string Name)> names;

    private RequestContract(Type type)
    {
        Type = type;
        Parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(DeclaredParameter.Of).ToList();
        names = Parameters.Select(p => (p.Place.Id, p.Name)).ToHashSet();
        var duplicate = Parameters.GroupBy(p => (p.Place, p.Name)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"{type.Name} declares the {duplicate.Key.Place} parameter {duplicate.Key.Name} twice");
        }
    }

    public Type Type { get; }

    public IReadOnlyList<DeclaredParameter> Parameters { get; }

    public static RequestContract Of(Type type) => Contracts.GetOrAdd(type, t => new RequestContract(t));

    public bool Declares(BindingSource place, string name) => names.Contains((place.Id, name));

    /// <summary>The contract of the endpoint serving <paramref name="context"/>, if it declares one.</summary>
    public static RequestContract? Of(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<RequestContract>();

    /// <summary>A handler asked for a name its operation does not declare: a bug, not a bad request.</summary>
    public void Require(BindingSource place, string name)
    {
        if (!Declares(place, name))
        {
            throw new InvalidOperationException($"The operation reads the {place.DisplayName} parameter '{name}', which {Type.Name} does not declare");
        }
    }
}

/// <summary>One parameter of a <see cref="RequestContract"/>.</summary>
public sealed record DeclaredParameter(string Name, BindingSource Place, Type Type, bool Required, string? Description, IReadOnlyList<string>? AllowedValues, RangeAttribute? Range)
{
    internal static DeclaredParameter Of(PropertyInfo property)
    {
        var (place, name) = property.GetCustomAttributes().OfType<IBindingSourceMetadata>().FirstOrDefault() switch
        {
            FromFormAttribute form => (BindingSource.Form, form.Name),
            FromQueryAttribute query => (BindingSource.Query, query.Name),
            FromHeaderAttribute header => (BindingSource.Header, header.Name),
            FromRouteAttribute route => (BindingSource.Path, route.Name),
            _ => throw new InvalidOperationException($"{property.DeclaringType?.Name}.{property.Name} names no place ([FromForm], [FromQuery], [FromHeader] or [FromRoute])"),
        };
        return new DeclaredParameter(
            name ?? property.Name,
            place,
            Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType,
            property.IsDefined(typeof(RequiredAttribute)),
            property.GetCustomAttribute<DescriptionAttribute>()?.Description,
            property.GetCustomAttribute<AllowedValuesAttribute>()?.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList(),
            property.GetCustomAttribute<RangeAttribute>());
    }
}

/// <summary>A list operation's answer: its items under <see cref="Key"/>, beside Twilio's paging envelope.</summary>
public sealed record ListContract(Type ItemType, string Key, ListEnvelope Envelope);

public enum ListEnvelope
{
    /// <summary>Twilio's v1 APIs: the items and a <c>meta</c> object.</summary>
    Meta,

    /// <summary>API 2010: the items beside flat <c>page</c>, <c>page_size</c>, <c>*_uri</c> fields.</summary>
    Legacy,
}

public static class RequestContractExtensions
{
    /// <summary>Declares what the operation takes (see <see cref="RequestContract"/>).</summary>
    public static RouteHandlerBuilder Takes<TRequest>(this RouteHandlerBuilder builder) => builder.Takes(typeof(TRequest));

    public static RouteHandlerBuilder Takes(this RouteHandlerBuilder builder, Type request) =>
        builder.WithMetadata(RequestContract.Of(request));

    /// <summary>Declares a list answer: <typeparamref name="TItem"/>s under <paramref name="key"/> beside Twilio's paging fields.</summary>
    public static RouteHandlerBuilder Lists<TItem>(this RouteHandlerBuilder builder, string key, ListEnvelope envelope = ListEnvelope.Meta) =>
        builder.Lists(typeof(TItem), key, envelope);

    public static RouteHandlerBuilder Lists(this RouteHandlerBuilder builder, Type item, string key, ListEnvelope envelope = ListEnvelope.Meta) =>
        builder.WithMetadata(new ListContract(item, key, envelope));
}
