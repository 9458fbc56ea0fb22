using System.Text.Json;
using ConversationEngine.Events;
using ConversationEngine.Rules;
using Microsoft.Extensions.Logging;

namespace ConversationEngine.Conversations;

/// <summary>
/// Transfers and notices (engine extensions): a hand-over from one chat participant to another
/// identity stored as one change, and system messages that no channel participant is sent.
/// </summary>
public sealed partial class ConversationGrain
{
    /// <summary>The <c>type</c> a transfer's system message carries in its attributes.</summary>
    public const string TransferNotice = "transfer";

    public async Task<TransferOutcome> TransferAsync(TransferConversation command)
    {
        if (command.Reservation is { } reservation && State.Header is not null
            && await Log.FindRecentAsync(m => Sids.IsReservedMessage(m.Sid, reservation)) is { } earlier)
        {
            return Transferred(earlier);
        }

        var header = await WritableAsync("transfer the conversation");
        var (from, to) = (Identity(command.From, "From"), Identity(command.To, "To"));
        if (from == to)
        {
            throw Errors.Invalid("To", "must name another identity than From");
        }

        var leaving = State.Participants.Find(p => p.Identity == from) ?? throw Errors.Unknown($"Participant with identity '{from}'");
        var prepared = await ParticipantUsers.PrepareAsync(grains, header.ChatServiceSid, new AddParticipant { Identity = to, RoleSid = command.RoleSid });
        var now = Now();

        // Admitted as if the giver had left (the count stays); a chat participant claims no pair,
        // so admitting one changes nothing until it is placed.
        var staying = State.Participants.FindAll(p => p.Sid != leaving.Sid);
        var (joining, admission) = await Roster.AdmitAsync(prepared, header, staying, now);
        var message = Drafts.NewMessage(
            new AddMessage
            {
                Body = command.Body ?? $"Conversation transferred from {from} to {to}",
                Attributes = NoticeAttributes(TransferNotice, new()
                {
                    ["from"] = from,
                    ["to"] = to,
                    ["from_participant_sid"] = leaving.Sid,
                    ["to_participant_sid"] = joining.Sid,
                }),
                Reservation = command.Reservation,
            },
            header,
            Log.NextIndex,
            State.Participants,
            now);

        // Everything below changes memory only until the write; a failed write undoes it all.
        var joined = Roster.Place(joining, admission);
        var removed = Roster.Remove(leaving.Sid);
        var previous = (State.Header, State.LastActivity);
        State.PendingMessage = message;
        Timers.MarkActivity(now);
        var change = new PendingChange(
            () =>
            {
                State.PendingMessage = null;
                (State.Header, State.LastActivity) = previous;
                removed.Revert();
                joined.Revert();
            },
            joined.Unclaim,
            async () =>
            {
                await (joined.AfterStored?.Invoke() ?? Task.CompletedTask);
                await (removed.AfterStored?.Invoke() ?? Task.CompletedTask);
                await TryAppendPendingMessageAsync();
            });

        var current = State.Header!;
        await SaveAsync(
            Directory.With(change, [.. ParticipantDirectory.Joined(joining), .. ParticipantDirectory.Left(leaving)]),
            changes: [
                NewEvent(EventTypes.ParticipantAdded, EventParameters.Participant(joining, EventTypes.ParticipantAdded)),
                NewEvent(EventTypes.ParticipantRemoved, EventParameters.Participant(leaving, EventTypes.ParticipantRemoved, now)),
                NewEvent(EventTypes.MessageAdded, EventParameters.MessageAdded(message, current), message.Body),
                .. StateEvents(previous.Header!, current, "EVENT"),
            ]);
        return new TransferOutcome
        {
            Conversation = Timers.Snapshot(),
            From = from,
            To = to,
            ParticipantSid = joining.Sid,
            RemovedParticipantSid = leaving.Sid,
            Message = message,
        };
    }

    public async Task<MessageSnapshot> AddNoticeAsync(AddMessage command)
    {
        var header = await WritableAsync("add a message");
        if (command.Reservation is { } reservation && await Log.FindRecentAsync(m => Sids.IsReservedMessage(m.Sid, reservation)) is { } earlier)
        {
            return earlier;
        }

        var message = Drafts.NewMessage(command with { Author = null, MediaSids = null, MediaItems = null, ContentSid = null }, header, Log.NextIndex, State.Participants, Now());
        await Log.AppendAsync(message, NewEvent(EventTypes.MessageAdded, EventParameters.MessageAdded(message, header), message.Body));
        Feed.Notify(header.ChatServiceSid);

        // Activity as any message: an inactive conversation wakes, the timers restart.
        await MarkMessageActivityAsync(header);
        return message;
    }

    /// <summary>Attributes of a system message: its <c>type</c> and what it records.</summary>
    public static string NoticeAttributes(string type, Dictionary<string, string> details) =>
        JsonSerializer.Serialize(new Dictionary<string, string>(details) { ["type"] = type });

    /// <summary>
    /// Appends the message the stored state carries unless the log already holds it. Failing, this
    /// activation steps aside, so no other message takes its index; the next one appends it.
    /// </summary>
    private async Task AppendPendingMessageAsync()
    {
        if (State.PendingMessage is { } message && message.Index >= Log.NextIndex)
        {
            await Log.AppendAsync(message);
        }

        State.PendingMessage = null;
    }

    /// <summary>After the write: the change is stored, so a failed append must not fail the call.</summary>
    private async Task TryAppendPendingMessageAsync()
    {
        try
        {
            await AppendPendingMessageAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogMessageBehind(logger, e, Sid);
            DeactivateOnIdle();
        }
    }

    /// <summary>A transfer already made under this reservation, as its system message records it.</summary>
    private TransferOutcome Transferred(MessageSnapshot message)
    {
        var details = JsonSerializer.Deserialize<Dictionary<string, string>>(message.Attributes) ?? [];
        return new TransferOutcome
        {
            Conversation = Timers.Snapshot(),
            From = details.GetValueOrDefault("from", ""),
            To = details.GetValueOrDefault("to", ""),
            ParticipantSid = details.GetValueOrDefault("to_participant_sid", ""),
            RemovedParticipantSid = details.GetValueOrDefault("from_participant_sid", ""),
            Message = message,
        };
    }

    private static string Identity(string? identity, string parameter) =>
        FieldRules.Bounded(identity, parameter) is { Length: > 0 } named ? named : throw Errors.Missing(parameter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message of conversation {ConversationSid} is stored with it but not yet in its log; its next activation appends it")]
    private static partial void LogMessageBehind(ILogger logger, Exception exception, string conversationSid);
}
