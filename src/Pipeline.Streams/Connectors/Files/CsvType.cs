namespace Pipeline.Streams.Connectors.Files;

/// <summary>The type of a CSV column; a value that does not parse as it quarantines its row.</summary>
public enum CsvType
{
    /// <summary>Any text.</summary>
    String,
    /// <summary>A 64-bit integer (invariant culture).</summary>
    Int64,
    /// <summary>A double (invariant culture, '.' decimal point).</summary>
    Double,
    /// <summary>A decimal (invariant culture).</summary>
    Decimal,
    /// <summary>true/false (case-insensitive).</summary>
    Boolean,
    /// <summary>An ISO 8601 date/time with offset.</summary>
    DateTimeOffset,
}
