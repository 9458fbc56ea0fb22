using System.Data.Common;

namespace ConversationEngine.Grains.Hosting;

/// <summary>Whether the engine's database answers a query within a bound, for readiness checks of every host.</summary>
public static class StorageProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>True when a connection opens and <c>SELECT 1</c> answers within <see cref="Timeout"/>; never throws for a database that is away.</summary>
    public static async Task<bool> AnswersAsync(bool postgres, string? connectionString, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(Timeout);
        try
        {
            await using DbConnection connection = postgres
                ? new Npgsql.NpgsqlConnection(connectionString)
                : new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);
            return true;
        }
        catch (Exception e) when (e is DbException or OperationCanceledException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException or ArgumentException)
        {
            return false;
        }
    }
}
