using System.Globalization;

namespace ConversationEngine.Api.Http;

/// <summary>
/// API 2010's flat list envelope (<c>page</c>, <c>page_size</c>, <c>start</c>, <c>end</c> and relative
/// <c>*_uri</c> links beside the items), paged with the same <c>PageSize</c>/<c>Page</c>/<c>PageToken</c>.
/// </summary>
public static class LegacyPaging
{
    public static Dictionary<string, object?> Envelope<T>(string key, string listUri, Paging paging, Page<T> page, IReadOnlyList<object> items)
    {
        var start = paging.Position ?? 0;
        return new Dictionary<string, object?>
        {
            ["first_page_uri"] = Uri(listUri, paging.PageSize, 0, null),
            ["next_page_uri"] = page.Next is { } next ? Uri(listUri, paging.PageSize, paging.Page == int.MaxValue ? paging.Page : paging.Page + 1, next) : null,
            ["previous_page_uri"] = page.Previous is { } previous ? Uri(listUri, paging.PageSize, Math.Max(paging.Page - 1, 0), previous) : null,
            ["page"] = paging.Page,
            ["page_size"] = paging.PageSize,
            ["start"] = start,
            ["end"] = items.Count == 0 ? start : start + items.Count - 1,
            ["uri"] = Uri(listUri, paging.PageSize, paging.Page, paging.Position),
            [key] = items,
        };
    }

    private static string Uri(string listUri, int pageSize, int page, long? position) =>
        string.Create(CultureInfo.InvariantCulture, $"{listUri}?PageSize={pageSize}&Page={page}")
        + (position is { } p ? "&PageToken=" + Paging.Token(p) : "");
}
