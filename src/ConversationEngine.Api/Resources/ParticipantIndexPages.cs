using ConversationEngine.Api.Http;
using ConversationEngine.Indexes;

namespace ConversationEngine.Api.Resources;

/// <summary>
/// A page of an identity's or an address's conversations (ParticipantConversations, User
/// Conversations): the index is read a page (plus one) at a time, each entry resolved, and an
/// entry that resolves to nothing (gone, renamed, still initializing) skipped without shortening
/// the page.
/// </summary>
internal static class ParticipantIndexPages
{
    public static async Task<(List<T> Items, long? Next, long? Previous)> ReadAsync<T>(
        IParticipantConversationsGrain index, Paging paging, Func<ParticipantConversationEntry, Task<T?>> resolve)
        where T : class
    {
        var found = new List<T>();
        var position = paging.Position ?? 0;
        long? next = null;
        while (next is null)
        {
            var asked = paging.PageSize - found.Count + 1;
            var entries = await index.ListAsync(position, descending: false, asked);
            var resolved = await Task.WhenAll(entries.Select(resolve));
            foreach (var (entry, item) in entries.Zip(resolved))
            {
                if (item is null)
                {
                    continue;
                }

                if (found.Count == paging.PageSize)
                {
                    next = entry.Position;
                    break;
                }

                found.Add(item);
            }

            if (entries.Count < asked)
            {
                break;
            }

            position = entries[^1].Position + 1;
        }

        // The previous page starts a page's worth of entries back (stale ones included: a token
        // only has to lead somewhere sensible).
        long? previous = null;
        if (paging.Position is > 0 and { } start)
        {
            var before = await index.ListAsync(start - 1, descending: true, paging.PageSize);
            previous = before.Count > 0 ? before[^1].Position : null;
        }

        return (found, next, previous);
    }
}
