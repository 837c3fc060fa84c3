namespace Pipeline.Models;

/// <summary>
/// MLP over tabular records: numeric columns concatenated with the sum of the categorical fields' hashed
/// embeddings. State names: "categorical.weight", "mlp.0.weight", …; input contract: <see cref="TabularFeaturizer"/>.
/// </summary>
public sealed class TabularMlp : Module
{
    /// <summary>Creates the model with fresh weights.</summary>
    public TabularMlp(TabularMlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.NumericFeatures);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CategoricalFields, 1);
        Options = options;
        Categorical = RegisterModule("categorical", new EmbeddingBag(options.Buckets, options.EmbeddingDim, EmbeddingBagMode.Sum));
        Head = RegisterModule("mlp", Mlp.Create([options.NumericFeatures + options.EmbeddingDim, .. options.Hidden ?? [64], options.Outputs], ActivationKind.Relu, options.Dropout));
    }

    /// <summary>The model's size.</summary>
    public TabularMlpOptions Options { get; }

    /// <summary>The hashed categorical table.</summary>
    public EmbeddingBag Categorical { get; }

    /// <summary>The MLP.</summary>
    public Sequential Head { get; }

    /// <summary>Outputs [rows, Outputs] for a batch.</summary>
    public Tensor Forward(TabularBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<long> numericShape = batch.Numeric.Shape;
        ReadOnlySpan<long> idShape = batch.Categorical.Shape;
        if (numericShape.Length != 2 || numericShape[1] != Options.NumericFeatures || idShape.Length != 2 || idShape[1] != Options.CategoricalFields || idShape[0] != numericShape[0])
        {
            throw new TorchShapeException(
                $"TabularMlp expects numeric [rows, {Options.NumericFeatures}] and categorical [rows, {Options.CategoricalFields}] but got [{string.Join(", ", numericShape.ToArray())}] and [{string.Join(", ", idShape.ToArray())}].");
        }

        int rows = (int)numericShape[0];
        var offsets = new long[rows];
        for (int i = 0; i < rows; i++)
        {
            offsets[i] = (long)i * Options.CategoricalFields;
        }

        using Tensor offsetTensor = Tensor.FromSpan<long>(offsets, [rows], Device);
        using Tensor flatIds = batch.Categorical.Flatten();
        using Tensor embedded = Categorical.Forward(flatIds, offsetTensor);
        using Tensor features = Tensor.Cat([batch.Numeric, embedded], 1);
        return Head.Forward(features);
    }
}
