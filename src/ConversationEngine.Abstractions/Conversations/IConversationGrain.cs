using Orleans.Concurrency;

namespace ConversationEngine.Conversations;

/// <summary>A conversation, keyed by its <c>CH…</c> SID: header, participants, and its message log.</summary>
[Alias("ConversationEngine.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<ConversationSnapshot> CreateAsync(CreateConversation command);

    /// <summary>
    /// ConversationWithParticipants: the conversation and its participants, all validated and
    /// their unique name and address pairs claimed before anything is stored (a refusal leaves
    /// nothing behind; a pair in use is 50425). The conversation is then stored
    /// <c>initializing</c>, the participants are added one by one, and it moves to the requested
    /// state. A failure part-way closes it and releases everything it claimed (50427); so does
    /// the next activation of a conversation a crash left <c>initializing</c>.
    /// </summary>
    [Alias("CreateWithParticipants")]
    Task<ConversationSnapshot> CreateWithParticipantsAsync(CreateConversation command, IReadOnlyList<AddParticipant> participants);

    /// <summary>The conversation, or null when it does not exist.</summary>
    [ReadOnly]
    [Alias("Get")]
    Task<ConversationSnapshot?> GetAsync();

    [Alias("Update")]
    Task<ConversationSnapshot> UpdateAsync(UpdateConversation command);

    /// <summary>
    /// The conversation as <see cref="GetAsync"/> shows it (due timers applied), answered even
    /// while the grain is busy: another conversation asks it before reporting a key conflict, and
    /// two conversations asking each other must not wait on each other. It only reads memory and
    /// calls nothing, so interleaving it is safe.
    /// </summary>
    [AlwaysInterleave]
    [Alias("Peek")]
    Task<ConversationSnapshot?> PeekAsync();

    [Alias("Delete")]
    Task DeleteAsync();

    /// <summary>
    /// Records onDeliveryUpdated for a receipt its outbox moved, in the conversation's feed; the
    /// same receipt status again changes nothing. Interleaved: it only hands out a sequence number
    /// and writes the feed, and an outbox may call it while the conversation waits on that outbox.
    /// </summary>
    [AlwaysInterleave]
    [Alias("RecordDelivery")]
    Task RecordDeliveryAsync(Delivery.DeliveryReceipt receipt);

    /// <summary>Makes sure the conversation list shows the conversation as it is stored (nothing when it does not exist).</summary>
    [Alias("EnsureListed")]
    Task EnsureListedAsync();

    [Alias("AddParticipant")]
    Task<ParticipantSnapshot> AddParticipantAsync(AddParticipant command);

    /// <summary>A participant by SID or by identity; null when there is none (or no conversation).</summary>
    [ReadOnly]
    [Alias("GetParticipant")]
    Task<ParticipantSnapshot?> GetParticipantAsync(string sidOrIdentity);

    /// <summary>
    /// A participant (by SID or identity) with the conversation and its unread count, from the
    /// indexes the conversation holds (no message is read); null when either is missing.
    /// </summary>
    [ReadOnly]
    [Alias("GetReadState")]
    Task<ParticipantReadState?> GetReadStateAsync(string sidOrIdentity);

    [Alias("UpdateParticipant")]
    Task<ParticipantSnapshot> UpdateParticipantAsync(string participantSid, UpdateParticipant command);

    [Alias("RemoveParticipant")]
    Task RemoveParticipantAsync(string participantSid);

    [ReadOnly]
    [Alias("ListParticipants")]
    Task<Page<ParticipantSnapshot>> ListParticipantsAsync(long start, int pageSize);

    [Alias("AddMessage")]
    Task<MessageSnapshot> AddMessageAsync(AddMessage command);

    /// <summary>The message; null when there is none (or no conversation).</summary>
    [ReadOnly]
    [Alias("GetMessage")]
    Task<MessageSnapshot?> GetMessageAsync(string messageSid);

    [Alias("UpdateMessage")]
    Task<MessageSnapshot> UpdateMessageAsync(string messageSid, UpdateMessage command);

    [Alias("RemoveMessage")]
    Task RemoveMessageAsync(string messageSid);

    /// <summary>
    /// Messages from position <paramref name="start"/> (a message index; null for the first page) in
    /// ascending or descending index order.
    /// </summary>
    [ReadOnly]
    [Alias("ListMessages")]
    Task<Page<MessageSnapshot>> ListMessagesAsync(long? start, bool descending, int pageSize);

    /// <summary>
    /// Hands the conversation from one chat participant to another identity (an engine extension):
    /// the receiver joins, the giver leaves, a system message records it, with their three events,
    /// in one state write; a refusal or a failed write leaves the conversation as it was.
    /// </summary>
    [Alias("Transfer")]
    Task<TransferOutcome> TransferAsync(TransferConversation command);

    /// <summary>
    /// A system message that records something about the conversation (author <c>system</c>) and is
    /// sent to no channel participant; a reserved one already there is answered as it is.
    /// </summary>
    [Alias("AddNotice")]
    Task<MessageSnapshot> AddNoticeAsync(AddMessage command);
}

/// <summary>
/// A fixed-size slice of a conversation's messages, keyed <c>CH…/n</c>, holding indexes
/// <c>n*Size</c> to <c>n*Size+Size-1</c>. Its conversation writes it; the message's outbox may
/// read it (to learn after a crash whether its message made it). It calls nobody.
/// </summary>
[Alias("ConversationEngine.IMessagePageGrain")]
public interface IMessagePageGrain : IGrainWithStringKey
{
    public const int Size = 50;

    /// <summary>Stores the message; storing the same index again with the same SID is a no-op.</summary>
    [Alias("Append")]
    Task AppendAsync(MessageSnapshot message);

    [ReadOnly]
    [Alias("Get")]
    Task<MessageSnapshot?> GetAsync(long index);

    [Alias("Replace")]
    Task ReplaceAsync(MessageSnapshot message);

    [Alias("Remove")]
    Task<bool> RemoveAsync(long index);

    /// <summary>Stored messages with index in [first, last], in the given order, at most <paramref name="max"/>.</summary>
    [ReadOnly]
    [Alias("Range")]
    Task<IReadOnlyList<MessageSnapshot>> RangeAsync(long first, long last, bool descending, int max);

    /// <summary>The highest index ever appended here (removed or not), or -1.</summary>
    [ReadOnly]
    [Alias("HighestIndex")]
    Task<long> HighestIndexAsync();

    [Alias("Clear")]
    Task ClearAsync();
}
