namespace ConversationEngine.Media;

/// <summary>
/// Media content as files under one directory (the embedded default: <c>data/media</c>), two
/// levels deep by SID so no directory grows huge. A write goes to a temporary file, is flushed to
/// disk and then renamed into place, so a reader sees the whole item or none of it. Kept out of
/// the SQLite file on purpose: its one writer serves every message, and large blobs there would
/// hold it up.
/// </summary>
public sealed class FileMediaStore : IMediaStore
{
    private readonly string root;

    public FileMediaStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
    }

    public async Task<long> WriteAsync(string sid, Stream content, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(sid);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".part";
        try
        {
            long size;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
            {
                size = await LimitedCopy.CopyAsync(content, maxBytes, (chunk, token) => file.WriteAsync(chunk, token), cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            return size;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public Task<MediaContent?> OpenReadAsync(string sid, CancellationToken cancellationToken = default)
    {
        try
        {
            var file = new FileStream(PathOf(sid), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, LimitedCopy.BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<MediaContent?>(new MediaContent(file, file.Length));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<MediaContent?>(null);
        }
    }

    public Task DeleteAsync(string sid, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(sid));
        return Task.CompletedTask;
    }

    /// <summary>Only well-formed SIDs name files: nothing else can reach outside the directory.</summary>
    private string PathOf(string sid) => Path.Combine(root, MediaKeys.Require(sid).Substring(2, 2).ToLowerInvariant(), sid);
}
