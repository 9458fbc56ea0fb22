using System.Data.Common;

namespace ConversationEngine.Tests.Support;

/// <summary>
/// Plays a second activation of a conversation (two can run for a moment while a silo dies): it
/// writes an event of its own at a sequence number the conversation is about to hand out.
/// </summary>
public static class ForeignEvents
{
    /// <summary>Copies the conversation's first event to <paramref name="sequence"/>: the same bytes, another event's place.</summary>
    public static async Task TakeAsync(DbConnection connection, string conversationSid, long sequence)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO EngineEvents (ServiceId, ConversationSid, Sequence, Recorded, DedupeKey, Payload) " +
            $"SELECT ServiceId, ConversationSid, {sequence}, Recorded, DedupeKey, Payload FROM EngineEvents WHERE ConversationSid = @c AND Sequence = 1";
        var parameter = command.CreateParameter();
        (parameter.ParameterName, parameter.Value) = ("@c", conversationSid);
        command.Parameters.Add(parameter);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
