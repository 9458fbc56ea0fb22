namespace ConversationEngine.Twilio;

/// <summary>What a single-keyword message asks of the sender.</summary>
public enum KeywordKind
{
    /// <summary>An ordinary message.</summary>
    None,

    /// <summary>STOP and its synonyms: no more messages to this recipient.</summary>
    OptOut,

    /// <summary>START and its synonyms: undo an earlier opt-out.</summary>
    OptIn,

    /// <summary>HELP or INFO.</summary>
    Help,
}
