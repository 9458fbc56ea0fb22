using System.Net;
using System.Text.Json.Nodes;
using ConversationEngine.Api.Http;
using ConversationEngine.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using YamlDotNet.RepresentationModel;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// The served OpenAPI document (<c>/openapi/v1.json</c>) is valid OpenAPI, describes every operation
/// completely, and agrees with Twilio's published documents (../shared/twilio-oai) wherever the two
/// overlap: same paths, same parameter names, places, required-ness and allowed values, same success
/// statuses, same response field names. What the engine adds is listed here with its reason.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed class OpenApiDocumentTests(EngineFixture fixture)
{
    /// <summary>Twilio's documents and where their paths are served (Messaging v1 under <c>/messaging</c>).</summary>
    private static readonly (string File, string Prefix, bool ServedWhole)[] TwilioSpecs =
    [
        ("twilio_conversations_v1.yaml", "", true),
        ("twilio_messaging_v1.yaml", "/messaging", false),
        ("twilio_api_v2010.yaml", "", false),
    ];

    /// <summary>
    /// Parameters the engine takes beyond Twilio's, as "operationId place name" ("*" for every
    /// operation), each with why. Anything else that differs fails the comparison.
    /// </summary>
    private static readonly Dictionary<string, string> ParameterAdditions = new(StringComparer.Ordinal)
    {
        ["* header Idempotency-Key"] = "Engine extension on creates: a retried request answers with the first outcome instead of creating twice.",
        ["CreateIncomingPhoneNumber form Capabilities"] = "The engine registers numbers Twilio provisioned; it picks senders by channel, which Twilio knows from the number itself.",
        ["UpdateIncomingPhoneNumber form Capabilities"] = "As for CreateIncomingPhoneNumber.",
        ["CreateIncomingPhoneNumber form Mps"] = "The engine paces its sends per sender; Twilio meters throughput on its side.",
        ["UpdateIncomingPhoneNumber form Mps"] = "As for CreateIncomingPhoneNumber.",
        ["UpdateShortCode form Mps"] = "As for CreateIncomingPhoneNumber.",
        ["UpdateUserConversation header X-Twilio-Webhook-Enabled"] = "The engine fires webhooks for a user's read horizon and notification level changes on request, as Twilio's other writes do.",
        ["DeleteUserConversation header X-Twilio-Webhook-Enabled"] = "As UpdateUserConversation (leaving the conversation).",
        ["UpdateServiceUserConversation header X-Twilio-Webhook-Enabled"] = "As UpdateUserConversation.",
        ["DeleteServiceUserConversation header X-Twilio-Webhook-Enabled"] = "As UpdateUserConversation.",
    };

    /// <summary>
    /// Where the engine's answers differ from the schemas of Twilio's documents (named as Twilio names
    /// them; a nested object as <c>schema.field</c>), field by field, each with why.
    /// </summary>
    private static readonly (string Schema, string Change, string[] Fields, string Reason)[] FieldDifferences =
    [
        ("conversations.v1.conversation.conversation_message", "adds", ["chat_service_sid"],
            "One record serves the short and the service paths; on the short path the field is left out of the answer, as Twilio's is."),
        ("conversations.v1.conversation.conversation_participant", "adds", ["chat_service_sid"], "As for conversation_message."),
        ("conversations.v1.conversation.conversation_participant", "adds", ["consent"],
            "Engine extension: the messaging participant's consent on its channel (state, source, date; null for chat participants), which Twilio's helper libraries ignore."),
        ("conversations.v1.service.service_conversation.service_conversation_participant", "adds", ["consent"], "As for conversation_participant."),
        ("conversations.v1.conversation.conversation_message.conversation_message_receipt", "adds", ["chat_service_sid"], "As for conversation_message."),
        ("conversations.v1.conversation.conversation_scoped_webhook", "adds", ["chat_service_sid"], "As for conversation_message."),
        ("conversations.v1.conversation.conversation_message", "adds", ["media[].sid", "media[].size", "media[].content_type", "media[].filename", "media[].url"],
            "Twilio's document leaves the media objects' fields unnamed; the engine names the ones its answers (and Twilio's) carry."),
        ("conversations.v1.service.service_conversation.service_conversation_message", "adds", ["media[].sid", "media[].size", "media[].content_type", "media[].filename", "media[].url"],
            "As for conversation_message."),
        ("api.v2010.account.incoming_phone_number", "lacks",
            ["address_sid", "address_requirements", "beta", "identity_sid", "origin", "sms_application_sid", "sms_fallback_method", "sms_fallback_url", "sms_method", "sms_url",
             "status_callback", "status_callback_method", "trunk_sid", "voice_receive_mode", "voice_application_sid", "voice_caller_id_lookup", "voice_fallback_method",
             "voice_fallback_url", "voice_method", "voice_url", "emergency_status", "emergency_address_sid", "emergency_address_status", "bundle_sid"],
            "The engine registers numbers Twilio provisioned as messaging senders: voice, SIP trunk, emergency, address and bundle settings stay in Twilio, and inbound messages reach the engine through its Messaging Services."),
        ("api.v2010.account.incoming_phone_number", "lacks", ["capabilities.mms", "capabilities.sms", "capabilities.voice", "capabilities.fax"],
            "The engine's capabilities are the channels it sends on (a list such as [\"sms\",\"mms\"]), not Twilio's per-channel flags."),
        ("api.v2010.account.incoming_phone_number", "adds", ["iso_country", "mps"],
            "The sender's country and throughput, which the engine's sender choice and sending pace use."),
        ("api.v2010.account.incoming_phone_number", "adds", ["date_missing"],
            "Imported from the Twilio account and no longer there since then (kept for the conversations using it, never chosen again); null otherwise."),
        ("api.v2010.account.short_code", "adds", ["iso_country", "capabilities", "mps"], "As for incoming_phone_number."),
        ("api.v2010.account.short_code", "adds", ["date_missing"], "As for incoming_phone_number."),
        ("messaging.v1.service", "adds", ["date_missing"], "As for incoming_phone_number: an imported service Twilio no longer lists."),
    ];

    /// <summary>Success statuses in Twilio's documents the engine never answers, as "operationId status", each with why.</summary>
    private static readonly Dictionary<string, string> StatusOmissions = new(StringComparer.Ordinal)
    {
        ["CreateConversationWithParticipants 202"] = "The engine creates the conversation and its participants before it answers (201), never in the background.",
        ["CreateServiceConversationWithParticipants 202"] = "As CreateConversationWithParticipants.",
        ["MessagingCreatePhoneNumber 200"] = "Adding a sender always creates its pool entry (201); a sender already there is refused (21710).",
        ["MessagingCreateShortCode 200"] = "As MessagingCreatePhoneNumber.",
    };

    /// <summary>POST operations that take no form, each with why.</summary>
    private static readonly Dictionary<string, string> PostsWithoutForm = new(StringComparer.Ordinal)
    {
        ["CreateConversationReopen"] = "Reopens the conversation the path names; nothing else to say.",
        ["CreateServiceConversationReopen"] = "As CreateConversationReopen.",
        ["TwilioIncomingMessage"] = "Twilio's own callback, signed; its parameters are Twilio's messaging webhook's (MediaUrl0…n and more).",
        ["TwilioStatusCallback"] = "Twilio's own callback, signed; its parameters are Twilio's status callback's.",
        ["CreateTwilioSync"] = "Imports the connected Twilio account now; nothing to say but that.",
        ["CreateMedia"] = "The file is the body (any media type), or one file part of a multipart/form-data body, as Twilio's Media Content Service takes it.",
    };

    /// <summary>Operations whose success is the media content itself, not JSON.</summary>
    private static readonly HashSet<string> BinaryAnswers = new(StringComparer.Ordinal) { "FetchMediaContent", "FetchSignedMediaContent" };

    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal) { "get", "post", "delete", "put", "patch" };

    [Fact]
    public async Task Document_is_served_without_credentials_and_is_valid_OpenAPI()
    {
        using var anonymous = fixture.Host.CreateClient();
        using var response = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();

        var settings = new OpenApiReaderSettings();
        settings.AddJsonReader();
        var read = OpenApiDocument.Parse(json, OpenApiConstants.Json, settings);
        Assert.True(read.Diagnostic?.Errors.Count is null or 0, "Unreadable: " + string.Join("\n", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        Assert.NotNull(read.Document);
        var errors = read.Document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, "Invalid OpenAPI:\n" + string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.True(read.Document.Paths.Count >= 70, $"only {read.Document.Paths.Count} paths");
    }

    [Fact]
    public async Task Every_operation_declares_its_inputs_answers_failures_and_credentials()
    {
        var document = await ServedAsync();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("basic", (string?)schemes["accountSid_authToken"]!["scheme"]);
        Assert.Equal("X-Twilio-Token", (string?)schemes["accessToken"]!["name"]);
        var error = document["components"]!["schemas"]!["TwilioError"]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["code", "message", "more_info", "status"], error);

        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var id = (string?)operation["operationId"] ?? $"{method} {path}";
            if (operation["operationId"] is null || operation["tags"] is not JsonArray { Count: > 0 })
            {
                problems.Add($"{id}: no operationId or tag");
            }

            var responses = operation["responses"]!.AsObject();
            var success = responses.Where(r => r.Key.StartsWith('2')).ToList();
            if (success.Count == 0 || success.Any(r => r.Key != "204" && r.Value!["content"]?["application/json"]?["schema"] is null && id is not ("TwilioIncomingMessage" or "TwilioStatusCallback") && !BinaryAnswers.Contains(id)))
            {
                problems.Add($"{id}: no described success answer");
            }

            if (responses.Where(r => r.Key[0] is '4' or '5').Any(r => (string?)Resolve(document, r.Value!)["content"]?["application/json"]?["schema"]?["$ref"] != "#/components/schemas/TwilioError")
                || !responses.ContainsKey("400") || !responses.ContainsKey("503"))
            {
                problems.Add($"{id}: failures without Twilio's error body");
            }

            // Twilio's signed webhooks, and signed media URLs (the signature is the credential).
            var anonymous = path.StartsWith("/webhooks/", StringComparison.Ordinal) || path.StartsWith("/media/", StringComparison.Ordinal);
            if (!anonymous && (operation["security"] is not JsonArray { Count: 2 } || !responses.ContainsKey("401")))
            {
                problems.Add($"{id}: no security requirement");
            }

            if (method == "post" && operation["requestBody"]?["content"]?["application/x-www-form-urlencoded"]?["schema"]?["properties"] is null && !PostsWithoutForm.ContainsKey(id))
            {
                problems.Add($"{id}: a POST without its form");
            }

            if (path.Contains('{', StringComparison.Ordinal) && !responses.ContainsKey("404"))
            {
                problems.Add($"{id}: names a resource but answers no 404");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var list = document["paths"]!["/v1/Conversations"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("#/components/schemas/ListMeta", (string?)list["properties"]!["meta"]!["$ref"]);
        Assert.Equal("#/components/schemas/ConversationResource", (string?)list["properties"]!["conversations"]!["items"]!["$ref"]);
    }

    [Fact]
    public async Task Operations_shared_with_Twilio_take_the_same_parameters_and_answer_the_same_fields()
    {
        var (compared, differences, stale) = Compare(await ServedAsync());
        Assert.True(compared >= 100, $"only {compared} operations compared");
        Assert.True(differences.Count == 0, $"{differences.Count} differences from Twilio's documents:\n" + string.Join("\n", differences));
        Assert.True(stale.Count == 0, "Listed differences that no longer exist:\n" + string.Join("\n", stale));
    }

    [Fact]
    public async Task Comparison_with_Twilio_catches_a_renamed_parameter_an_extra_one_and_a_missing_field()
    {
        var ours = await ServedAsync();
        var form = ours["paths"]!["/v1/Conversations"]!["post"]!["requestBody"]!["content"]!["application/x-www-form-urlencoded"]!["schema"]!["properties"]!.AsObject();
        var friendlyName = form["FriendlyName"]!.DeepClone();
        form.Remove("FriendlyName");
        form["Friendlyname"] = friendlyName;
        ours["paths"]!["/v1/Conversations"]!["get"]!["parameters"]!.AsArray().Add(new JsonObject { ["name"] = "Sort", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } });
        ours["components"]!["schemas"]!["ConversationResource"]!["properties"]!.AsObject().Remove("unique_name");

        var (_, differences, _) = Compare(ours);

        Assert.Contains("CreateConversation: lacks Twilio's form FriendlyName", differences);
        Assert.Contains(differences, d => d.StartsWith("CreateConversation: takes form Friendlyname", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("ListConversation: takes query Sort", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("conversations.v1.conversation: lacks the field unique_name", StringComparison.Ordinal));
    }

    /// <summary>How many operations were compared, every unlisted difference, and listed differences no longer found.</summary>
    private static (int Compared, List<string> Differences, List<string> Stale) Compare(JsonNode ours)
    {
        var served = Operations(ours).ToDictionary(o => $"{o.Method} {o.Path}", StringComparer.Ordinal);
        var differences = new List<string>();
        var compared = 0;
        var additionsUsed = new HashSet<string>(StringComparer.Ordinal);
        var omissionsUsed = new HashSet<string>(StringComparer.Ordinal);
        var fieldDifferences = new HashSet<(string Schema, string Change, string Field)>();
        var differencesUsed = new HashSet<(string, string, string)>();
        foreach (var (file, prefix, servedWhole) in TwilioSpecs)
        {
            var theirs = TwilioSpec(file);
            foreach (var (path, method, operation) in Operations(theirs))
            {
                if (!served.TryGetValue($"{method} {prefix}{path}", out var mine))
                {
                    if (servedWhole)
                    {
                        differences.Add($"{method.ToUpperInvariant()} {prefix}{path}: not in the served document");
                    }

                    continue;
                }

                compared++;
                var id = (string?)mine.Operation["operationId"] ?? "";
                var theirParameters = Parameters(theirs, operation);
                var myParameters = Parameters(ours, mine.Operation);
                foreach (var (name, parameter) in theirParameters)
                {
                    if (!myParameters.TryGetValue(name, out var my))
                    {
                        differences.Add($"{id}: lacks Twilio's {name}");
                    }
                    else if (my.Required != parameter.Required)
                    {
                        differences.Add($"{id}: {name} is {(my.Required ? "" : "not ")}required, Twilio's is{(parameter.Required ? "" : " not")}");
                    }
                    else if (!my.Values.SetEquals(parameter.Values))
                    {
                        differences.Add($"{id}: {name} allows [{string.Join(", ", my.Values)}], Twilio's [{string.Join(", ", parameter.Values)}]");
                    }
                }

                foreach (var name in myParameters.Keys.Where(n => !theirParameters.ContainsKey(n)))
                {
                    var key = ParameterAdditions.ContainsKey($"* {name}") ? $"* {name}" : $"{id} {name}";
                    if (!ParameterAdditions.ContainsKey(key))
                    {
                        differences.Add($"{id}: takes {name}, which Twilio's does not (list it in ParameterAdditions with a reason if intended)");
                    }

                    additionsUsed.Add(key);
                }

                var theirStatuses = Successes(operation).ToHashSet(StringComparer.Ordinal);
                var myStatuses = Successes(mine.Operation).ToHashSet(StringComparer.Ordinal);
                foreach (var status in myStatuses.Except(theirStatuses))
                {
                    differences.Add($"{id}: answers {status}, which Twilio's never does");
                }

                foreach (var status in theirStatuses.Except(myStatuses))
                {
                    if (!StatusOmissions.ContainsKey($"{id} {status}"))
                    {
                        differences.Add($"{id}: never answers Twilio's {status} (list it in StatusOmissions with a reason if intended)");
                    }

                    omissionsUsed.Add($"{id} {status}");
                }

                foreach (var status in theirStatuses.Intersect(myStatuses))
                {
                    var theirSchema = Resolve(theirs, operation["responses"]![status]!)["content"]?["application/json"]?["schema"];
                    var mySchema = Resolve(ours, mine.Operation["responses"]![status]!)["content"]?["application/json"]?["schema"];
                    if (theirSchema is null || mySchema is null)
                    {
                        if (theirSchema is not null || mySchema is not null)
                        {
                            differences.Add($"{id} {status}: only one of the two answers has a body");
                        }

                        continue;
                    }

                    fieldDifferences.UnionWith(CompareFields(theirs, theirSchema, ours, mySchema, $"{id} {status}", 0));
                }
            }
        }

        foreach (var (schema, change, field) in fieldDifferences)
        {
            var allowed = Array.FindIndex(FieldDifferences, d => d.Schema == schema && d.Change == change && d.Fields.Contains(field));
            if (allowed < 0)
            {
                differences.Add($"{schema}: {change} the field {field} (list it in FieldDifferences with a reason if intended)");
            }

            differencesUsed.Add((schema, change, field));
        }

        var stale = ParameterAdditions.Keys.Except(additionsUsed)
            .Concat(StatusOmissions.Keys.Except(omissionsUsed))
            .Concat(FieldDifferences.SelectMany(d => d.Fields.Where(f => !differencesUsed.Contains((d.Schema, d.Change, f))).Select(f => $"{d.Schema} {d.Change} {f}")))
            .ToList();
        return (compared, differences, stale);
    }

    [Fact]
    public async Task Reference_page_is_served_without_credentials_from_the_engine_alone()
    {
        using var anonymous = fixture.Host.CreateClient();
        using var page = await anonymous.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);

        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("\"openapi/v1.json\"", html, StringComparison.Ordinal);
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*\\ssrc=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.False(Uri.TryCreate(script, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal), $"{script} loads from elsewhere");
            using var asset = await anonymous.GetAsync(new Uri(page.RequestMessage!.RequestUri!, script));
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }
    }

    [Fact]
    public void A_handler_reading_a_form_name_its_operation_does_not_declare_fails()
    {
        var context = new DefaultHttpContext();
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(RequestContract.Of(typeof(Probe))), "probe"));
        context.Request.QueryString = new QueryString("?Known=1&Unknown=2");
        var form = new Form(new FormCollection(new() { ["Known"] = "a", ["Unknown"] = "b" }), RequestContract.Of(context));

        Assert.Equal("a", form.Value("Known"));
        Assert.Throws<InvalidOperationException>(() => form.Value("Unknown"));
        Assert.Throws<InvalidOperationException>(() => form.Has("Unknown"));
        Assert.Equal("1", Form.Query(context.Request, "Known"));
        Assert.Throws<InvalidOperationException>(() => Form.Query(context.Request, "Unknown"));
    }

    private sealed record Probe
    {
        [FromForm(Name = "Known")]
        public string? KnownField { get; init; }

        [FromQuery(Name = "Known")]
        public string? KnownFilter { get; init; }
    }

    private sealed record Parameter(bool Required, HashSet<string> Values);

    /// <summary>Every parameter by "place name" (path, query, header, form), with required-ness and allowed values.</summary>
    private static Dictionary<string, Parameter> Parameters(JsonNode document, JsonNode operation)
    {
        var parameters = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var node in operation["parameters"]?.AsArray() ?? [])
        {
            var parameter = Resolve(document, node!);
            parameters[$"{parameter["in"]} {parameter["name"]}"] = new Parameter((bool?)Flag(parameter["required"]) ?? false, Values(document, parameter["schema"]));
        }

        var form = operation["requestBody"] is { } body ? Resolve(document, body)["content"]?["application/x-www-form-urlencoded"]?["schema"] : null;
        if (form is not null)
        {
            form = Resolve(document, form);
            var required = form["required"]?.AsArray().Select(r => (string?)r).ToHashSet(StringComparer.Ordinal) ?? [];
            foreach (var (name, schema) in form["properties"]?.AsObject() ?? [])
            {
                parameters[$"form {name}"] = new Parameter(required.Contains(name), Values(document, schema));
            }
        }

        return parameters;
    }

    private static HashSet<string> Values(JsonNode document, JsonNode? schema)
    {
        if (schema is null)
        {
            return [];
        }

        schema = Resolve(document, schema);
        if (schema["type"] is JsonValue type && (string?)type == "array" && schema["items"] is { } items)
        {
            schema = Resolve(document, items);
        }

        return schema["enum"]?.AsArray().Select(v => v?.ToString() ?? "").ToHashSet(StringComparer.Ordinal) ?? [];
    }

    private static IEnumerable<string> Successes(JsonNode operation) =>
        operation["responses"]!.AsObject().Select(r => r.Key).Where(s => s.StartsWith('2'));

    /// <summary>
    /// The field names two answers' schemas differ by, named after Twilio's schema (its component
    /// name, or the operation and status for an inline one), and below: list items and nested objects.
    /// </summary>
    private static IEnumerable<(string Schema, string Change, string Field)> CompareFields(JsonNode theirs, JsonNode theirSchema, JsonNode ours, JsonNode mySchema, string name, int depth, bool keepName = false)
    {
        name = !keepName && theirSchema["$ref"] is { } reference ? ((string)reference!).Split('/')[^1] : name;
        var theirFields = Resolve(theirs, theirSchema)["properties"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!) ?? [];
        var myFields = Resolve(ours, mySchema)["properties"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!) ?? [];
        foreach (var field in theirFields.Keys.Except(myFields.Keys))
        {
            yield return (name, "lacks", field);
        }

        foreach (var field in myFields.Keys.Except(theirFields.Keys))
        {
            yield return (name, "adds", field);
        }

        if (depth >= 2)
        {
            yield break;
        }

        foreach (var field in theirFields.Keys.Intersect(myFields.Keys))
        {
            var (their, mine) = (Resolve(theirs, theirFields[field]), Resolve(ours, myFields[field]));
            var list = their["items"] is not null || mine["items"] is not null;
            var (theirInner, myInner) = list ? (their["items"] ?? new JsonObject(), mine["items"] ?? new JsonObject()) : (their, mine);
            if (Resolve(theirs, theirInner)["properties"] is null && Resolve(ours, myInner)["properties"] is null)
            {
                continue;
            }

            // A list's items are compared as their own schema; a nested object's fields as name.field.
            if (list && theirInner["$ref"] is not null)
            {
                foreach (var difference in CompareFields(theirs, theirInner, ours, myInner, name, depth + 1))
                {
                    yield return difference;
                }

                continue;
            }

            foreach (var (_, change, inner) in CompareFields(theirs, theirInner, ours, myInner, name, depth + 1, keepName: true))
            {
                yield return (name, change, $"{field}{(list ? "[]" : "")}.{inner}");
            }
        }
    }

    private static JsonNode Resolve(JsonNode document, JsonNode node)
    {
        for (var depth = 0; node["$ref"] is { } reference && depth < 10; depth++)
        {
            var target = document;
            foreach (var part in ((string)reference!).TrimStart('#', '/').Split('/'))
            {
                target = target[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
                    ?? throw new InvalidOperationException($"{reference} does not resolve");
            }

            node = target;
        }

        return node;
    }

    private static bool? Flag(JsonNode? node) => node?.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        System.Text.Json.JsonValueKind.String => bool.Parse((string)node!),
        _ => null,
    };

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()
            .Where(m => Methods.Contains(m.Key))
            .Select(m => (p.Key, m.Key, m.Value!)));

    private async Task<JsonNode> ServedAsync()
    {
        using var anonymous = fixture.Host.CreateClient();
        return JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonNode> Specs = new(StringComparer.Ordinal);

    /// <summary>One of Twilio's YAML documents as JSON nodes (every scalar a string), read once.</summary>
    private static JsonNode TwilioSpec(string file) => Specs.GetOrAdd(file, ReadSpec);

    private static JsonNode ReadSpec(string file)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(SpecFile(file)))
        {
            yaml.Load(reader);
        }

        return ToJson(yaml.Documents[0].RootNode)!;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static string SpecFile(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ConversationEngine.sln")))
        {
            directory = directory.Parent;
        }

        var file = Path.GetFullPath(Path.Combine(
            directory?.FullName ?? throw new InvalidOperationException("solution root not found"),
            "..", "shared", "twilio-oai", name));
        Assert.True(File.Exists(file), $"Twilio's OpenAPI document is not at {file}");
        return file;
    }
}
