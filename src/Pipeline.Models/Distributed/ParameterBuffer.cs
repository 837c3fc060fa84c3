using Pipeline.Models.Native;
using static Pipeline.Models.Native.NativeError;

namespace Pipeline.Models;

/// <summary>
/// Parameters or gradients of a model as one flat 1-D buffer (in <see cref="Module.Parameters"/> order), the unit
/// data-parallel training sends between nodes; each direction is one native call.
/// </summary>
public static unsafe class ParameterBuffer
{
    /// <summary>All parameter values, concatenated.</summary>
    public static Tensor FlattenValues(IReadOnlyList<Tensor> parameters) => Flatten(parameters, 0);

    /// <summary>All gradients, concatenated (a parameter without a gradient contributes zeros).</summary>
    public static Tensor FlattenGradients(IReadOnlyList<Tensor> parameters) => Flatten(parameters, 1);

    /// <summary>Overwrites every parameter's values from <paramref name="flat"/> (outside autograd).</summary>
    public static void SetValues(IReadOnlyList<Tensor> parameters, Tensor flat) => Unflatten(parameters, 0, flat);

    /// <summary>Overwrites every parameter's gradient from <paramref name="flat"/> (e.g. the all-reduced average).</summary>
    public static void SetGradients(IReadOnlyList<Tensor> parameters, Tensor flat) => Unflatten(parameters, 1, flat);

    /// <summary>The element-wise mean of equally shaped buffers from several workers.</summary>
    public static Tensor Average(IReadOnlyList<Tensor> buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        if (buffers.Count == 0)
        {
            throw new ArgumentException("Average needs at least one buffer.", nameof(buffers));
        }

        using (Torch.NoGrad())
        {
            Tensor sum = buffers[0].Clone();
            for (int i = 1; i < buffers.Count; i++)
            {
                using Tensor previous = sum;
                sum = previous + buffers[i];
            }

            using Tensor total = sum;
            return total / buffers.Count;
        }
    }

    private static Tensor Flatten(IReadOnlyList<Tensor> parameters, int which)
    {
        nint[] handles = Handles(parameters);
        fixed (nint* p = handles)
        {
            Check(NativeMethods.pt_flatten(p, handles.Length, which, out nint result));
            GC.KeepAlive(parameters);
            return new Tensor(result);
        }
    }

    private static void Unflatten(IReadOnlyList<Tensor> parameters, int which, Tensor flat)
    {
        ArgumentNullException.ThrowIfNull(flat);
        nint[] handles = Handles(parameters);
        fixed (nint* p = handles)
        {
            Check(NativeMethods.pt_unflatten_into(p, handles.Length, which, flat.Handle));
            GC.KeepAlive(parameters);
        }
    }

    private static nint[] Handles(IReadOnlyList<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("At least one parameter is needed.", nameof(parameters));
        }

        var handles = new nint[parameters.Count];
        for (int i = 0; i < handles.Length; i++)
        {
            handles[i] = parameters[i].Handle.DangerousGetHandle();
        }

        return handles;
    }
}
