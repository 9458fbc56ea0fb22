using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ConversationEngine.Tests.Support;

/// <summary>
/// One of Twilio's published OpenAPI documents (twilio-oai, <c>../shared/twilio-oai</c>), read once
/// per process and shared: finds the operation a request addresses and checks the request's path,
/// query and form parameters against it, and a JSON answer against the operation's response schema.
/// </summary>
/// <remarks>
/// The YAML is read with YamlDotNet into JSON nodes whose scalars are all strings (<c>"true"</c>,
/// <c>"34"</c>), so numbers and flags of the schemas are parsed where used. <c>$ref</c>s
/// (<c>#/components/schemas/…</c>) are resolved wherever a schema is read.
/// </remarks>
internal sealed partial class TwilioOpenApi
{
    /// <summary>The file of Api v2010 (<c>/2010-04-01/…</c>, api.twilio.com).</summary>
    public const string Api2010File = "twilio_api_v2010.yaml";

    /// <summary>The file of Messaging v1 (<c>/v1/…</c>, messaging.twilio.com).</summary>
    public const string MessagingV1File = "twilio_messaging_v1.yaml";

    private static readonly ConcurrentDictionary<string, Lazy<TwilioOpenApi>> Loaded = new(StringComparer.Ordinal);

    private readonly JsonObject root;
    private readonly List<PathTemplate> paths;

    private TwilioOpenApi(JsonObject root)
    {
        this.root = root;
        paths = ((JsonObject?)root["paths"] ?? [])
            .Select(p => new PathTemplate(p.Key, (JsonObject)p.Value!))
            .ToList();
    }

    /// <summary>The document in <paramref name="file"/>, read on first use and shared by every stand-in.</summary>
    public static TwilioOpenApi Get(string file) =>
        Loaded.GetOrAdd(file, f => new Lazy<TwilioOpenApi>(() => Read(f), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>The document a request path belongs to: v2010 for <c>/2010-04-01/…</c>, Messaging v1 for <c>/v1/…</c>.</summary>
    public static TwilioOpenApi? ForPath(string path) =>
        path.StartsWith("/2010-04-01/", StringComparison.Ordinal) ? Get(Api2010File)
        : path.StartsWith("/v1/", StringComparison.Ordinal) ? Get(MessagingV1File)
        : null;

    /// <summary>
    /// The operation for <paramref name="method"/> on <paramref name="path"/>, preferring the template
    /// with the fewest parameters (<c>IncomingPhoneNumbers/Local.json</c> over <c>IncomingPhoneNumbers/{Sid}.json</c>).
    /// Null when no path template matches; an operation with a null <see cref="SpecOperation.Operation"/>
    /// when the path exists but not the method.
    /// </summary>
    public SpecOperation? Find(string method, string path)
    {
        PathTemplate? best = null;
        Dictionary<string, string>? bestValues = null;
        foreach (var template in paths)
        {
            if (template.Match(path) is { } values && (best is null || template.ParameterCount < best.ParameterCount))
            {
                best = template;
                bestValues = values;
            }
        }

        if (best is null)
        {
            return null;
        }

        var operation = best.Item[method.ToLowerInvariant()] as JsonObject;
        return new SpecOperation(this, best.Template, method.ToUpperInvariant(), operation, bestValues!);
    }

    /// <summary>Follows <c>$ref</c>s (<c>#/components/schemas/x</c>) to the schema they name.</summary>
    public JsonObject? Resolve(JsonNode? schema)
    {
        var current = schema as JsonObject;
        for (var hops = 0; current is not null && current["$ref"] is JsonValue reference && hops < 16; hops++)
        {
            var target = reference.GetValue<string>();
            if (!target.StartsWith("#/", StringComparison.Ordinal))
            {
                return null;
            }

            JsonNode? node = root;
            foreach (var part in target[2..].Split('/'))
            {
                node = node?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }

            current = node as JsonObject;
        }

        return current;
    }

    /// <summary>
    /// Why <paramref name="value"/> (as sent in a query or form) does not match <paramref name="schema"/>,
    /// or null when it does: type (integer, number, boolean as <c>true</c>/<c>false</c>), enum,
    /// pattern, length, minimum/maximum, and <c>format: uri</c> as an absolute http(s) URL.
    /// </summary>
    /// <remarks>An empty value for a <c>format: uri</c> field is accepted: Twilio clears a URL that way.</remarks>
    public string? CheckValue(JsonNode? schemaNode, string value)
    {
        var schema = Resolve(schemaNode);
        if (schema is null)
        {
            return null;
        }

        var type = Text(schema, "type");
        switch (type)
        {
            case "integer":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return $"must be an integer, got '{value}'";
                }

                if (Number(schema, "minimum") is { } min && integer < min)
                {
                    return $"must be at least {min}, got {integer}";
                }

                if (Number(schema, "maximum") is { } max && integer > max)
                {
                    return $"must be at most {max}, got {integer}";
                }

                break;
            case "number":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return $"must be a number, got '{value}'";
                }

                if (Number(schema, "minimum") is { } nmin && number < nmin)
                {
                    return $"must be at least {nmin}, got {value}";
                }

                if (Number(schema, "maximum") is { } nmax && number > nmax)
                {
                    return $"must be at most {nmax}, got {value}";
                }

                break;
            case "boolean":
                if (value is not ("true" or "false"))
                {
                    return $"must be a boolean (true or false), got '{value}'";
                }

                break;
            case "array":
                return CheckValue(schema["items"], value);
            default:
                if (Text(schema, "format") == "uri" && value.Length == 0)
                {
                    return null;
                }

                if (schema["enum"] is JsonArray values && !values.Any(v => v?.GetValue<string>() == value))
                {
                    return $"must be one of {string.Join(", ", values.Select(v => v?.GetValue<string>()))}, got '{value}'";
                }

                if (Number(schema, "minLength") is { } minLength && value.Length < minLength)
                {
                    return $"must be at least {minLength} characters long, got '{value}'";
                }

                if (Number(schema, "maxLength") is { } maxLength && value.Length > maxLength)
                {
                    return $"must be at most {maxLength} characters long, got '{value}'";
                }

                if (Text(schema, "pattern") is { } pattern && !Pattern(pattern).IsMatch(value))
                {
                    return $"must match the pattern {pattern}, got '{value}'";
                }

                if (Text(schema, "format") == "uri"
                    && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
                {
                    return $"must be an absolute http(s) URI (format: uri), got '{value}'";
                }

                break;
        }

        return null;
    }

    /// <summary>
    /// Where the JSON answer <paramref name="body"/> strays from <paramref name="schemaNode"/>: a property
    /// the schema does not declare (at any depth, list envelopes included), a null where the schema is not
    /// nullable, a value of another type, a string outside the enum or pattern. Formats are not checked
    /// (Twilio's own examples give relative <c>uri</c>s for <c>format: uri</c>).
    /// </summary>
    public void CheckJson(JsonNode? schemaNode, JsonNode? body, string at, List<string> problems)
    {
        var schema = Resolve(schemaNode);
        if (schema is null)
        {
            return;
        }

        if (body is null)
        {
            if (Text(schema, "nullable") != "true")
            {
                problems.Add($"{at} is null but the schema does not declare it nullable");
            }

            return;
        }

        var type = Text(schema, "type");
        switch (body)
        {
            case JsonObject obj:
                if (type is not (null or "object"))
                {
                    problems.Add($"{at} is an object but the schema declares {type}");
                    return;
                }

                if (schema["properties"] is not JsonObject properties)
                {
                    return; // a free-form map (links, subresource_uris)
                }

                foreach (var (name, value) in obj)
                {
                    if (properties[name] is { } property)
                    {
                        CheckJson(property, value, $"{at}.{name}", problems);
                    }
                    else
                    {
                        problems.Add($"{at}.{name} is not a property of the response schema");
                    }
                }

                break;
            case JsonArray array:
                if (type != "array")
                {
                    problems.Add($"{at} is an array but the schema declares {type ?? "no type"}");
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    CheckJson(schema["items"], array[i], $"{at}[{i}]", problems);
                }

                break;
            case JsonValue value:
                var kind = value.GetValueKind();
                var ok = type switch
                {
                    "string" => kind == System.Text.Json.JsonValueKind.String,
                    "integer" => kind == System.Text.Json.JsonValueKind.Number && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
                    "number" => kind == System.Text.Json.JsonValueKind.Number,
                    "boolean" => kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
                    null => true,
                    _ => false,
                };
                if (!ok)
                {
                    problems.Add($"{at} is {kind} but the schema declares {type}");
                    return;
                }

                if (kind == System.Text.Json.JsonValueKind.String)
                {
                    var text = value.GetValue<string>();
                    if (schema["enum"] is JsonArray values && !values.Any(v => v?.GetValue<string>() == text))
                    {
                        problems.Add($"{at} is '{text}', not one of the schema's enum");
                    }

                    if (Text(schema, "pattern") is { } pattern && !Pattern(pattern).IsMatch(text))
                    {
                        problems.Add($"{at} is '{text}', which does not match {pattern}");
                    }
                }

                break;
        }
    }

    internal static string? Text(JsonObject schema, string name) => schema[name] is JsonValue v ? v.GetValue<string>() : null;

    private static double? Number(JsonObject schema, string name) =>
        Text(schema, name) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    private static Regex Pattern(string pattern) =>
        Patterns.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    private static TwilioOpenApi Read(string file)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(SpecFile(file)))
        {
            yaml.Load(reader);
        }

        return new TwilioOpenApi((JsonObject)ToJson(yaml.Documents[0].RootNode)!);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => scalar.Value is null || (scalar.Value == "null" && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain) ? null : JsonValue.Create(scalar.Value),
        _ => null,
    };

    /// <summary>The spec file: <c>shared/twilio-oai/{name}</c> in the nearest ancestor of the test binaries that has one.</summary>
    private static string SpecFile(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "twilio-oai", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Twilio's OpenAPI document {name} was not found in shared/twilio-oai above {AppContext.BaseDirectory}", name);
    }

    private sealed partial class PathTemplate
    {
        private readonly Regex regex;

        public PathTemplate(string template, JsonObject item)
        {
            Template = template;
            Item = item;
            var names = Parameter().Matches(template).Select(m => m.Groups[1].Value).ToList();
            ParameterCount = names.Count;
            var pattern = "^" + Parameter().Replace(Regex.Escape(template).Replace(@"\{", "{", StringComparison.Ordinal), m => $"(?<{m.Groups[1].Value}>[^/]+)") + "$";
            regex = new Regex(pattern, RegexOptions.CultureInvariant);
        }

        public string Template { get; }

        public JsonObject Item { get; }

        public int ParameterCount { get; }

        public Dictionary<string, string>? Match(string path)
        {
            var match = regex.Match(path);
            if (!match.Success)
            {
                return null;
            }

            return regex.GetGroupNames().Where(g => !int.TryParse(g, out _))
                .ToDictionary(g => g, g => Uri.UnescapeDataString(match.Groups[g].Value), StringComparer.Ordinal);
        }

        [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
        private static partial Regex Parameter();
    }
}

/// <summary>One operation of a Twilio spec, as matched for one request path.</summary>
internal sealed class SpecOperation(TwilioOpenApi spec, string template, string method, JsonObject? operation, IReadOnlyDictionary<string, string> pathValues)
{
    /// <summary>The spec's path template, e.g. <c>/v1/Services/{Sid}</c>.</summary>
    public string Template { get; } = template;

    /// <summary>The HTTP method, upper case.</summary>
    public string Method { get; } = method;

    /// <summary>The operation object; null when the path has no such method.</summary>
    public JsonObject? Operation { get; } = operation;

    /// <summary>The spec's <c>operationId</c> (<c>ListIncomingPhoneNumber</c>…).</summary>
    public string? OperationId => Operation is null ? null : TwilioOpenApi.Text(Operation, "operationId");

    /// <summary>The path's parameters by the template's names.</summary>
    public IReadOnlyDictionary<string, string> PathValues { get; } = pathValues;

    /// <summary>
    /// Every way the request breaks the operation: path parameters against their schemas, each query
    /// parameter declared (exact name) and matching, each form field a property of the requestBody schema
    /// and matching, <c>required</c> fields present, and the <c>x-twilio</c> <c>conditional</c> groups
    /// (one of <c>phone_number</c>, <c>area_code</c>…) satisfied.
    /// </summary>
    public List<(string Where, string Parameter, string Rule)> CheckRequest(
        IReadOnlyList<KeyValuePair<string, string>> query, IReadOnlyList<KeyValuePair<string, string>> form, bool formContent, bool hasBody)
    {
        var problems = new List<(string, string, string)>();
        if (Operation is null)
        {
            problems.Add(("path", Template, $"declares no {Method} operation"));
            return problems;
        }

        var parameters = (Operation["parameters"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var (name, value) in PathValues)
        {
            var declared = parameters.FirstOrDefault(p => TwilioOpenApi.Text(p, "in") == "path" && TwilioOpenApi.Text(p, "name") == name);
            if (declared is null)
            {
                problems.Add(("path", name, "is not a declared path parameter"));
            }
            else if (spec.CheckValue(declared["schema"], value) is { } rule)
            {
                problems.Add(("path", name, rule));
            }
        }

        foreach (var (name, value) in query)
        {
            var declared = parameters.FirstOrDefault(p => TwilioOpenApi.Text(p, "in") == "query" && TwilioOpenApi.Text(p, "name") == name);
            if (declared is null)
            {
                problems.Add(("query", name, $"is not a query parameter of {OperationId}"));
            }
            else if (spec.CheckValue(declared["schema"], value) is { } rule)
            {
                problems.Add(("query", name, rule));
            }
        }

        foreach (var required in parameters.Where(p => TwilioOpenApi.Text(p, "in") == "query" && TwilioOpenApi.Text(p, "required") == "true"))
        {
            var name = TwilioOpenApi.Text(required, "name")!;
            if (!query.Any(q => q.Key == name))
            {
                problems.Add(("query", name, "is required"));
            }
        }

        var body = Operation["requestBody"]?["content"] as JsonObject;
        var formSchema = spec.Resolve(body?["application/x-www-form-urlencoded"]?["schema"]);
        if (formSchema is null)
        {
            if (form.Count > 0 || (hasBody && body is null))
            {
                problems.Add(("form", form.Count > 0 ? form[0].Key : "(body)", $"{OperationId} takes no request body"));
            }

            return problems;
        }

        if (hasBody && !formContent)
        {
            problems.Add(("form", "(body)", "must be application/x-www-form-urlencoded"));
        }

        var properties = formSchema["properties"] as JsonObject ?? [];
        foreach (var (name, value) in form)
        {
            if (properties[name] is not { } property)
            {
                problems.Add(("form", name, $"is not a property of {TwilioOpenApi.Text(formSchema, "title") ?? OperationId + "'s request body"}"));
            }
            else if (spec.CheckValue(property, value) is { } rule)
            {
                problems.Add(("form", name, rule));
            }
        }

        foreach (var required in (formSchema["required"] as JsonArray ?? []).Select(r => r?.GetValue<string>()).OfType<string>())
        {
            if (!form.Any(f => f.Key == required))
            {
                problems.Add(("form", required, "is required"));
            }
        }

        // x-twilio conditional: each group lists snake_case names of which at least one must be sent.
        foreach (var group in (Operation["x-twilio"]?["conditional"] as JsonArray ?? []).OfType<JsonArray>())
        {
            var names = group.Select(n => n?.GetValue<string>()).OfType<string>().ToList();
            var fields = names.Select(n => properties.Select(p => p.Key).FirstOrDefault(p => Same(p, n)) ?? n).ToList();
            if (!form.Any(f => fields.Contains(f.Key, StringComparer.Ordinal)))
            {
                problems.Add(("form", string.Join("|", fields), $"one of {string.Join(", ", fields)} is required"));
            }
        }

        return problems;

        static bool Same(string pascal, string snake) =>
            string.Equals(pascal, snake.Replace("_", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Where the stand-in's own JSON answer strays from the operation's schema for <paramref name="status"/>.</summary>
    public List<string> CheckResponse(int status, JsonNode? body)
    {
        var problems = new List<string>();
        var response = Operation?["responses"]?[status.ToString(CultureInfo.InvariantCulture)];
        if (response is null)
        {
            problems.Add($"{OperationId} declares no {status} response");
            return problems;
        }

        var schema = response["content"]?["application/json"]?["schema"];
        if (schema is null)
        {
            if (body is not null)
            {
                problems.Add($"{OperationId}'s {status} response declares no JSON body");
            }

            return problems;
        }

        spec.CheckJson(schema, body, "$", problems);
        return problems;
    }
}
