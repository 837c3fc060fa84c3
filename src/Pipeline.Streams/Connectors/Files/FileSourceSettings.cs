namespace Pipeline.Streams.Connectors.Files;

/// <summary>Where and how a file source reads: one file or every matching file of a folder (in name order),
/// optionally following appended data and new files.</summary>
public sealed record FileSourceSettings
{
    /// <summary>Creates settings for a file or a folder.</summary>
    public FileSourceSettings(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>A file, or a folder whose matching files are read in name order.</summary>
    public string Path { get; }

    /// <summary>The file name pattern inside a folder.</summary>
    public string SearchPattern { get; init; } = "*";

    /// <summary>Keep reading appended lines (and new files of a folder) instead of completing at the end.</summary>
    public bool Follow { get; init; }

    /// <summary>How often to look for appended data while following.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}
