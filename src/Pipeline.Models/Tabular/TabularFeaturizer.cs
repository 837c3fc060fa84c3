namespace Pipeline.Models;

/// <summary>
/// Builds <see cref="TabularBatch"/>es. Feature contract: numeric values are used as given (NaN or Inf is rejected,
/// naming the row and column: clean and scale upstream); a categorical value v in field f becomes
/// <c>fnv1a64(f + ":" + v) % buckets</c> (same FNV-1a over UTF-16 code units as <see cref="TextFeaturizer"/>;
/// f is the field's decimal index), so an unseen category still maps to a learned bucket.
/// </summary>
public sealed class TabularFeaturizer
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Creates a featurizer matching <paramref name="options"/>.</summary>
    public TabularFeaturizer(TabularMlpOptions options) => Options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The model size this featurizer feeds.</summary>
    public TabularMlpOptions Options { get; }

    /// <summary>The bucket of <paramref name="value"/> in field <paramref name="field"/>.</summary>
    public long Bucket(int field, ReadOnlySpan<char> value)
    {
        ulong hash = OffsetBasis;
        Span<char> prefix = stackalloc char[12];
        field.TryFormat(prefix, out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
        foreach (char c in prefix[..written])
        {
            hash = (hash ^ c) * Prime;
        }

        hash = (hash ^ ':') * Prime;
        foreach (char c in value)
        {
            hash = (hash ^ c) * Prime;
        }

        return (long)(hash % (ulong)Options.Buckets);
    }

    /// <summary>Builds a batch from row-major numeric values and categorical strings.</summary>
    public TabularBatch Create(ReadOnlySpan<float> numeric, IReadOnlyList<string> categorical, int rows, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(categorical);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        int n = Options.NumericFeatures;
        int c = Options.CategoricalFields;
        if (numeric.Length != rows * n)
        {
            throw new TorchShapeException($"Expected {rows} x {n} = {rows * n} numeric values but got {numeric.Length}.");
        }

        if (categorical.Count != rows * c)
        {
            throw new TorchShapeException($"Expected {rows} x {c} = {rows * c} categorical values but got {categorical.Count}.");
        }

        for (int i = 0; i < numeric.Length; i++)
        {
            if (!float.IsFinite(numeric[i]))
            {
                throw new ArgumentException($"Numeric feature {i % n} of row {i / n} is {numeric[i]}; the feature contract needs finite values.", nameof(numeric));
            }
        }

        var ids = new long[categorical.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = Bucket(i % c, categorical[i] ?? string.Empty);
        }

        Tensor numericTensor = Tensor.FromSpan(numeric, [rows, n], device).DetachFromDisposeScope();
        Tensor idTensor = Tensor.FromSpan<long>(ids, [rows, c], device).DetachFromDisposeScope();
        return new TabularBatch(numericTensor, idTensor, rows);
    }
}
