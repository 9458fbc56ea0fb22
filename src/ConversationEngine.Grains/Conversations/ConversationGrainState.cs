namespace ConversationEngine.Conversations;

[GenerateSerializer]
[Alias("ConversationEngine.ConversationGrainState")]
public sealed class ConversationGrainState
{
    [Id(0)] public ConversationSnapshot? Header { get; set; }
    [Id(1)] public List<ParticipantSnapshot> Participants { get; set; } = [];

    /// <summary>
    /// A lower bound of the next message index. Appends do not write it (the page is the record);
    /// activation moves it past the highest index the pages hold.
    /// </summary>
    [Id(2)] public long NextMessageIndex { get; set; }

    [Id(3)] public long DirectoryPosition { get; set; } = -1;
    [Id(4)] public TimeSpan? InactiveTimer { get; set; }
    [Id(5)] public TimeSpan? ClosedTimer { get; set; }
}
