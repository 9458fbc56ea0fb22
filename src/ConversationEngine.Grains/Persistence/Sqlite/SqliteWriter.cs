using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace ConversationEngine.Grains.Persistence.Sqlite;

/// <summary>
/// The one connection that works on the SQLite file, on a thread of its own. Every command the
/// Orleans providers issue (reads too: they are microseconds next to a commit) queues here; the
/// thread takes what has queued, runs it all in one transaction and commits once: concurrent
/// writes share one fsync (group commit), SQLite never answers BUSY, no thread sleeps in its
/// retry loop, and a grain turn only ever awaits. A command is answered after the commit that
/// made it durable, with its results read into memory.
/// </summary>
/// <remarks>
/// A statement that fails (a constraint) fails alone: SQLite undoes that statement and keeps the
/// transaction. An error after which SQLite rolled the whole transaction back (disk full, I/O)
/// fails every command of the transaction so far, so nothing is answered as written that is not.
/// </remarks>
internal sealed class SqliteWriter : IDisposable
{
    /// <summary>Commands per transaction at most: a bound on how long one commit's waiters wait.</summary>
    public const int MaxBatch = 512;

    private static readonly ConcurrentDictionary<string, SqliteWriter> Writers = new(StringComparer.Ordinal);

    private readonly BlockingCollection<Work> queue = new();
    private readonly string connectionString;
    private readonly Thread thread;
    private SqliteConnection? connection;
    private long commands;
    private long commits;

    private SqliteWriter(string connectionString)
    {
        this.connectionString = connectionString;
        thread = new Thread(Run) { IsBackground = true, Name = "sqlite-writer" };
        thread.Start();
    }

    /// <summary>The writer of the database this connection string names: one per database in the process.</summary>
    public static SqliteWriter For(string connectionString) => Writers.GetOrAdd(connectionString, static cs => new SqliteWriter(cs));

    /// <summary>Commands run so far.</summary>
    public long Commands => Interlocked.Read(ref commands);

    /// <summary>Transactions committed so far: fewer than <see cref="Commands"/> when writes arrive together.</summary>
    public long Commits => Interlocked.Read(ref commits);

    /// <summary>Runs <paramref name="command"/>'s text with its parameters and answers with its results once committed.</summary>
    public Task<BufferedResults> ExecuteAsync(string commandText, IReadOnlyList<SqliteParameter> parameters, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var work = new Work(commandText, parameters, cancellationToken);
        queue.Add(work, CancellationToken.None);
        return work.Completion.Task;
    }

    public void Dispose()
    {
        queue.CompleteAdding();
        thread.Join(TimeSpan.FromSeconds(10));
        connection?.Dispose();
        queue.Dispose();
    }

    private void Run()
    {
        var batch = new List<Work>(MaxBatch);
        while (!queue.IsCompleted)
        {
            batch.Clear();
            try
            {
                batch.Add(queue.Take());
            }
            catch (InvalidOperationException)
            {
                return;
            }

            while (batch.Count < MaxBatch && queue.TryTake(out var more))
            {
                batch.Add(more);
            }

            RunBatch(batch);
        }
    }

    private const string WorkSavepoint = "work";

    private void RunBatch(List<Work> batch)
    {
        var done = new List<(Work Work, BufferedResults Results)>(batch.Count);
        SqliteTransaction? transaction = null;
        try
        {
            var db = Connection();
            transaction = db.BeginTransaction(deferred: false);
            foreach (var work in batch)
            {
                if (work.CancellationToken.IsCancellationRequested)
                {
                    work.Completion.TrySetCanceled(work.CancellationToken);
                    continue;
                }

                try
                {
                    // A work may be several statements (a message and its event): a savepoint
                    // makes it all or nothing within the shared transaction.
                    transaction.Save(WorkSavepoint);
                    done.Add((work, Execute(db, transaction, work)));
                    transaction.Release(WorkSavepoint);
                }
                catch (SqliteException error) when (InTransaction(db))
                {
                    transaction.Rollback(WorkSavepoint);
                    transaction.Release(WorkSavepoint);
                    work.Completion.TrySetException(error);
                }
                catch (SqliteException error)
                {
                    // SQLite rolled the transaction back: what ran before it is undone too.
                    Fail(done.Select(d => d.Work).Append(work), error);
                    done.Clear();
                    transaction.Dispose();
                    transaction = db.BeginTransaction(deferred: false);
                }
            }

            transaction.Commit();
            Interlocked.Add(ref commands, batch.Count);
            Interlocked.Increment(ref commits);
            foreach (var (work, results) in done)
            {
                work.Completion.TrySetResult(results);
            }
        }
        catch (Exception error)
        {
            // The commit (or the connection) failed: nothing of this batch is known to be written.
            Fail(batch, error);
            connection?.Dispose();
            connection = null;
        }
        finally
        {
            transaction?.Dispose();
        }
    }

    private static BufferedResults Execute(SqliteConnection db, SqliteTransaction transaction, Work work)
    {
        using var command = db.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = work.CommandText;
        foreach (var parameter in work.Parameters)
        {
            // The caller's own parameter objects (it awaits, so nothing else touches them): bound
            // exactly as the provider set them up, inferred types included.
            command.Parameters.Add(parameter);
        }

        using var reader = command.ExecuteReader();
        return BufferedResults.Read(reader);
    }

    private SqliteConnection Connection()
    {
        if (connection is null)
        {
            connection = new SqliteConnection(connectionString);
            connection.Open();
        }

        return connection;
    }

    private static bool InTransaction(SqliteConnection db) => SQLitePCL.raw.sqlite3_get_autocommit(db.Handle) == 0;

    private static void Fail(IEnumerable<Work> works, Exception error)
    {
        foreach (var work in works)
        {
            work.Completion.TrySetException(error);
        }
    }

    private sealed record Work(string CommandText, IReadOnlyList<SqliteParameter> Parameters, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<BufferedResults> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
