namespace Pipeline.Streams.Connectors.Files;

/// <summary>
/// The declared shape of a CSV file: its columns in order, the separator, and whether the first line is a header
/// (a header that does not match the declared columns fails the stream: it is a configuration error, not bad data).
/// </summary>
public sealed record CsvSchema
{
    /// <summary>Creates a schema from its columns.</summary>
    public CsvSchema(IReadOnlyList<CsvColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("A CSV schema needs at least one column.", nameof(columns));
        var dup = columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"CSV schema: column '{dup.Key}' is declared twice.", nameof(columns));
        Columns = columns;
    }

    /// <summary>Creates a schema from its columns.</summary>
    public static CsvSchema Of(params CsvColumn[] columns) => new(columns);

    /// <summary>The columns, in file order.</summary>
    public IReadOnlyList<CsvColumn> Columns { get; }

    /// <summary>The field separator.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>Whether each file starts with a header line.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>The index of a column by name (case-insensitive), or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (string.Equals(Columns[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
