using System.Globalization;

namespace Pipeline.Benchmarks;

/// <summary>The <c>--key value</c> options after the benchmark name.</summary>
internal sealed class BenchmarkOptions
{
    private readonly Dictionary<string, string> _values;

    private BenchmarkOptions(Dictionary<string, string> values) => _values = values;

    public static BenchmarkOptions Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var key = args[i];
            if (!key.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Expected '--option value', got '{key}'.");
            values[key[2..]] = args[++i];
        }
        return new BenchmarkOptions(values);
    }

    public long Long(string key, long fallback)
        => _values.TryGetValue(key, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public int Int(string key, int fallback) => checked((int)Long(key, fallback));

    public int[] Ints(string key, int[] fallback)
        => _values.TryGetValue(key, out var v)
            ? v.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : fallback;
}
