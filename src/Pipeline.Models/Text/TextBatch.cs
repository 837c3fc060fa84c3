using System.Runtime.InteropServices;

namespace Pipeline.Models;

/// <summary>A batch of texts as EmbeddingBag input: flat int64 ids and the int64 offset where each text's bag starts.</summary>
public sealed class TextBatch : IDisposable
{
    private TextBatch(Tensor ids, Tensor offsets, int count)
    {
        Ids = ids;
        Offsets = offsets;
        Count = count;
    }

    /// <summary>All ids of the batch, text after text.</summary>
    public Tensor Ids { get; }

    /// <summary>Start of each text's ids in <see cref="Ids"/>.</summary>
    public Tensor Offsets { get; }

    /// <summary>Number of texts.</summary>
    public int Count { get; }

    /// <summary>Featurizes <paramref name="texts"/> into one batch (on <paramref name="device"/>).</summary>
    public static TextBatch Create(IReadOnlyList<string> texts, TextFeaturizer featurizer, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(featurizer);
        if (texts.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one text.", nameof(texts));
        }

        var ids = new List<long>(texts.Count * 64);
        var offsets = new long[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            offsets[i] = ids.Count;
            featurizer.AppendIds(texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts)), ids);
        }

        Tensor idTensor = Tensor.FromSpan<long>(CollectionsMarshal.AsSpan(ids), [ids.Count], device);
        Tensor offsetTensor = Tensor.FromSpan<long>(offsets, [offsets.Length], device);
        return new TextBatch(idTensor.DetachFromDisposeScope(), offsetTensor.DetachFromDisposeScope(), texts.Count);
    }

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Ids.Dispose();
        Offsets.Dispose();
    }
}
