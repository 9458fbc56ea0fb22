namespace ConversationEngine.Inbound;

/// <summary>The <c>Inbound</c> configuration section: how the engine answers inbound messages.</summary>
public sealed class InboundOptions
{
    public const string Section = "Inbound";

    /// <summary>Answer to HELP / INFO (Twilio's default wording).</summary>
    public string? HelpReply { get; set; } = "Reply STOP to unsubscribe. Msg&Data Rates May Apply.";

    /// <summary>Answer to an opt-out keyword; empty for none.</summary>
    public string? OptOutReply { get; set; } = "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.";

    /// <summary>Answer to an opt-in keyword; empty for none.</summary>
    public string? OptInReply { get; set; } = "You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.";

    /// <summary>Answer to every other inbound message; unset for an empty TwiML response.</summary>
    public string? AutoReply { get; set; }
}
