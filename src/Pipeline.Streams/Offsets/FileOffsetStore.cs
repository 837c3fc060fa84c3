using System.Globalization;
using System.Text;

namespace Pipeline.Streams.Offsets;

/// <summary>
/// An offset store in a folder: one small file per source id, replaced atomically (write a temp file, flush it
/// to disk, rename over the old one), so that a crash leaves either the old or the new offset, never a torn one.
/// Commits that queue behind a slow write collapse into one write of the highest offset asked for.
/// </summary>
public sealed class FileOffsetStore : IOffsetStore
{
    private readonly string _folder;
    private readonly SemaphoreSlim _lock = new(1, 1);
    // what this instance committed last per source: a commit needs no read of the file it just wrote
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _committed = new(StringComparer.Ordinal);
    // the highest offset any caller asked to commit: a commit that waited for the lock writes that one, so commits
    // queued behind a slow fsync collapse into one write (every caller's offset is covered when it returns)
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _requested = new(StringComparer.Ordinal);

    /// <summary>Creates the store (and its folder).</summary>
    public FileOffsetStore(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    private string PathOf(string sourceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceId);
        var safe = new StringBuilder();
        foreach (var c in sourceId) safe.Append(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return Path.Combine(_folder, $"{safe}-{Hash(sourceId)}.offset");
    }

    private static string Hash(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var c in s) h = (h ^ c) * 1099511628211UL;
        return h.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async ValueTask<long?> LoadAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        var path = PathOf(sourceId);
        if (!File.Exists(path)) return null;
        var text = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var o)
            ? o
            : throw new InvalidDataException($"Offset file {path} for source '{sourceId}' holds '{text}', not an offset. Delete it to restart from the configured start offset.");
    }

    /// <inheritdoc />
    public async ValueTask CommitAsync(string sourceId, long offset, CancellationToken cancellationToken = default)
    {
        var path = PathOf(sourceId);
        _requested.AddOrUpdate(sourceId, offset, (_, requested) => Math.Max(requested, offset));
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _committed.TryGetValue(sourceId, out var known) ? known : await LoadAsync(sourceId, cancellationToken).ConfigureAwait(false);
            if (current >= offset) return;
            offset = Math.Max(offset, _requested[sourceId]);
            var temp = path + ".tmp";
            await using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                var bytes = Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture));
                await f.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            _committed[sourceId] = offset;
        }
        finally
        {
            _lock.Release();
        }
    }
}
