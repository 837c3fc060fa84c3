namespace Pipeline.Models;

/// <summary>
/// fastText-like text classifier: hashed n-gram ids → EmbeddingBag (mean) → MLP → class logits.
/// State names: "embedding.weight", "mlp.0.weight", "mlp.0.bias", … — the same as this PyTorch module:
/// <c>self.embedding = nn.EmbeddingBag(buckets, dim, mode="mean"); self.mlp = nn.Sequential(Linear, ReLU, …)</c>.
/// Input contract: see <see cref="TextFeaturizer"/>.
/// </summary>
public sealed class TextClassifier : Module
{
    /// <summary>Creates the model with fresh weights.</summary>
    public TextClassifier(TextClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Embedding = RegisterModule("embedding", new EmbeddingBag(options.Buckets, options.EmbeddingDim, EmbeddingBagMode.Mean));
        Head = RegisterModule("mlp", Mlp.Create(options.MlpSizes, ActivationKind.Relu, options.Dropout));
    }

    /// <summary>The model's size.</summary>
    public TextClassifierOptions Options { get; }

    /// <summary>The n-gram table.</summary>
    public EmbeddingBag Embedding { get; }

    /// <summary>The MLP head.</summary>
    public Sequential Head { get; }

    /// <summary>A featurizer matching this model's table.</summary>
    public TextFeaturizer CreateFeaturizer(int maxTokens = 512) => new(Options.Buckets, maxTokens);

    /// <summary>Class logits [texts, classes] for flat ids and offsets.</summary>
    public Tensor Forward(Tensor ids, Tensor offsets)
    {
        using Tensor bags = Embedding.Forward(ids, offsets);
        return Head.Forward(bags);
    }

    /// <summary>Class logits for a batch.</summary>
    public Tensor Forward(TextBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Forward(batch.Ids, batch.Offsets);
    }

    /// <summary>The most likely class of each text (inference mode, no graph).</summary>
    public long[] Predict(TextBatch batch)
    {
        using GradModeScope mode = Torch.InferenceMode();
        using Tensor logits = Forward(batch);
        using Tensor classes = logits.ArgMax(1);
        return classes.ToArray<long>();
    }
}
