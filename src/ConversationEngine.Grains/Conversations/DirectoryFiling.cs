using ConversationEngine.Accounts;

namespace ConversationEngine.Conversations;

/// <summary>
/// The conversation's entry in its service's directory shard, from which lists are answered
/// without activating conversations. The conversation files it after each write that may change
/// what a list shows (header, timers, the instant they run from) and on activation; the shard is
/// asked only when the entry differs from the last one filed by this activation.
/// </summary>
internal sealed class DirectoryFiling(IGrainBase grain, IGrainFactory grains, string sid, ConversationGrainState state)
{
    /// <summary>What this activation last filed; null until it has filed anything.</summary>
    private ConversationFiling? filed;

    /// <summary>
    /// Files the entry. Should the shard fail, the conversation deactivates once idle, so its next
    /// activation files it again: a stored change reaches the directory sooner or later.
    /// </summary>
    public async Task FileAsync()
    {
        if (state.Header is not { } header)
        {
            return;
        }

        // Without timers the instant they run from changes nothing a list shows.
        var timed = state.InactiveTimer is not null || state.ClosedTimer is not null;
        var filing = new ConversationFiling
        {
            Header = header,
            InactiveTimer = state.InactiveTimer,
            ClosedTimer = state.ClosedTimer,
            LastActivity = timed ? state.LastActivity : default,
            LegacyPosition = state.DirectoryPosition >= 0 ? state.DirectoryPosition : null,
        };
        if (filing == filed)
        {
            return;
        }

        try
        {
            await Shard(header.ChatServiceSid).FileAsync(filing);
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }

        filed = filing;
    }

    public async Task RemoveAsync(string chatServiceSid)
    {
        await Shard(chatServiceSid).RemoveAsync(sid);
        filed = null;
    }

    private IConversationDirectoryShardGrain Shard(string chatServiceSid) =>
        grains.GetGrain<IConversationDirectoryShardGrain>(DirectoryShards.Key(chatServiceSid, DirectoryShards.Of(sid)));
}
