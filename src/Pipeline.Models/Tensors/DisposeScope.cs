namespace Pipeline.Models;

/// <summary>
/// Collects every tensor created in the current async flow while it is open and disposes them with it, so a
/// batch loop leaks nothing (TorchSharp's torch.NewDisposeScope()). Keep a result with
/// <see cref="Tensor.MoveToOuterDisposeScope"/> or <see cref="Tensor.DetachFromDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    private static readonly AsyncLocal<DisposeScope?> CurrentScope = new();
    private readonly DisposeScope? _outer;
    private readonly HashSet<Tensor> _tensors = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    internal DisposeScope()
    {
        _outer = CurrentScope.Value;
        CurrentScope.Value = this;
    }

    /// <summary>How many tensors the scope currently owns.</summary>
    public int Count => _tensors.Count;

    internal static DisposeScope? Current => CurrentScope.Value;

    internal DisposeScope? Outer => _outer;

    /// <summary>Disposes every tensor still owned and makes the outer scope current again.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CurrentScope.Value = _outer;
        foreach (Tensor tensor in _tensors)
        {
            tensor.DisposeFromScope();
        }

        _tensors.Clear();
    }

    internal void Add(Tensor tensor) => _tensors.Add(tensor);

    internal void Remove(Tensor tensor) => _tensors.Remove(tensor);
}
