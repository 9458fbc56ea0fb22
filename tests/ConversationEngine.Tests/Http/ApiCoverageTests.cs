using System.Text.RegularExpressions;
using ConversationEngine.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Every operation of Twilio's Conversations v1 OpenAPI document (../shared/twilio-oai) is either
/// served by the engine or listed in <see cref="NotServed"/> with its reason, and nothing listed
/// there is served, so the list stays honest as resources arrive.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed partial class ApiCoverageTests(EngineFixture fixture)
{
    /// <summary>Paths of the document not served yet (every operation of the path), each with why.</summary>
    private static readonly Dictionary<string, string> NotServed = new(StringComparer.Ordinal)
    {
    };

    [Fact]
    public void Every_operation_of_the_conversations_spec_is_served_or_listed_as_not_served_with_a_reason()
    {
        var operations = SpecOperations();
        Assert.True(operations.Count >= 100, $"only {operations.Count} operations read from the spec: is it the whole document?");
        var served = ServedOperations();

        var missing = operations
            .Where(o => !served.Contains(Normalize(o.Method, o.Path)) && !NotServed.ContainsKey(o.Path))
            .Select(o => $"{o.Method} {o.Path}")
            .ToList();
        Assert.True(missing.Count == 0, "Neither served nor listed in NotServed:\n" + string.Join("\n", missing));

        var listedButServed = operations
            .Where(o => NotServed.ContainsKey(o.Path) && served.Contains(Normalize(o.Method, o.Path)))
            .Select(o => $"{o.Method} {o.Path}")
            .ToList();
        Assert.True(listedButServed.Count == 0, "Served, so remove from NotServed:\n" + string.Join("\n", listedButServed));

        var unknown = NotServed.Keys.Where(path => !operations.Exists(o => o.Path == path)).ToList();
        Assert.True(unknown.Count == 0, "NotServed names paths the spec does not have:\n" + string.Join("\n", unknown));
        Assert.All(NotServed.Values, reason => Assert.False(string.IsNullOrWhiteSpace(reason)));
    }

    /// <summary>(method, path) of every operation, read from the document's <c>paths</c> section.</summary>
    private static List<(string Method, string Path)> SpecOperations()
    {
        var operations = new List<(string Method, string Path)>();
        string? path = null;
        foreach (var line in File.ReadLines(SpecFile()))
        {
            if (PathLine().Match(line) is { Success: true } p)
            {
                path = p.Groups[1].Value;
            }
            else if (line.Length > 0 && !line.StartsWith(' '))
            {
                // A top-level key (components:, paths:…) ends the path being read.
                path = null;
            }
            else if (path is not null && MethodLine().Match(line) is { Success: true } m)
            {
                operations.Add((m.Groups[1].Value.ToUpperInvariant(), path));
            }
        }

        return operations;
    }

    private HashSet<string> ServedOperations()
    {
        var endpoints = fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return endpoints
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(method => Normalize(method, "/" + (e.RoutePattern.RawText ?? "").Trim('/'))))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Parameter names differ between the engine's routes and the spec; only their places count.</summary>
    private static string Normalize(string method, string path) => method + " " + Parameter().Replace(path.TrimEnd('/'), "{}");

    private static string SpecFile()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ConversationEngine.sln")))
        {
            directory = directory.Parent;
        }

        var file = Path.GetFullPath(Path.Combine(
            directory?.FullName ?? throw new InvalidOperationException("solution root not found"),
            "..", "shared", "twilio-oai", "twilio_conversations_v1.yaml"));
        Assert.True(File.Exists(file), $"Twilio's Conversations OpenAPI document is not at {file}");
        return file;
    }

    [GeneratedRegex(@"^  (/v1/[^:\s]*):\s*$")]
    private static partial Regex PathLine();

    [GeneratedRegex(@"^    (get|post|put|patch|delete):\s*$")]
    private static partial Regex MethodLine();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
