namespace Pipeline.Models;

/// <summary>
/// A small Transformer encoder for text: hashed token + learned position embeddings → TransformerEncoder (padding
/// masked) → mean over the real tokens → Linear. State names: "token_embedding.weight", "position_embedding.weight",
/// "encoder.layers.0.self_attn.in_proj_weight", …, "head.weight", "head.bias". Input: <see cref="TokenBatch"/>.
/// </summary>
public sealed class TransformerTextClassifier : Module
{
    /// <summary>Creates the model with fresh weights.</summary>
    public TransformerTextClassifier(TransformerTextClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        TokenEmbedding = RegisterModule("token_embedding", new Embedding(options.Buckets, options.DModel));
        PositionEmbedding = RegisterModule("position_embedding", new Embedding(options.MaxLength, options.DModel));
        Encoder = RegisterModule("encoder", new TransformerEncoder(options.DModel, options.Heads, options.DimFeedForward, options.Layers, options.Dropout));
        Head = RegisterModule("head", new Linear(options.DModel, options.Classes));
    }

    /// <summary>The model's size.</summary>
    public TransformerTextClassifierOptions Options { get; }

    /// <summary>Token vectors.</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>Position vectors.</summary>
    public Embedding PositionEmbedding { get; }

    /// <summary>The encoder stack.</summary>
    public TransformerEncoder Encoder { get; }

    /// <summary>The classification layer.</summary>
    public Linear Head { get; }

    /// <summary>A featurizer producing the token ids this model reads.</summary>
    public TextFeaturizer CreateFeaturizer() => new(Options.Buckets, Options.MaxLength, bigrams: false);

    /// <summary>Class logits [texts, classes].</summary>
    public Tensor Forward(TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Length > Options.MaxLength)
        {
            throw new TorchShapeException($"Rows of {batch.Length} tokens exceed the model's MaxLength {Options.MaxLength}.");
        }

        using var scope = Torch.NewDisposeScope();
        var positionIds = new long[batch.Length];
        for (int i = 0; i < positionIds.Length; i++)
        {
            positionIds[i] = i;
        }

        Tensor tokens = TokenEmbedding.Forward(batch.Ids);                                         // [B, S, D]
        Tensor positions = PositionEmbedding.Forward(Tensor.FromSpan<long>(positionIds, Device));  // [S, D]
        Tensor encoded = Encoder.Forward((tokens + positions).Transpose(0, 1), batch.Padding);      // [S, B, D]
        using Tensor ones = Tensor.Ones([1], device: Device);
        Tensor keep = (ones - batch.Padding.To(ScalarType.Float32)).Transpose(0, 1).Reshape(batch.Length, batch.Count, 1);
        Tensor pooled = (encoded * keep).Sum(0) / keep.Sum(0);                                      // [B, D]
        return Head.Forward(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>The most likely class of each text (inference mode).</summary>
    public long[] Predict(TokenBatch batch)
    {
        using GradModeScope mode = Torch.InferenceMode();
        using Tensor logits = Forward(batch);
        using Tensor classes = logits.ArgMax(1);
        return classes.ToArray<long>();
    }
}
