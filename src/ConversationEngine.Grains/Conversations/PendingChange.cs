namespace ConversationEngine.Conversations;

/// <summary>
/// A change made in memory and not yet stored: how to undo it (and give back an index claim taken
/// for it) should the write fail, and what follows once it is stored.
/// </summary>
internal sealed record PendingChange(Action Revert, Func<Task>? Unclaim = null, Func<Task>? AfterStored = null)
{
    /// <summary>Runs <paramref name="write"/>; on failure undoes the change and rethrows, on success runs what follows.</summary>
    public async Task StoreAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch
        {
            Revert();
            if (Unclaim is not null)
            {
                await Unclaim();
            }

            throw;
        }

        if (AfterStored is not null)
        {
            await AfterStored();
        }
    }
}
