namespace Pipeline.Streams.Connectors.Files;

/// <summary>A declared CSV column: its name (matched against the header), its type, and whether an empty value is an error.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Type">The column's type.</param>
/// <param name="Required">An empty value quarantines the row when true; it becomes null when false.</param>
public sealed record CsvColumn(string Name, CsvType Type, bool Required = true);
