using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Models;

/// <summary>
/// The architecture of a model as JSON, the documented path for weights trained in Python: build the same
/// module in PyTorch, save its state_dict with safetensors, ship it with a spec such as
/// <c>{"kind":"text-classifier","buckets":262144,"embedding_dim":64,"hidden":[64],"classes":2}</c>,
/// then <see cref="Build"/> here and <see cref="Module.LoadStateDict"/> the safetensors content.
/// Kinds: "text-classifier", "tabular-mlp" (numeric_features, categorical_fields, buckets, embedding_dim, hidden, outputs),
/// "transformer-text-classifier" (buckets, max_length, d_model, heads, dim_feed_forward, layers, classes), "mlp" (sizes).
/// </summary>
public sealed record ModelSpec
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>Which model: "text-classifier", "tabular-mlp" or "mlp".</summary>
    public required string Kind { get; init; }

    /// <summary>Hashed table rows (text-classifier, tabular-mlp).</summary>
    public long Buckets { get; init; } = 1 << 18;

    /// <summary>Embedding width (text-classifier, tabular-mlp).</summary>
    public long EmbeddingDim { get; init; } = 64;

    /// <summary>Hidden widths (text-classifier, tabular-mlp).</summary>
    public IReadOnlyList<long> Hidden { get; init; } = [];

    /// <summary>Classes (text-classifier).</summary>
    public long Classes { get; init; } = 2;

    /// <summary>Numeric columns (tabular-mlp).</summary>
    public int NumericFeatures { get; init; }

    /// <summary>Categorical columns (tabular-mlp).</summary>
    public int CategoricalFields { get; init; }

    /// <summary>Output width (tabular-mlp).</summary>
    public long Outputs { get; init; } = 2;

    /// <summary>Longest token row (transformer-text-classifier).</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Model width (transformer-text-classifier).</summary>
    public long DModel { get; init; } = 64;

    /// <summary>Attention heads (transformer-text-classifier).</summary>
    public long Heads { get; init; } = 4;

    /// <summary>Feed-forward width (transformer-text-classifier).</summary>
    public long DimFeedForward { get; init; } = 128;

    /// <summary>Encoder layers (transformer-text-classifier).</summary>
    public long Layers { get; init; } = 2;

    /// <summary>All layer widths (mlp).</summary>
    public IReadOnlyList<long> Sizes { get; init; } = [];

    /// <summary>Reads a spec; unknown fields or kinds fail naming them.</summary>
    public static ModelSpec Parse(string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(json);
        try
        {
            return JsonSerializer.Deserialize<ModelSpec>(json, Json) ?? throw new ArgumentException("The model spec is JSON null.", nameof(json));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The model spec is not valid: {e.Message}", nameof(json), e);
        }
    }

    /// <summary>The spec as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Creates the module the spec describes, with fresh weights.</summary>
    public Module Build() => Kind switch
    {
        "text-classifier" => new TextClassifier(new TextClassifierOptions(Buckets, EmbeddingDim, Hidden, Classes)),
        "tabular-mlp" => new TabularMlp(new TabularMlpOptions(NumericFeatures, CategoricalFields, Buckets, EmbeddingDim, Hidden.Count > 0 ? Hidden : null, Outputs)),
        "transformer-text-classifier" => new TransformerTextClassifier(new TransformerTextClassifierOptions(Buckets, MaxLength, DModel, Heads, DimFeedForward, Layers, Classes)),
        "mlp" => new MlpModel(Mlp.Create(Sizes)),
        _ => throw new ArgumentException($"Unknown model kind '{Kind}': use text-classifier, transformer-text-classifier, tabular-mlp or mlp."),
    };
}
