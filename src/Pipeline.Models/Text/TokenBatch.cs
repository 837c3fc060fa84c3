namespace Pipeline.Models;

/// <summary>
/// Texts as padded token-id rows for <see cref="TransformerTextClassifier"/>: ids [texts, length] int64 (hashed
/// unigrams of <see cref="TextFeaturizer"/>, padded with id 0) and a padding mask [texts, length] (true = padding).
/// </summary>
public sealed class TokenBatch : IDisposable
{
    private TokenBatch(Tensor ids, Tensor padding, int count, int length)
    {
        Ids = ids;
        Padding = padding;
        Count = count;
        Length = length;
    }

    /// <summary>Token ids, one padded row per text.</summary>
    public Tensor Ids { get; }

    /// <summary>True where a row is padding.</summary>
    public Tensor Padding { get; }

    /// <summary>Number of texts.</summary>
    public int Count { get; }

    /// <summary>Row length (the longest text, at most the featurizer's MaxTokens).</summary>
    public int Length { get; }

    /// <summary>Tokenizes <paramref name="texts"/> with a unigram-only featurizer (its MaxTokens caps the row length).</summary>
    public static TokenBatch Create(IReadOnlyList<string> texts, TextFeaturizer featurizer, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(featurizer);
        if (featurizer.Bigrams)
        {
            throw new ArgumentException("A token batch needs a unigram featurizer (bigrams: false): one id per position.", nameof(featurizer));
        }

        if (texts.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one text.", nameof(texts));
        }

        var rows = new List<long>[texts.Count];
        int length = 1;
        for (int i = 0; i < texts.Count; i++)
        {
            rows[i] = [];
            featurizer.AppendIds(texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts)), rows[i]);
            length = Math.Max(length, rows[i].Count);
        }

        var ids = new long[texts.Count * length];
        var padding = new bool[texts.Count * length];
        for (int i = 0; i < texts.Count; i++)
        {
            rows[i].CopyTo(ids, i * length);
            padding.AsSpan((i * length) + rows[i].Count, length - rows[i].Count).Fill(true);

            // an empty text keeps one visible position so attention has something to attend to
            if (rows[i].Count == 0)
            {
                padding[i * length] = false;
            }
        }

        Tensor idTensor = Tensor.FromSpan<long>(ids, [texts.Count, length], device).DetachFromDisposeScope();
        Tensor padTensor = Tensor.FromSpan<bool>(padding, [texts.Count, length], device).DetachFromDisposeScope();
        return new TokenBatch(idTensor, padTensor, texts.Count, length);
    }

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Ids.Dispose();
        Padding.Dispose();
    }
}
