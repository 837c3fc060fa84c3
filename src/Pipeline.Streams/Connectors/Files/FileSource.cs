using System.Runtime.CompilerServices;
using System.Text.Json;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Quarantine;

namespace Pipeline.Streams.Connectors.Files;

/// <summary>
/// Sources that read records from files: JSON lines and CSV with a declared schema, from one file or a folder,
/// optionally following appended data. A malformed line never stops the stream and is never dropped silently:
/// it goes to the quarantine with its reason and "file:line" position.
/// </summary>
public static class FileSource
{
    /// <summary>The raw lines (with their positions).</summary>
    public static Source<FileLine, NotUsed> Lines(FileSourceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Source.FromAsyncEnumerable(ct => FileLineReader.ReadAsync(settings, ct));
    }

    /// <summary>One JSON document per line, deserialized as <typeparamref name="T"/>; blank lines are skipped,
    /// bad JSON or a null document is quarantined.</summary>
    public static Source<T, NotUsed> JsonLines<T>(FileSourceSettings settings, IQuarantine quarantine, JsonSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(quarantine);
        return Source.FromAsyncEnumerable(ct => ParseJson<T>(settings, quarantine, options ?? JsonSerializerOptions.Web, ct));
    }

    /// <summary>CSV rows matching <paramref name="schema"/>; rows with the wrong number of fields or values that do not
    /// parse as their column's type are quarantined. A header that does not match the schema fails the stream.</summary>
    public static Source<CsvRecord, NotUsed> Csv(FileSourceSettings settings, CsvSchema schema, IQuarantine quarantine)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(quarantine);
        return Source.FromAsyncEnumerable(ct => ParseCsv(settings, schema, quarantine, ct));
    }

    private static async IAsyncEnumerable<T> ParseJson<T>(FileSourceSettings settings, IQuarantine quarantine, JsonSerializerOptions options, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var line in FileLineReader.ReadAsync(settings, ct).ConfigureAwait(false))
        {
            if (string.IsNullOrWhiteSpace(line.Text)) continue;
            T? value;
            string? error;
            try
            {
                value = JsonSerializer.Deserialize<T>(line.Text, options);
                error = value is null ? "the line is JSON null" : null;
            }
            catch (JsonException e)
            {
                value = default;
                error = "bad JSON: " + e.Message;
            }
            catch (NotSupportedException e)
            {
                value = default;
                error = "JSON not convertible: " + e.Message;
            }
            if (error is not null)
            {
                await quarantine.QuarantineAsync(QuarantinedRecord.Create("file", line.Position, error, line.Text), ct).ConfigureAwait(false);
                continue;
            }
            yield return value!;
        }
    }

    private static async IAsyncEnumerable<CsvRecord> ParseCsv(FileSourceSettings settings, CsvSchema schema, IQuarantine quarantine, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var line in FileLineReader.ReadAsync(settings, ct).ConfigureAwait(false))
        {
            if (line.LineNumber == 1 && schema.HasHeader)
            {
                CheckHeader(line, schema);
                continue;
            }
            if (string.IsNullOrWhiteSpace(line.Text)) continue;
            var record = ParseRow(line, schema, out var error);
            if (record is null)
            {
                await quarantine.QuarantineAsync(QuarantinedRecord.Create("file", line.Position, error!, line.Text), ct).ConfigureAwait(false);
                continue;
            }
            yield return record;
        }
    }

    private static void CheckHeader(FileLine line, CsvSchema schema)
    {
        var names = CsvParser.Split(line.Text, schema.Separator, out _) ?? [];
        var expected = schema.Columns.Select(c => c.Name).ToList();
        if (!names.Select(n => n.Trim()).SequenceEqual(expected, StringComparer.OrdinalIgnoreCase))
            throw new InvalidDataException($"CSV source: the header of {line.File} is '{line.Text}' but the schema declares '{string.Join(schema.Separator, expected)}'. Fix the schema or the file.");
    }

    private static CsvRecord? ParseRow(FileLine line, CsvSchema schema, out string? error)
    {
        var fields = CsvParser.Split(line.Text, schema.Separator, out error);
        if (fields is null) return null;
        if (fields.Count != schema.Columns.Count)
        {
            error = $"expected {schema.Columns.Count} fields, found {fields.Count}";
            return null;
        }
        var values = new object?[fields.Count];
        for (var i = 0; i < fields.Count; i++)
            if (!CsvParser.TryConvert(fields[i], schema.Columns[i], out values[i], out error)) return null;
        return new CsvRecord(schema, values, line.Position);
    }
}
