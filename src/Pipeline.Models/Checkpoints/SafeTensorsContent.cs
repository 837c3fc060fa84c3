namespace Pipeline.Models;

/// <summary>Tensors and metadata read from a safetensors blob; disposing it frees the tensors.</summary>
public sealed class SafeTensorsContent : IDisposable
{
    internal SafeTensorsContent(Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors by name (CPU), ready for <see cref="Module.LoadStateDict"/>.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The "__metadata__" string map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Frees every tensor.</summary>
    public void Dispose()
    {
        foreach (Tensor t in Tensors.Values)
        {
            t.Dispose();
        }
    }
}
