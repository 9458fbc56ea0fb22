using ConversationEngine.Conversations;
using ConversationEngine.Events;
using Orleans.Serialization;

namespace ConversationEngine.Grains.Persistence;

/// <summary>A message as stored in the log table: Orleans' binary form of <see cref="MessageSnapshot"/>.</summary>
internal sealed class EngineMessageCodec(Serializer serializer)
{
    public byte[] Encode(MessageSnapshot message) => serializer.SerializeToArray(message);

    public MessageSnapshot Decode(byte[] payload) => serializer.Deserialize<MessageSnapshot>(payload) ?? throw new InvalidOperationException("An empty message payload.");
}

/// <summary>
/// The message table (<c>EngineMessages</c>): one row per message, appended, read by index range
/// (parameters: @s service, @c conversation, @i index, @m message SID, @p payload). On SQLite the
/// appends of every conversation share the file's writer and its commits.
/// </summary>
internal sealed class TableMessageLogStore(EngineDatabase database, EngineMessageCodec codec, EngineEventCodec events, bool postgres) : IMessageLogStore
{
    private const string SqliteInsert =
        "INSERT OR IGNORE INTO EngineMessages (ServiceId, ConversationSid, MessageIndex, MessageSid, Payload) VALUES (@s, @c, @i, @m, @p); ";

    private const string SqliteHolder = "SELECT MessageSid FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i;";

    private const string PostgresInserted =
        "WITH inserted AS (INSERT INTO EngineMessages (ServiceId, ConversationSid, MessageIndex, MessageSid, Payload) VALUES (@s, @c, @i, @m, @p) " +
        "ON CONFLICT (ServiceId, ConversationSid, MessageIndex) DO NOTHING RETURNING MessageSid)";

    private const string PostgresHolder =
        " SELECT MessageSid FROM inserted UNION ALL SELECT MessageSid FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i LIMIT 1";

    /// <summary>SQLite's "insert unless there", then who holds the index.</summary>
    public const string SqliteAppend = SqliteInsert + SqliteHolder;

    /// <summary>PostgreSQL's: one statement that answers who holds the index either way.</summary>
    public const string PostgresAppend = PostgresInserted + PostgresHolder;

    /// <summary>The append with its event, in one transaction: the event only if the message went in.</summary>
    private const string SqliteAppendWithEvent = SqliteInsert + EngineEventCodec.SqliteInsertIfChanged + "; " + SqliteHolder;

    private static readonly string PostgresAppendWithEvent = PostgresInserted + $", event AS ({EngineEventCodec.PostgresInsertFrom("inserted")})" + PostgresHolder;

    private const string Get =
        "SELECT Payload FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i AND Payload IS NOT NULL";

    private const string Highest = "SELECT MAX(MessageIndex) FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c";

    private const string Replace =
        "UPDATE EngineMessages SET Payload = @p WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i AND MessageSid = @m AND Payload IS NOT NULL";

    private const string Remove = "UPDATE EngineMessages SET Payload = NULL WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex = @i";

    private const string Clear = "DELETE FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c";

    public async Task AppendAsync(MessageSnapshot message, ConversationEvent? added)
    {
        (string, object)[] row = [("@c", message.ConversationSid), ("@i", message.Index), ("@m", message.Sid), ("@p", codec.Encode(message))];
        var rows = await Uncontended(message.Sid, () => added is null
            ? database.WriteSharedAsync(postgres ? PostgresAppend : SqliteAppend, row)
            : database.WriteSharedAsync(postgres ? PostgresAppendWithEvent : SqliteAppendWithEvent, [.. row, .. events.Parameters(added)]));
        var holder = rows.Select(r => r[0] as string).FirstOrDefault();
        if (holder != message.Sid)
        {
            throw Errors.Contended($"Message {message.Sid} (index {message.Index} of {message.ConversationSid}, held by {holder})");
        }
    }

    public async Task<MessageSnapshot?> GetAsync(string conversationSid, long index) =>
        Messages(await database.ReadAsync(Get, ("@c", conversationSid), ("@i", index))).FirstOrDefault();

    public async Task<IReadOnlyList<MessageSnapshot>> RangeAsync(string conversationSid, long first, long last, bool descending, int max) =>
        Messages(await database.ReadAsync(
            "SELECT Payload FROM EngineMessages WHERE ServiceId = @s AND ConversationSid = @c AND MessageIndex BETWEEN @first AND @last AND Payload IS NOT NULL " +
            (descending ? "ORDER BY MessageIndex DESC" : "ORDER BY MessageIndex") + " LIMIT @max",
            ("@c", conversationSid), ("@first", first), ("@last", last), ("@max", max)));

    public async Task<long> HighestIndexAsync(string conversationSid, long known)
    {
        var rows = await database.ReadAsync(Highest, ("@c", conversationSid));
        return Math.Max(known, rows[0][0] is long highest ? highest : -1);
    }

    public async Task ReplaceAsync(MessageSnapshot message, ConversationEvent? change)
    {
        (string, object)[] row = [("@c", message.ConversationSid), ("@i", message.Index), ("@m", message.Sid), ("@p", codec.Encode(message))];
        var result = change is null
            ? await database.WriteAsync(Replace, row)
            : await Uncontended(message.Sid, () => database.WriteAsync(WithEvent(Replace), [.. row, .. events.Parameters(change)]));
        if (result.RecordsAffected == 0)
        {
            throw Errors.Unknown($"Message {message.Sid}");
        }
    }

    public Task RemoveAsync(string conversationSid, long index, ConversationEvent? change) => change is null
        ? database.WriteAsync(Remove, ("@c", conversationSid), ("@i", index))
        : Uncontended($"Message {index} of {conversationSid}", () => database.WriteAsync(WithEvent(Remove), [("@c", conversationSid), ("@i", index), .. events.Parameters(change)]));

    /// <summary>A write whose event's sequence another writer holds fails whole (the row change went back out with it): 503, retry.</summary>
    private static async Task<T> Uncontended<T>(string what, Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (Exception e) when (EngineEventCodec.IsTaken(e))
        {
            throw Errors.Contended(what);
        }
    }

    /// <summary>
    /// An update of a message row with its event, in one transaction, the event only if the row
    /// changed; the rows affected are then 0 exactly when the update changed nothing.
    /// </summary>
    private string WithEvent(string update) => postgres
        ? $"WITH changed AS ({update} RETURNING 1) {EngineEventCodec.PostgresInsertFrom("changed")}"
        : $"{update}; {EngineEventCodec.SqliteInsertIfChanged}";

    public Task ClearAsync(string conversationSid) => database.WriteAsync(Clear, ("@c", conversationSid));

    private List<MessageSnapshot> Messages(IReadOnlyList<object[]> rows) => rows.Select(r => codec.Decode((byte[])r[0])).ToList();
}
