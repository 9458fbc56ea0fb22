using System.Text;
using ConversationEngine.Conversations;
using Orleans.Serialization;

namespace ConversationEngine.Grains.Persistence;

/// <summary>
/// The conversation list as a table (<c>EngineConversations</c>): one row per conversation,
/// upserted by the conversation, read by position range with the filters in SQL, so listing reads
/// an index and never activates anyone. The same statements run on SQLite and PostgreSQL.
/// </summary>
internal sealed class TableConversationIndex(EngineDatabase database, Serializer serializer) : IConversationIndex
{
    private const string Put =
        "INSERT INTO EngineConversations (ServiceId, ChatServiceSid, ConversationSid, State, DateCreated, LastActivity, Payload) " +
        "VALUES (@s, @cs, @c, @state, @created, @activity, @p) " +
        "ON CONFLICT (ServiceId, ConversationSid) DO UPDATE SET State = excluded.State, DateCreated = excluded.DateCreated, " +
        "LastActivity = excluded.LastActivity, Payload = excluded.Payload RETURNING Position";

    private const string Touch =
        "UPDATE EngineConversations SET LastActivity = @activity WHERE ServiceId = @s AND ConversationSid = @c AND LastActivity < @activity";

    private const string Remove = "DELETE FROM EngineConversations WHERE ServiceId = @s AND ConversationSid = @c";

    private const string Get = "SELECT Position, LastActivity, Payload FROM EngineConversations WHERE ServiceId = @s AND ConversationSid = @c";

    public Task PutAsync(ListedConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var header = conversation.Header;
        return database.WriteSharedAsync(
            Put,
            ("@cs", header.ChatServiceSid),
            ("@c", header.Sid),
            ("@state", header.State),
            ("@created", header.DateCreated.ToUnixTimeSeconds()),
            ("@activity", conversation.LastActivity.ToUnixTimeSeconds()),
            ("@p", serializer.SerializeToArray(conversation)));
    }

    public Task TouchAsync(string conversationSid, DateTimeOffset lastActivity) =>
        database.WriteAsync(Touch, ("@c", conversationSid), ("@activity", lastActivity.ToUnixTimeSeconds()));

    public Task RemoveAsync(string conversationSid) => database.WriteAsync(Remove, ("@c", conversationSid));

    public async Task<ListedConversation?> GetAsync(string conversationSid) =>
        (await database.ReadAsync(Get, ("@c", conversationSid))).Select(Entry).FirstOrDefault().Conversation;

    public async Task<IReadOnlyList<(long Position, ListedConversation Conversation)>> ListAsync(ConversationQuery query, long start, bool descending, int max)
    {
        ArgumentNullException.ThrowIfNull(query);

        // Only the filters given are in the statement: PostgreSQL cannot type a null parameter
        // compared with "IS NULL", and each shape has an index to use.
        var sql = new StringBuilder("SELECT Position, LastActivity, Payload FROM EngineConversations WHERE ServiceId = @s AND ChatServiceSid = @cs");
        var parameters = new List<(string, object)> { ("@cs", query.ChatServiceSid), ("@start", start), ("@max", max) };
        sql.Append(descending ? " AND Position <= @start" : " AND Position >= @start");
        if (query.State is { } state)
        {
            sql.Append(" AND State = @state");
            parameters.Add(("@state", state));
        }

        if (query.CreatedFrom is { } from)
        {
            sql.Append(" AND DateCreated >= @from");
            parameters.Add(("@from", from.ToUnixTimeSeconds()));
        }

        if (query.CreatedBefore is { } before)
        {
            sql.Append(" AND DateCreated < @before");
            parameters.Add(("@before", before.ToUnixTimeSeconds()));
        }

        sql.Append(descending ? " ORDER BY Position DESC" : " ORDER BY Position").Append(" LIMIT @max");
        return (await database.ReadAsync(sql.ToString(), [.. parameters])).Select(Entry).ToList();
    }

    private (long Position, ListedConversation Conversation) Entry(object[] row)
    {
        var conversation = serializer.Deserialize<ListedConversation>((byte[])row[2]) ?? throw new InvalidOperationException("An empty conversation payload.");
        return ((long)row[0], conversation with { LastActivity = DateTimeOffset.FromUnixTimeSeconds((long)row[1]) });
    }
}
