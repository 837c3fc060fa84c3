using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>
/// Native modules applied in order (nn.Sequential); entries are named by position as in PyTorch ("0.weight").
/// It owns its children and disposes them with itself.
/// </summary>
public sealed unsafe class Sequential : NativeModule
{
    private readonly NativeModule[] _children;

    /// <summary>Chains <paramref name="children"/> (leaf native modules, not nested Sequentials or TorchScript).</summary>
    public Sequential(params NativeModule[] children)
        : base(Create(children)) => _children = children;

    /// <summary>The children in order.</summary>
    public IReadOnlyList<NativeModule> Children => _children;

    /// <summary>Runs the input through every child.</summary>
    public Tensor Forward(Tensor input)
    {
        if (_children.Length > 0 && _children[0] is Linear first)
        {
            ArgumentNullException.ThrowIfNull(input);
            ReadOnlySpan<long> shape = input.Shape;
            if (shape.Length == 0 || shape[^1] != first.InFeatures)
            {
                throw new TorchShapeException(
                    $"Sequential starting with Linear({first.InFeatures} -> {first.OutFeatures}) expects input shape [*, {first.InFeatures}] but got [{string.Join(", ", shape.ToArray())}].");
            }
        }

        return ForwardNative(input);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            foreach (NativeModule child in _children)
            {
                child.Dispose();
            }
        }
    }

    private static nint Create(NativeModule[] children)
    {
        ArgumentNullException.ThrowIfNull(children);
        nint* handles = stackalloc nint[Math.Max(1, children.Length)];
        for (int i = 0; i < children.Length; i++)
        {
            if (children[i] is Sequential or ScriptModule)
            {
                throw new ArgumentException($"Child {i} is a {children[i].GetType().Name}; Sequential takes leaf native modules.", nameof(children));
            }

            handles[i] = children[i].Handle.DangerousGetHandle();
        }

        NativeError.Check(NativeMethods.pt_module_sequential(handles, children.Length, out nint p));
        GC.KeepAlive(children);
        return p;
    }
}
