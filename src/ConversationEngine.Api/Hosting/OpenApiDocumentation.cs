using System.Text.Json.Nodes;
using ConversationEngine.Api.Http;
using ConversationEngine.Api.Resources;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ConversationEngine.Api.Hosting;

/// <summary>
/// The served OpenAPI document (<c>/openapi/v1.json</c>) and its reference page (<c>/docs</c>),
/// both readable without credentials: the document is what Twilio publishes for its own API plus
/// the engine's extensions, and the page's "try it" sends the credentials its reader types.
/// </summary>
public static class OpenApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/docs";

    public static IServiceCollection AddEngineOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddOperationTransformer<OperationContracts>();
            o.AddDocumentTransformer<DocumentConventions>();

            // TwilioJson writes dates with its own converter, which hides their type from the generator.
            o.AddSchemaTransformer((schema, context, _) =>
            {
                var type = context.JsonTypeInfo.Type;
                if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
                {
                    schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                    schema.Format = "date-time";
                }

                return Task.CompletedTask;
            });
        });

    public static WebApplication MapEngineOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();

        // Scalar's page and script come from its assembly; fonts, telemetry, the AI agent and MCP
        // would reach other hosts, so they are off, and the page's policy allows this origin only.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(ReferencePath, StringComparison.OrdinalIgnoreCase),
            branch => branch.Use((context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    var nonce = context.Items[ScalarOptions.NonceHttpContextItemKey] as string;
                    context.Response.Headers.ContentSecurityPolicy =
                        "default-src 'self'; " +
                        $"script-src 'self'{(nonce is null ? "" : $" 'nonce-{nonce}'")}; " +
                        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
                        "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
                    return Task.CompletedTask;
                });
                return next(context);
            }));
        app.MapScalarApiReference(ReferencePath, options =>
        {
            options.WithTitle("ConversationEngine API")
                .WithOpenApiRoutePattern(DocumentPath)
                .DisableDefaultFonts()
                .WithNonce()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .AddPreferredSecuritySchemes([DocumentConventions.Basic]);
            options.Telemetry = false;
            options.ShowOperationId = true;
            options.HideModels = false;
        }).AllowAnonymous();
        return app;
    }
}

/// <summary>
/// Writes each operation from what its endpoint declares: path parameters from the route (described
/// by its <see cref="RequestContract"/>), query and header parameters and the form body from the
/// contract, list answers with their paging envelope (<see cref="ListContract"/>), Twilio's error
/// body for the failures the engine answers, and the credentials it needs.
/// </summary>
internal sealed class OperationContracts : IOpenApiOperationTransformer
{
    private const string FormContent = "application/x-www-form-urlencoded";
    private const string JsonContent = "application/json";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document ?? throw new InvalidOperationException("The operation transformer runs without its document");
        var contract = metadata.OfType<RequestContract>().LastOrDefault();
        var route = RoutePatternFactory.Parse("/" + (context.Description.RelativePath ?? ""));

        operation.Parameters = Parameters(route, contract, metadata).ToList<IOpenApiParameter>();
        // A form when the contract has one; a declared raw body (a media upload) as described; else none.
        operation.RequestBody = contract?.Parameters.Any(p => p.Place == BindingSource.Form) == true ? FormBody(contract)
            : metadata.OfType<IAcceptsMetadata>().Any() ? operation.RequestBody
            : null;

        operation.Responses ??= [];
        if (metadata.OfType<ListContract>().LastOrDefault() is { } list)
        {
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = "A page of the list",
                Content = new Dictionary<string, OpenApiMediaType> { [JsonContent] = new() { Schema = await ListSchemaAsync(list, document, context, cancellationToken) } },
            };
        }

        foreach (var (status, response) in operation.Responses.Where(r => r.Key.StartsWith('2')))
        {
            if (response is OpenApiResponse { Description: null or "" or "OK" } described)
            {
                described.Description = status switch { "201" => "Created", "202" => "Accepted", "204" => "Deleted", _ => "OK" };
            }
        }

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var error = await SchemaReferenceAsync(typeof(TwilioError), document, context, cancellationToken);
        foreach (var (status, name, description) in Failures(context.Description.HttpMethod ?? "GET", route, contract, metadata, anonymous))
        {
            // Each failure is described once, among the document's responses, and referenced.
            document.Components!.Responses ??= new Dictionary<string, IOpenApiResponse>();
            document.Components.Responses.TryAdd(name, new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { [JsonContent] = new() { Schema = error } },
            });
            operation.Responses.TryAdd(status, new OpenApiResponseReference(name, document));
        }

        if (!anonymous)
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentConventions.Basic, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentConventions.AccessToken, document)] = [] },
            ];
        }
    }

    private static IEnumerable<OpenApiParameter> Parameters(RoutePattern route, RequestContract? contract, IList<object> metadata)
    {
        var declared = contract?.Parameters ?? [];
        foreach (var name in route.Parameters.Select(p => p.Name))
        {
            var parameter = declared.FirstOrDefault(p => p.Place == BindingSource.Path && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            yield return new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Description = parameter?.Description ?? PathDescription(name),
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }

        var missing = declared.FirstOrDefault(p => p.Place == BindingSource.Path && !route.Parameters.Any(r => string.Equals(r.Name, p.Name, StringComparison.Ordinal)));
        if (missing is not null)
        {
            throw new InvalidOperationException($"{contract!.Type.Name} declares the path parameter {missing.Name}, which the route {route.RawText} does not have (or spells differently)");
        }

        foreach (var parameter in declared.Where(p => p.Place == BindingSource.Query || p.Place == BindingSource.Header))
        {
            yield return new OpenApiParameter
            {
                Name = parameter.Name,
                In = parameter.Place == BindingSource.Query ? ParameterLocation.Query : ParameterLocation.Header,
                Required = parameter.Required,
                Description = parameter.Description,
                Schema = Schema(parameter),
            };
        }

        if (metadata.OfType<IdempotentOperation>().Any())
        {
            yield return new OpenApiParameter
            {
                Name = IdempotencyFilter.Header,
                In = ParameterLocation.Header,
                Description = "Engine extension: a key (1 to 255 characters) that makes the request safe to repeat for 24 hours. A repeat answers with the first outcome and the Idempotent-Replayed: true header, and creates nothing.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
            };
        }
    }

    private static string PathDescription(string name) => name switch
    {
        ServiceScope.RouteValue => "The SID of the Conversation Service the resource is associated with.",
        _ => $"The {name} of the resource.",
    };

    private static OpenApiRequestBody FormBody(RequestContract contract)
    {
        var fields = contract.Parameters.Where(p => p.Place == BindingSource.Form).ToList();
        return new OpenApiRequestBody
        {
            Required = fields.Any(f => f.Required),
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [FormContent] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Title = contract.Type.Name,
                        Properties = fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)Schema(f)),
                        Required = fields.Where(f => f.Required).Select(f => f.Name).ToHashSet(),
                    },
                },
            },
        };
    }

    internal static OpenApiSchema Schema(DeclaredParameter parameter)
    {
        var element = parameter.Type.IsGenericType && parameter.Type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
            ? parameter.Type.GetGenericArguments()[0]
            : null;
        var scalar = Scalar(element ?? parameter.Type);
        if (parameter.AllowedValues is { } values)
        {
            scalar.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();
        }

        if (parameter.Range is { } range)
        {
            scalar.Minimum = Convert.ToString(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            scalar.Maximum = Convert.ToString(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
        }

        var schema = element is null ? scalar : new OpenApiSchema { Type = JsonSchemaType.Array, Items = scalar };
        if (parameter.Place == BindingSource.Form)
        {
            // A query or header parameter carries its description itself.
            schema.Description = parameter.Description;
        }

        return schema;
    }

    private static OpenApiSchema Scalar(Type type) => type switch
    {
        _ when type == typeof(int) => new() { Type = JsonSchemaType.Integer, Format = "int32" },
        _ when type == typeof(long) => new() { Type = JsonSchemaType.Integer, Format = "int64" },
        _ when type == typeof(bool) => new() { Type = JsonSchemaType.Boolean },
        _ when type == typeof(double) || type == typeof(decimal) => new() { Type = JsonSchemaType.Number },
        _ when type == typeof(DateTimeOffset) => new() { Type = JsonSchemaType.String, Format = "date-time" },
        _ when type == typeof(string) => new() { Type = JsonSchemaType.String },
        _ => throw new InvalidOperationException($"No OpenAPI type for a parameter of type {type.Name}"),
    };

    private static async Task<IOpenApiSchema> ListSchemaAsync(ListContract list, OpenApiDocument document, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var items = new OpenApiSchema { Type = JsonSchemaType.Array, Items = await SchemaReferenceAsync(list.ItemType, document, context, cancellationToken) };
        if (list.Envelope == ListEnvelope.Legacy)
        {
            var properties = new Dictionary<string, IOpenApiSchema>
            {
                [list.Key] = items,
                ["end"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["first_page_uri"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["next_page_uri"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["page"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["page_size"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["previous_page_uri"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["start"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["uri"] = new OpenApiSchema { Type = JsonSchemaType.String },
            };
            return new OpenApiSchema { Type = JsonSchemaType.Object, Properties = properties, Required = properties.Keys.ToHashSet() };
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema> { [list.Key] = items, ["meta"] = DocumentConventions.MetaReference(document) },
            Required = new HashSet<string> { list.Key, "meta" },
        };
    }

    /// <summary>A reference to the type's schema among the document's components, added there on first use.</summary>
    private static async Task<IOpenApiSchema> SchemaReferenceAsync(Type type, OpenApiDocument document, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(type.Name))
        {
            document.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
        }

        return new OpenApiSchemaReference(type.Name, document);
    }

    /// <summary>The failures an operation can answer (status, response name, description), each with Twilio's error body and the codes it carries.</summary>
    private static IEnumerable<(string Status, string Name, string Description)> Failures(string method, RoutePattern route, RequestContract? contract, IList<object> metadata, bool anonymous)
    {
        var writes = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method);
        var idempotent = metadata.OfType<IdempotentOperation>().Any();
        yield return ("400", "InvalidRequest", "Invalid request: a malformed or refused parameter (20001, or the resource's own code, such as 50304 for Attributes that are not JSON or 21481 for a bad PageToken).");
        if (anonymous)
        {
            yield return ("403", "BadSignature", "The X-Twilio-Signature header does not match the request.");
        }
        else
        {
            yield return ("401", "Unauthenticated", "No or wrong credentials (20003), or an invalid access token (20101 to 20107).");
            yield return ("403", "Forbidden", "The access token's user lacks the role permission or sent a parameter only account credentials may send (50107), may not read the conversation (50531), or a pre-action webhook refused the change (20403).");
            yield return ("429", "TooManyFailedAttempts", "Too many failed authentication attempts from this address or user name (20429); see Retry-After.");
        }

        if (route.Parameters.Count > 0)
        {
            yield return ("404", "NotFound", "The resource, or one the path names, does not exist (20404).");
        }

        if (HttpMethods.IsPost(method) && !anonymous)
        {
            const string conflict = "A conflict with existing resources, such as a taken unique name (50353), a messaging binding another conversation holds (50416), an identity already in the conversation (50433), a user that exists (50201) or a sender in a service (21710, 21712)";
            yield return idempotent
                ? ("409", "ConflictOrKeyInUse", conflict + ", or a request with the same Idempotency-Key still being carried out (20409).")
                : ("409", "Conflict", conflict + ".");
        }

        if (contract?.Parameters.Any(p => p.Place == BindingSource.Form) == true)
        {
            yield return ("413", "PayloadTooLarge", "The request body is too large (20413).");
            yield return ("415", "UnsupportedMediaType", "The parameters are not sent as application/x-www-form-urlencoded (20001).");
        }

        if (idempotent)
        {
            yield return ("422", "IdempotencyKeyReused", "The Idempotency-Key was used with a different request (20422).");
        }

        yield return ("503", "Unavailable", "The engine cannot reach its cluster or database right now; retry the request (20500).");
        if (writes)
        {
            yield return ("504", "OutcomeUnknown", "The request timed out after it may have been carried out: read the resource back before repeating it (20500).");
        }
    }
}

/// <summary>
/// The document as a whole: its description, the two ways to authenticate, Twilio's <c>meta</c>
/// paging envelope, and tag groups that keep the engine's own operations apart from Twilio's.
/// </summary>
internal sealed class DocumentConventions : IOpenApiDocumentTransformer
{
    public const string Basic = "accountSid_authToken";
    public const string AccessToken = "accessToken";
    private const string Meta = "ListMeta";

    /// <summary>Operator and engine-only tags; every other tag is one of Twilio's resources.</summary>
    private static readonly string[] EngineTags = ["Operator", "Twilio webhooks"];

    private static readonly string[] MessagingTags = ["Messaging Services", "Messaging Service senders", "Incoming phone numbers", "Short codes"];

    public static IOpenApiSchema MetaReference(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(Meta))
        {
            var nullableString = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "uri" };
            var properties = new Dictionary<string, IOpenApiSchema>
            {
                ["first_page_url"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
                ["next_page_url"] = nullableString,
                ["page"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["page_size"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["previous_page_url"] = nullableString,
                ["url"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
                ["key"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The name of the list's items' field." },
            };
            document.AddComponent(Meta, new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Twilio's paging envelope: PageSize, Page and PageToken of the neighbouring pages as URLs.",
                Properties = properties,
                Required = properties.Keys.ToHashSet(),
            });
        }

        return new OpenApiSchemaReference(Meta, document);
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "ConversationEngine",
            Version = "v1",
            Description =
                "Twilio's Conversations v1 REST API (and the Messaging v1 and 2010 sender resources it needs), served by a self-hosted engine: " +
                "the same paths, form-encoded PascalCase parameters, snake_case JSON, `meta` paging and Twilio's error body. " +
                "Authenticate with HTTP Basic (account SID and auth token, or an API key SID and secret), or as a user with an Access Token in `X-Twilio-Token`. " +
                "The Operator group is the engine's own API, not Twilio's.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Basic] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "Account SID and auth token, or an API key SID (SK…) and its secret.",
        };
        document.Components.SecuritySchemes[AccessToken] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AccessTokenAuthentication.Header,
            Description = "A Twilio Access Token (JWT) with a Chat grant: the request acts as its identity, within that user's roles.",
        };

        var tags = document.Paths.Values
            .SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var groups = new JsonArray
        {
            Group("Conversations", tags.Where(t => !EngineTags.Contains(t) && !MessagingTags.Contains(t))),
            Group("Messaging and senders", tags.Where(MessagingTags.Contains)),
            Group("Engine", tags.Where(EngineTags.Contains)),
        };
        document.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        document.Extensions["x-tagGroups"] = new JsonNodeExtension(groups);
        return Task.CompletedTask;
    }

    private static JsonObject Group(string name, IEnumerable<string> tags) =>
        new() { ["name"] = name, ["tags"] = new JsonArray(tags.Order(StringComparer.Ordinal).Select(t => (JsonNode)JsonValue.Create(t)).ToArray()) };
}
