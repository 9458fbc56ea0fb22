using ConversationEngine.Events;
using Orleans.Serialization;

namespace ConversationEngine.Grains.Persistence;

/// <summary>An event as stored in the feed table: Orleans' binary form of <see cref="ConversationEvent"/>.</summary>
internal sealed class EngineEventCodec(Serializer serializer)
{
    public byte[] Encode(ConversationEvent change) => serializer.SerializeToArray(change);

    public ConversationEvent Decode(byte[] payload) => serializer.Deserialize<ConversationEvent>(payload) ?? throw new InvalidOperationException("An empty event payload.");

    /// <summary>The feed's columns an insert names, and the parameters that fill them, in order.</summary>
    public const string Columns = "EngineEvents (ServiceId, ConversationSid, Sequence, Recorded, DedupeKey, Payload)";

    public const string Values = "@s, @c, @q, @r, @k, @e";

    /// <summary>
    /// An event already recorded under its dedupe key (a delivery status seen twice) is skipped.
    /// Its sequence taken by another event is not: that means another activation of the
    /// conversation wrote there, and the change with it must fail rather than go unannounced.
    /// </summary>
    private const string SkipDuplicate = "ON CONFLICT (ServiceId, ConversationSid, DedupeKey) WHERE DedupeKey IS NOT NULL DO NOTHING";

    /// <summary>SQLite: the event, only if the statement before it changed a row (one transaction with it).</summary>
    public const string SqliteInsertIfChanged = $"INSERT INTO {Columns} SELECT {Values} WHERE changes() = 1 {SkipDuplicate}";

    /// <summary>PostgreSQL: the event, for each row <paramref name="source"/> (a CTE of the change) yields.</summary>
    public static string PostgresInsertFrom(string source) => $"INSERT INTO {Columns} SELECT {Values} FROM {source} {SkipDuplicate}";

    /// <summary>Whether <paramref name="error"/> is a uniqueness violation (an index or a sequence another writer holds).</summary>
    public static bool IsTaken(Exception error) =>
        error is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation }
        or Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 };

    /// <summary>The parameters that insert <paramref name="change"/> (@q sequence, @r recorded, @k dedupe key, @e payload; @c is the caller's).</summary>
    public (string Name, object Value)[] Parameters(ConversationEvent change) =>
    [
        ("@q", change.Sequence),
        ("@r", change.Date.ToUnixTimeSeconds()),
        ("@k", (object?)change.DedupeKey ?? DBNull.Value),
        ("@e", Encode(change)),
    ];
}

/// <summary>The feed table on either database; inserts share commits with the other writes (<see cref="EngineDatabase.WriteSharedAsync"/>).</summary>
internal sealed class TableEventStore(EngineDatabase database, EngineEventCodec codec, bool postgres) : IEventStore
{
    /// <summary>Inserts one event unless its sequence or dedupe key is there (@s, @c and the codec's parameters).</summary>
    public static string Insert(bool postgres) => postgres
        ? $"INSERT INTO {EngineEventCodec.Columns} VALUES ({EngineEventCodec.Values}) ON CONFLICT DO NOTHING RETURNING Sequence"
        : $"INSERT OR IGNORE INTO {EngineEventCodec.Columns} VALUES ({EngineEventCodec.Values}) RETURNING Sequence";

    public async Task<IReadOnlyList<ConversationEvent>> AppendAsync(IReadOnlyList<ConversationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var placed = await Task.WhenAll(events.Select(async change =>
            (await database.WriteSharedAsync(Insert(postgres), [("@c", change.ConversationSid), .. codec.Parameters(change)])).Count > 0
            || change.DedupeKey is not null
            || await HoldsAsync(change)));
        return events.Where((_, i) => !placed[i]).ToList();
    }

    /// <summary>Whether the feed holds this very event at its sequence (stored before), not another one.</summary>
    private async Task<bool> HoldsAsync(ConversationEvent change)
    {
        var rows = await database.ReadAsync(
            "SELECT Payload FROM EngineEvents WHERE ServiceId = @s AND ConversationSid = @c AND Sequence = @q",
            ("@c", change.ConversationSid), ("@q", change.Sequence));
        return rows.Count > 0 && codec.Decode((byte[])rows[0][0]) is { } stored && stored.Type == change.Type && stored.Date == change.Date;
    }

    public async Task<IReadOnlyList<ConversationEvent>> ReadAsync(string conversationSid, long after, int max) =>
        (await database.ReadAsync(
            "SELECT Payload FROM EngineEvents WHERE ServiceId = @s AND ConversationSid = @c AND Sequence > @after ORDER BY Sequence LIMIT @max",
            ("@c", conversationSid), ("@after", after), ("@max", max)))
        .Select(r => codec.Decode((byte[])r[0])).ToList();

    public async Task<long> HighestAsync(string conversationSid)
    {
        var rows = await database.ReadAsync("SELECT MAX(Sequence) FROM EngineEvents WHERE ServiceId = @s AND ConversationSid = @c", ("@c", conversationSid));
        return rows[0][0] is long highest ? highest : 0;
    }

    public async Task<IReadOnlyList<(string ConversationSid, long Highest)>> RecentAsync(DateTimeOffset since, int max) =>
        (await database.ReadAsync(
            "SELECT ConversationSid, MAX(Sequence) FROM EngineEvents WHERE ServiceId = @s AND Recorded >= @since GROUP BY ConversationSid LIMIT @max",
            ("@since", since.ToUnixTimeSeconds()), ("@max", max)))
        .Select(r => ((string)r[0], (long)r[1])).ToList();
}
