using System.Runtime.InteropServices;
using Pipeline.Models.Native;
using static Pipeline.Models.Native.NativeError;

namespace Pipeline.Models;

/// <summary>
/// A libtorch tensor owned by .NET: disposing it (or the <see cref="DisposeScope"/> it was created in) frees the
/// native memory at once; a forgotten tensor is freed by its SafeHandle's finalizer.
/// Operations run under the current <see cref="GradModeScope.Mode"/>.
/// </summary>
public sealed unsafe class Tensor : IDisposable
{
    private readonly TensorHandle _handle;
    private DisposeScope? _scope;
    private long[]? _shape;

    internal Tensor(nint pointer)
        : this(pointer, joinScope: true)
    {
    }

    internal Tensor(nint pointer, bool joinScope)
    {
        _handle = new TensorHandle(pointer);
        if (joinScope)
        {
            _scope = DisposeScope.Current;
            _scope?.Add(this);
        }
    }

    /// <summary>The size of each dimension.</summary>
    public ReadOnlySpan<long> Shape => _shape ??= ReadInfo().Shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>The element count.</summary>
    public long NumberOfElements
    {
        get
        {
            long n = 1;
            foreach (long d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>The element type.</summary>
    public ScalarType Dtype => ReadInfo().Dtype;

    /// <summary>Where the data lives.</summary>
    public Device Device => ReadInfo().Device;

    /// <summary>Whether autograd tracks operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get => ReadInfo().RequiresGrad;
        set => Check(NativeMethods.pt_tensor_set_requires_grad(_handle, value ? 1 : 0));
    }

    /// <summary>The gradient accumulated by <see cref="Backward"/>, or null before any (a new owning tensor each call).</summary>
    public Tensor? Grad
    {
        get
        {
            Check(NativeMethods.pt_tensor_grad(_handle, out nint grad));
            return grad == 0 ? null : new Tensor(grad);
        }
    }

    /// <summary>Whether <see cref="Dispose"/> has released the native tensor.</summary>
    public bool IsDisposed => _handle.IsClosed;

    internal TensorHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    /// <summary>Element-wise sum (broadcasting).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Binary(0, a, b);

    /// <summary>Element-wise difference (broadcasting).</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Binary(1, a, b);

    /// <summary>Element-wise product (broadcasting).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Binary(2, a, b);

    /// <summary>Element-wise quotient (broadcasting).</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Binary(3, a, b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => Scalar(0, a, s);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => Scalar(1, a, s);

    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => Scalar(3, a, s);

    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => Scalar(4, a, s);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => Unary(5, a);

    /// <summary>Copies <paramref name="data"/> into a new tensor of the given shape on <paramref name="device"/>.</summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, Device? device = null, bool requiresGrad = false)
        where T : unmanaged
    {
        ScalarType type = ScalarTypes.Of<T>();
        Device target = device ?? Models.Device.Cpu;
        CheckRank(shape);
        fixed (T* d = data)
        fixed (long* s = shape)
        {
            Check(NativeMethods.pt_tensor_from_data(d, (long)data.Length * sizeof(T), (int)type, s, shape.Length, (int)target.Type, target.Index, requiresGrad ? 1 : 0, out nint t));
            return new Tensor(t);
        }
    }

    /// <summary>A 1-D tensor holding <paramref name="data"/>.</summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, Device? device = null)
        where T : unmanaged => FromSpan(data, [data.Length], device);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        Fill(0, shape, dtype, device, requiresGrad);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        Fill(1, shape, dtype, device, requiresGrad);

    /// <summary>Standard normal samples (seeded by <see cref="Torch.ManualSeed"/>).</summary>
    public static Tensor Randn(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        Fill(2, shape, dtype, device, requiresGrad);

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        Fill(3, shape, dtype, device, requiresGrad);

    /// <summary>Concatenates tensors along <paramref name="dim"/>.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Cat needs at least one tensor.", nameof(tensors));
        }

        nint* items = stackalloc nint[Math.Min(tensors.Count, 256)];
        nint[]? rented = tensors.Count > 256 ? new nint[tensors.Count] : null;
        fixed (nint* heap = rented)
        {
            nint* p = rented is null ? items : heap;
            for (int i = 0; i < tensors.Count; i++)
            {
                p[i] = tensors[i].Handle.DangerousGetHandle();
            }

            Check(NativeMethods.pt_tensor_cat(p, tensors.Count, dim, GradModeScope.NativeMode, out nint result));
            GC.KeepAlive(tensors);
            return new Tensor(result);
        }
    }

    /// <summary>Copies the elements out (moved to the CPU and made contiguous first when needed).</summary>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        var result = new T[NumberOfElements];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements into <paramref name="destination"/>, which must have exactly the element count.</summary>
    public void CopyTo<T>(Span<T> destination)
        where T : unmanaged
    {
        ScalarType expected = ScalarTypes.Of<T>();
        ScalarType actual = Dtype;
        if (expected != actual)
        {
            throw new ArgumentException($"The tensor holds {actual} but the destination is {typeof(T).Name} ({expected}); convert with To({expected}) first.");
        }

        fixed (T* d = destination)
        {
            Check(NativeMethods.pt_tensor_copy_to(Handle, d, (long)destination.Length * sizeof(T)));
        }
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        Check(NativeMethods.pt_tensor_item(Handle, out double value));
        return value;
    }

    /// <summary>This tensor converted to another element type.</summary>
    public Tensor To(ScalarType dtype) => To(dtype, Device);

    /// <summary>This tensor moved to another device.</summary>
    public Tensor To(Device device) => To(Dtype, device);

    /// <summary>This tensor converted and moved.</summary>
    public Tensor To(ScalarType dtype, Device device)
    {
        Check(NativeMethods.pt_tensor_to(Handle, (int)dtype, (int)device.Type, device.Index, out nint result));
        return new Tensor(result);
    }

    /// <summary>Back-propagates from this scalar (a loss) into every leaf that requires grad.</summary>
    public void Backward() => Check(NativeMethods.pt_tensor_backward(Handle));

    /// <summary>The same data cut from the autograd graph.</summary>
    public Tensor Detach()
    {
        Check(NativeMethods.pt_tensor_detach(Handle, out nint result));
        return new Tensor(result);
    }

    /// <summary>A copy of the data.</summary>
    public Tensor Clone()
    {
        Check(NativeMethods.pt_tensor_clone(Handle, GradModeScope.NativeMode, out nint result));
        return new Tensor(result);
    }

    /// <summary>Overwrites this tensor's data with <paramref name="source"/> (same shape), outside autograd.</summary>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Check(NativeMethods.pt_tensor_assign(Handle, source.Handle));
    }

    /// <summary>Whether no element is NaN or infinite.</summary>
    public bool AllFinite()
    {
        Check(NativeMethods.pt_tensor_all_finite(Handle, out int finite));
        return finite != 0;
    }

    /// <summary>Matrix product (torch.matmul).</summary>
    public Tensor MatMul(Tensor other) => Binary(4, this, other);

    /// <summary>Element-wise equality as a bool tensor.</summary>
    public Tensor Eq(Tensor other) => Binary(5, this, other);

    /// <summary>Element-wise greater-than as a bool tensor.</summary>
    public Tensor Gt(Tensor other) => Binary(6, this, other);

    /// <summary>Element-wise less-than as a bool tensor.</summary>
    public Tensor Lt(Tensor other) => Binary(7, this, other);

    /// <summary>Element-wise maximum.</summary>
    public Tensor Maximum(Tensor other) => Binary(8, this, other);

    /// <summary>Element-wise minimum.</summary>
    public Tensor Minimum(Tensor other) => Binary(9, this, other);

    /// <summary>Raises every element to <paramref name="exponent"/>.</summary>
    public Tensor Pow(double exponent) => Scalar(2, this, exponent);

    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Unary(0, this);

    /// <summary>The logistic function.</summary>
    public Tensor Sigmoid() => Unary(1, this);

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(2, this);

    /// <summary>e^x.</summary>
    public Tensor Exp() => Unary(3, this);

    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Unary(4, this);

    /// <summary>Absolute value.</summary>
    public Tensor Abs() => Unary(6, this);

    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Unary(7, this);

    /// <summary>Sum of all elements.</summary>
    public Tensor Sum() => Unary(8, this);

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Unary(9, this);

    /// <summary>GELU activation.</summary>
    public Tensor Gelu() => Unary(12, this);

    /// <summary>The transpose of a 2-D tensor.</summary>
    public Tensor T() => Unary(13, this);

    /// <summary>The elements as one dimension.</summary>
    public Tensor Flatten() => Unary(14, this);

    /// <summary>Sum along <paramref name="dim"/>.</summary>
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(0, dim, keepDim);

    /// <summary>Mean along <paramref name="dim"/>.</summary>
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(1, dim, keepDim);

    /// <summary>Index of the largest element along <paramref name="dim"/>.</summary>
    public Tensor ArgMax(long dim, bool keepDim = false) => Reduce(2, dim, keepDim);

    /// <summary>Largest element along <paramref name="dim"/>.</summary>
    public Tensor Max(long dim, bool keepDim = false) => Reduce(3, dim, keepDim);

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public Tensor Softmax(long dim) => Reduce(4, dim, false);

    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public Tensor LogSoftmax(long dim) => Reduce(5, dim, false);

    /// <summary>The same elements in a new shape (one dimension may be -1).</summary>
    public Tensor Reshape(params ReadOnlySpan<long> shape)
    {
        CheckRank(shape);
        fixed (long* s = shape)
        {
            Check(NativeMethods.pt_tensor_reshape(Handle, s, shape.Length, GradModeScope.NativeMode, out nint result));
            return new Tensor(result);
        }
    }

    /// <summary>A view with dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped.</summary>
    public Tensor Transpose(long dim0, long dim1)
    {
        Check(NativeMethods.pt_tensor_transpose(Handle, dim0, dim1, GradModeScope.NativeMode, out nint result));
        return new Tensor(result);
    }

    /// <summary>A view of <paramref name="length"/> entries from <paramref name="start"/> along <paramref name="dim"/>.</summary>
    public Tensor Narrow(long dim, long start, long length)
    {
        Check(NativeMethods.pt_tensor_narrow(Handle, dim, start, length, GradModeScope.NativeMode, out nint result));
        return new Tensor(result);
    }

    /// <summary>The entries at <paramref name="index"/> (int64) along <paramref name="dim"/>.</summary>
    public Tensor IndexSelect(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        Check(NativeMethods.pt_tensor_index_select(Handle, dim, index.Handle, GradModeScope.NativeMode, out nint result));
        return new Tensor(result);
    }

    /// <summary>Hands this tensor to the scope around the current one, so it outlives the inner scope.</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        DisposeScope? outer = _scope?.Outer;
        _scope?.Remove(this);
        _scope = outer;
        outer?.Add(this);
        return this;
    }

    /// <summary>Takes this tensor out of every dispose scope: the caller disposes it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        _scope?.Remove(this);
        _scope = null;
        return this;
    }

    /// <summary>Frees the native tensor now.</summary>
    public void Dispose()
    {
        _scope?.Remove(this);
        _scope = null;
        _handle.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor({Dtype}, [{string.Join(", ", Shape.ToArray())}], {Device})";

    /// <summary>Creates a tensor from raw little-endian bytes of <paramref name="dtype"/> (safetensors payloads).</summary>
    internal static Tensor FromBytes(ReadOnlySpan<byte> data, ScalarType dtype, ReadOnlySpan<long> shape)
    {
        CheckRank(shape);
        fixed (byte* d = data)
        fixed (long* s = shape)
        {
            Check(NativeMethods.pt_tensor_from_data(d, data.Length, (int)dtype, s, shape.Length, (int)DeviceType.Cpu, 0, 0, out nint t));
            return new Tensor(t);
        }
    }

    /// <summary>Copies the raw bytes (CPU, contiguous) into <paramref name="destination"/> of exactly the tensor's byte size.</summary>
    internal void CopyBytesTo(Span<byte> destination)
    {
        fixed (byte* d = destination)
        {
            Check(NativeMethods.pt_tensor_copy_to(Handle, d, destination.Length));
        }
    }

    internal void DisposeFromScope()
    {
        _scope = null;
        _handle.Dispose();
    }

    private static void CheckRank(ReadOnlySpan<long> shape)
    {
        if (shape.Length > 8)
        {
            throw new ArgumentException($"Tensors have at most 8 dimensions; got {shape.Length}.", nameof(shape));
        }
    }

    private static Tensor Fill(int kind, ReadOnlySpan<long> shape, ScalarType dtype, Device? device, bool requiresGrad)
    {
        Device target = device ?? Models.Device.Cpu;
        CheckRank(shape);
        fixed (long* s = shape)
        {
            Check(NativeMethods.pt_tensor_fill(kind, (int)dtype, s, shape.Length, (int)target.Type, target.Index, requiresGrad ? 1 : 0, out nint t));
            return new Tensor(t);
        }
    }

    private static Tensor Binary(int op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Check(NativeMethods.pt_tensor_binary(op, a.Handle, b.Handle, GradModeScope.NativeMode, out nint result));
        return new Tensor(result);
    }

    private static Tensor Scalar(int op, Tensor a, double s)
    {
        ArgumentNullException.ThrowIfNull(a);
        Check(NativeMethods.pt_tensor_scalar(op, a.Handle, s, GradModeScope.NativeMode, out nint result));
        return new Tensor(result);
    }

    private static Tensor Unary(int op, Tensor a)
    {
        Check(NativeMethods.pt_tensor_unary(op, a.Handle, GradModeScope.NativeMode, out nint result));
        return new Tensor(result);
    }

    private Tensor Reduce(int op, long dim, bool keepDim)
    {
        Check(NativeMethods.pt_tensor_reduce(op, Handle, dim, keepDim ? 1 : 0, GradModeScope.NativeMode, out nint result));
        return new Tensor(result);
    }

    private TensorInfo ReadInfo()
    {
        long* shape = stackalloc long[8];
        Check(NativeMethods.pt_tensor_info(Handle, out int dtype, out int ndim, shape, out int deviceType, out int deviceIndex, out int requiresGrad));
        return new TensorInfo((ScalarType)dtype, new ReadOnlySpan<long>(shape, ndim).ToArray(), new Device((DeviceType)deviceType, deviceIndex), requiresGrad != 0);
    }

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct TensorInfo(ScalarType Dtype, long[] Shape, Device Device, bool RequiresGrad);
}
