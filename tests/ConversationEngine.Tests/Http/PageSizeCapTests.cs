using System.Net;
using System.Text.RegularExpressions;
using ConversationEngine.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationEngine.Tests.Http;

/// <summary>
/// Every list of Twilio's Conversations v1 document caps <c>PageSize</c> at the <c>maximum</c> its
/// spec states: the maximum is answered, one more is refused with Twilio's error body.
/// </summary>
[Collection(SharedEngine.Name)]
public sealed partial class PageSizeCapTests(EngineFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Every_list_answers_its_spec_maximum_PageSize_and_refuses_one_more_with_20001()
    {
        var caps = SpecCaps();
        Assert.True(caps.Count >= 20, $"only {caps.Count} PageSize maxima read from the spec");
        var served = ServedRoutes();
        var service = (string)(await Client.PostFormAsync("/v1/Services", ("FriendlyName", "page size caps")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var scopes = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal)
        {
            ["/v1"] = await SidsAsync("/v1"),
            [$"/v1/Services/{service}"] = await SidsAsync($"/v1/Services/{service}"),
        };

        var checkedLists = 0;
        foreach (var (path, max) in caps)
        {
            if (!served.Contains(Normalize(path)))
            {
                // Not served yet: ApiCoverageTests keeps that list honest.
                continue;
            }

            var prefix = path.StartsWith("/v1/Services/{ChatServiceSid}", StringComparison.Ordinal) ? $"/v1/Services/{service}" : "/v1";
            var url = path.Replace("{ChatServiceSid}", service, StringComparison.Ordinal);
            foreach (var (name, sid) in scopes[prefix])
            {
                url = url.Replace("{" + name + "}", sid, StringComparison.Ordinal);
            }

            var filter = path.EndsWith("/ParticipantConversations", StringComparison.Ordinal) ? "Identity=caps&" : "";
            var answered = await Client.GetAsync($"{url}?{filter}PageSize={max}").ExpectAsync(HttpStatusCode.OK);
            Assert.True((int?)answered["meta"]?["page_size"] == max, $"{path}: PageSize={max} answered with {answered["meta"]}");
            var refused = await Client.GetAsync($"{url}?{filter}PageSize={max + 1}").ExpectErrorAsync(HttpStatusCode.BadRequest, 20001);
            Assert.Contains("PageSize", (string?)refused["message"], StringComparison.Ordinal);
            checkedLists++;
        }

        Assert.True(checkedLists >= 20, $"only {checkedLists} lists checked");
    }

    /// <summary>A conversation with a message, and a user, in the scope (default or a named service).</summary>
    private async Task<Dictionary<string, string>> SidsAsync(string prefix)
    {
        var conversation = (string)(await Client.PostFormAsync($"{prefix}/Conversations").ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var message = (string)(await Client.PostFormAsync($"{prefix}/Conversations/{conversation}/Messages", ("Body", "hi")).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        var user = (string)(await Client.PostFormAsync($"{prefix}/Users", ("Identity", "caps-" + Guid.NewGuid().ToString("N"))).ExpectAsync(HttpStatusCode.Created))["sid"]!;
        return new(StringComparer.Ordinal) { ["ConversationSid"] = conversation, ["MessageSid"] = message, ["UserSid"] = user };
    }

    /// <summary>(path, maximum) of every operation with a <c>PageSize</c> parameter, read from the document.</summary>
    private static List<(string Path, int Max)> SpecCaps()
    {
        var caps = new List<(string Path, int Max)>();
        string? path = null;
        var inPageSize = false;
        foreach (var line in File.ReadLines(SpecFile()))
        {
            if (PathLine().Match(line) is { Success: true } p)
            {
                path = p.Groups[1].Value;
                inPageSize = false;
            }
            else if (line.Length > 0 && !line.StartsWith(' '))
            {
                path = null;
            }
            else if (path is not null && ParameterName().Match(line) is { Success: true } n)
            {
                inPageSize = n.Groups[1].Value == "PageSize";
            }
            else if (path is not null && inPageSize && Maximum().Match(line) is { Success: true } m)
            {
                caps.Add((path, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
                inPageSize = false;
            }
        }

        return caps;
    }

    private HashSet<string> ServedRoutes() =>
        fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => Normalize("/" + (e.RoutePattern.RawText ?? "").Trim('/')))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static string Normalize(string path) => Placeholder().Replace(path.TrimEnd('/'), "{}");

    private static string SpecFile()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ConversationEngine.sln")))
        {
            directory = directory.Parent;
        }

        return Path.GetFullPath(Path.Combine(
            directory?.FullName ?? throw new InvalidOperationException("solution root not found"),
            "..", "shared", "twilio-oai", "twilio_conversations_v1.yaml"));
    }

    [GeneratedRegex(@"^  (/v1/[^:\s]*):\s*$")]
    private static partial Regex PathLine();

    [GeneratedRegex(@"^\s+- name: (\S+)\s*$")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"^\s+maximum: (\d+)\s*$")]
    private static partial Regex Maximum();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Placeholder();
}
