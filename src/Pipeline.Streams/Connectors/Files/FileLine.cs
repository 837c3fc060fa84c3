namespace Pipeline.Streams.Connectors.Files;

/// <summary>One line of a file with its position (1-based line number).</summary>
/// <param name="File">The file's path.</param>
/// <param name="LineNumber">The line's number, from 1.</param>
/// <param name="Text">The line without its end-of-line characters.</param>
public readonly record struct FileLine(string File, long LineNumber, string Text)
{
    /// <summary>"path:line", for quarantine positions.</summary>
    public string Position => $"{File}:{LineNumber}";
}
