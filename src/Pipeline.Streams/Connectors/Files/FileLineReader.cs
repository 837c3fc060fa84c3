using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline.Streams.Connectors.Files;

/// <summary>
/// Reads the lines of a file or folder as an async stream. While following, a last line without its newline is
/// held back until the newline arrives (a writer may be in the middle of it); new files of a folder are picked up.
/// </summary>
internal static class FileLineReader
{
    internal static async IAsyncEnumerable<FileLine> ReadAsync(FileSourceSettings settings, [EnumeratorCancellation] CancellationToken ct)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var isFolder = Directory.Exists(settings.Path);
        if (!isFolder && !File.Exists(settings.Path) && !settings.Follow)
            throw new FileNotFoundException($"File source: '{settings.Path}' is neither a file nor a folder.", settings.Path);
        while (!ct.IsCancellationRequested)
        {
            var files = isFolder
                ? Directory.GetFiles(settings.Path, settings.SearchPattern).Order(StringComparer.Ordinal).Where(f => !done.Contains(f)).ToList()
                : done.Count == 0 && File.Exists(settings.Path) ? [settings.Path] : [];
            for (var i = 0; i < files.Count; i++)
            {
                // in a followed folder only the newest file is followed; older ones are read to their end
                var follow = settings.Follow && (!isFolder || i == files.Count - 1);
                await foreach (var line in ReadFileAsync(files[i], follow, isFolder, settings.PollInterval, ct).ConfigureAwait(false))
                    yield return line;
                done.Add(files[i]);
            }
            if (!settings.Follow) yield break;
            await Task.Delay(settings.PollInterval, ct).ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<FileLine> ReadFileAsync(string path, bool follow, bool inFolder, TimeSpan poll, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 64 * 1024);
        var buffer = new char[16 * 1024];
        var partial = new StringBuilder();
        long lineNo = 0;
        while (true)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (!follow) break;
                if (inFolder && Directory.GetFiles(Path.GetDirectoryName(path)!).Any(f => string.CompareOrdinal(f, path) > 0)) break; // a newer file exists: this one is done
                await Task.Delay(poll, ct).ConfigureAwait(false);
                continue;
            }
            var start = 0;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != '\n') continue;
                var end = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                string text;
                if (partial.Length > 0)
                {
                    partial.Append(buffer, start, end - start);
                    if (partial.Length > 0 && partial[^1] == '\r') partial.Length--;
                    text = partial.ToString();
                    partial.Clear();
                }
                else text = new string(buffer, start, end - start);
                lineNo++;
                yield return new FileLine(path, lineNo, text);
                start = i + 1;
            }
            if (start < n) partial.Append(buffer, start, n - start);
        }
        if (partial.Length > 0)
        {
            lineNo++;
            yield return new FileLine(path, lineNo, partial.ToString().TrimEnd('\r'));
        }
    }
}
