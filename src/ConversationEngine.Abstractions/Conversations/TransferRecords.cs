namespace ConversationEngine.Conversations;

/// <summary>
/// A chat participant hands the conversation to another identity (an engine extension): the
/// receiver joins, the giver leaves and a system message records it, in one stored change.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.TransferConversation")]
public sealed record TransferConversation
{
    /// <summary>The identity of the chat participant handing over.</summary>
    [Id(0)] public string? From { get; init; }

    /// <summary>The identity receiving; added as a chat participant.</summary>
    [Id(1)] public string? To { get; init; }

    /// <summary>The receiver's conversation role; the service's default when null.</summary>
    [Id(2)] public string? RoleSid { get; init; }

    /// <summary>The system message's text; "Conversation transferred from {From} to {To}" when null.</summary>
    [Id(3)] public string? Body { get; init; }

    /// <summary>
    /// 32 hex digits an idempotency key reserved: the system message's SID comes from them, and a
    /// recent message with that SID is this request's own earlier attempt, answered as it was.
    /// </summary>
    [Id(4)] public string? Reservation { get; init; }
}

/// <summary>What a transfer did: the conversation after it, who joined, who left, and the message that records it.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.TransferOutcome")]
public sealed record TransferOutcome
{
    [Id(0)] public required ConversationSnapshot Conversation { get; init; }
    [Id(1)] public required string From { get; init; }
    [Id(2)] public required string To { get; init; }

    /// <summary>The receiver's participant SID.</summary>
    [Id(3)] public required string ParticipantSid { get; init; }

    /// <summary>The giver's participant SID (no longer in the conversation).</summary>
    [Id(4)] public required string RemovedParticipantSid { get; init; }

    [Id(5)] public required MessageSnapshot Message { get; init; }
}
