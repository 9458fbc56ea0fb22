namespace ConversationEngine.Grains.Persistence;

public static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; should the write fail, undoes the in-memory change with
    /// <paramref name="revert"/> before rethrowing, so memory never holds what storage does not.
    /// </summary>
    public static async Task WriteOrRevertAsync<T>(this IPersistentState<T> store, Action revert)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(revert);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            revert();
            throw;
        }
    }
}
