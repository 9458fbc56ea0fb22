using ConversationEngine.Accounts;
using ConversationEngine.Rules;
using Orleans.Concurrency;

namespace ConversationEngine.Conversations;

[StatelessWorker]
public sealed class ConversationListGrain(IConversationIndex index, IGrainFactory grains, TimeProvider time) : Grain, IConversationListGrain
{
    /// <summary>Services whose directory of earlier versions this activation has seen moved into the table.</summary>
    private readonly HashSet<string> moved = [];

    public async Task<IReadOnlyList<ConversationListEntry>> ListAsync(ConversationQuery query, long start, bool descending, int max)
    {
        ArgumentNullException.ThrowIfNull(query);
        await MoveDirectoryAsync(query.ChatServiceSid);
        var now = time.UtcNowToSecond();
        var found = new List<ConversationListEntry>();
        var position = start;
        while (found.Count < max)
        {
            var wanted = max - found.Count;
            var rows = await index.ListAsync(query, position, descending, wanted);
            foreach (var (at, listed) in rows)
            {
                // The table filters on the state as stored; a timer already due moves it on here.
                var conversation = listed.Project(now);
                if (query.State is null || conversation.State == query.State)
                {
                    found.Add(new ConversationListEntry { Position = at, Conversation = conversation });
                }
            }

            if (rows.Count < wanted)
            {
                break;
            }

            position = rows[^1].Position + (descending ? -1 : 1);
        }

        return found;
    }

    private async Task MoveDirectoryAsync(string chatServiceSid)
    {
        if (!moved.Contains(chatServiceSid))
        {
            await grains.GetGrain<IChatServiceGrain>(chatServiceSid).MoveDirectoryAsync();
            moved.Add(chatServiceSid);
        }
    }
}
