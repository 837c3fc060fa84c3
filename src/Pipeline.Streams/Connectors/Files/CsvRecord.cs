namespace Pipeline.Streams.Connectors.Files;

/// <summary>A CSV row that matched its schema: typed values by column, and where it came from.</summary>
public sealed class CsvRecord
{
    private readonly object?[] _values;

    internal CsvRecord(CsvSchema schema, object?[] values, string position)
    {
        Schema = schema;
        _values = values;
        Position = position;
    }

    /// <summary>The schema the row matched.</summary>
    public CsvSchema Schema { get; }

    /// <summary>"file:line".</summary>
    public string Position { get; }

    /// <summary>The typed value of a column (null for an empty optional value).</summary>
    public object? this[string column]
    {
        get
        {
            var i = Schema.IndexOf(column);
            if (i < 0) throw new KeyNotFoundException($"CSV record: the schema has no column '{column}'.");
            return _values[i];
        }
    }

    /// <summary>The value of a column as <typeparamref name="T"/>.</summary>
    public T Get<T>(string column) => this[column] is T t ? t : throw new InvalidCastException($"CSV record: column '{column}' holds {this[column]?.GetType().Name ?? "null"}, not {typeof(T).Name}.");
}
