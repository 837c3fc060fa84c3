using System.Globalization;
using System.Text;

namespace Pipeline.Streams.Connectors.Files;

/// <summary>Splits a CSV line (RFC 4180 quoting within one line) and converts fields to their declared types.</summary>
internal static class CsvParser
{
    internal static List<string>? Split(string line, char separator, out string? error)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var inQuotes = false;
        error = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                    else inQuotes = false;
                }
                else sb.Append(c);
            }
            else if (c == '"' && sb.Length == 0) inQuotes = true;
            else if (c == separator) { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        if (inQuotes)
        {
            error = "unterminated quoted field";
            return null;
        }
        fields.Add(sb.ToString());
        return fields;
    }

    internal static bool TryConvert(string text, CsvColumn column, out object? value, out string? error)
    {
        error = null;
        value = null;
        if (text.Length == 0)
        {
            if (!column.Required) return true;
            error = $"column '{column.Name}' is empty but required";
            return false;
        }
        var ok = column.Type switch
        {
            CsvType.String => Set(text, out value),
            CsvType.Int64 => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && Set(l, out value),
            CsvType.Double => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Set(d, out value),
            CsvType.Decimal => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var m) && Set(m, out value),
            CsvType.Boolean => bool.TryParse(text, out var b) && Set(b, out value),
            CsvType.DateTimeOffset => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) && Set(t, out value),
            _ => false,
        };
        if (!ok) error = $"column '{column.Name}': '{text}' is not a valid {column.Type}";
        return ok;
    }

    private static bool Set(object v, out object? value)
    {
        value = v;
        return true;
    }
}
