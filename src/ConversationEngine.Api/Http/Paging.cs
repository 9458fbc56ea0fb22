using System.Globalization;
using System.Text;

namespace ConversationEngine.Api.Http;

/// <summary>
/// Twilio's list paging: <c>PageSize</c>, <c>Page</c> (client state, echoed) and <c>PageToken</c>
/// (an opaque position from a previous answer), and the <c>meta</c> envelope built from them.
/// </summary>
public sealed class Paging
{
    public const int DefaultPageSize = 50;

    /// <summary>Twilio's cap for lists whose spec states none of its own (Messaging v1, 2010-04-01).</summary>
    public const int MaxPageSize = 1000;
    private const string TokenPrefix = "PT";

    private Paging(int pageSize, int page, long? position)
    {
        PageSize = pageSize;
        Page = page;
        Position = position;
    }

    public int PageSize { get; }

    public int Page { get; }

    /// <summary>Where this page starts, or null for the first page.</summary>
    public long? Position { get; }

    /// <summary>
    /// Reads the paging parameters of a list whose spec caps <c>PageSize</c> at
    /// <paramref name="maxPageSize"/>; beyond it, or below 1, the request is refused.
    /// </summary>
    public static Paging From(HttpRequest request, int maxPageSize)
    {
        var pageSize = Number(request, "PageSize", Math.Min(DefaultPageSize, maxPageSize));
        if (pageSize < 1 || pageSize > maxPageSize)
        {
            throw Errors.Invalid("PageSize", $"must be between 1 and {maxPageSize}");
        }

        var page = Number(request, "Page", 0);
        if (page < 0)
        {
            throw Errors.Invalid("Page", "must not be negative");
        }

        var token = Form.Query(request, "PageToken");
        return new Paging(pageSize, page, token is null ? null : Decode(token));
    }

    public object Meta(string key, string listUrl, IEnumerable<KeyValuePair<string, string>>? filters, long? next, long? previous) => new
    {
        page = Page,
        page_size = PageSize,
        first_page_url = Url(listUrl, filters, 0, null),
        previous_page_url = previous is null ? null : Url(listUrl, filters, Math.Max(Page - 1, 0), previous),
        url = Url(listUrl, filters, Page, Position),
        next_page_url = next is null ? null : Url(listUrl, filters, Page == int.MaxValue ? Page : Page + 1, next),
        key,
    };

    private string Url(string listUrl, IEnumerable<KeyValuePair<string, string>>? filters, int page, long? position)
    {
        var url = new StringBuilder(listUrl).Append('?');
        foreach (var (name, value) in filters ?? [])
        {
            url.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
        }

        url.Append(CultureInfo.InvariantCulture, $"PageSize={PageSize}&Page={page}");
        if (position is not null)
        {
            url.Append("&PageToken=").Append(Encode(position.Value));
        }

        return url.ToString();
    }

    /// <summary>The opaque <c>PageToken</c> for a position, as <see cref="From"/> reads it back.</summary>
    public static string Token(long position) => TokenPrefix + position.ToString(CultureInfo.InvariantCulture);

    private static string Encode(long position) => Token(position);

    private static long Decode(string token) =>
        token.StartsWith(TokenPrefix, StringComparison.Ordinal)
        && long.TryParse(token.AsSpan(TokenPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : throw Errors.Invalid(Errors.InvalidPageToken, "Invalid PageToken");

    private static int Number(HttpRequest request, string name, int fallback)
    {
        var text = Form.Query(request, name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Errors.Invalid(name, $"'{text}' is not an integer");
    }
}
