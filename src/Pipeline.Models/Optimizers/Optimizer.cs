using Pipeline.Models.Native;
using static Pipeline.Models.Native.NativeError;

namespace Pipeline.Models;

/// <summary>
/// Base of SGD, Adam and AdamW. The whole update (and its NaN/Inf check) is one native call, whatever the number
/// of parameters. A step whose loss or gradients are not finite is rejected and counted, never applied.
/// </summary>
public abstract unsafe class Optimizer : IDisposable
{
    private readonly OptimizerHandle _handle;
    private readonly Tensor[] _parameters;

    private protected Optimizer(IEnumerable<Tensor> parameters, Func<nint[], nint> create)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        if (_parameters.Length == 0)
        {
            throw new ArgumentException("An optimizer needs at least one parameter.", nameof(parameters));
        }

        nint[] handles = _parameters.Select(p => p.Handle.DangerousGetHandle()).ToArray();
        _handle = new OptimizerHandle(create(handles));
        GC.KeepAlive(_parameters);
    }

    /// <summary>How many steps were rejected because the loss or a gradient was NaN or Inf.</summary>
    public long RejectedSteps { get; private set; }

    /// <summary>How many steps were applied.</summary>
    public long AppliedSteps { get; private set; }

    /// <summary>The learning rate of every parameter group; setting it takes effect at the next step (schedules).</summary>
    public double LearningRate
    {
        get
        {
            Check(NativeMethods.pt_optim_get_lr(_handle, out double lr));
            return lr;
        }

        set
        {
            if (!(value > 0) || !double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be a positive finite number.");
            }

            Check(NativeMethods.pt_optim_set_lr(_handle, value));
        }
    }

    /// <summary>The parameters this optimizer updates.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>Clears every gradient.</summary>
    public void ZeroGrad() => Check(NativeMethods.pt_optim_zero_grad(_handle));

    /// <summary>Applies one update from the current gradients unless one holds NaN/Inf.</summary>
    public StepResult Step()
    {
        Check(NativeMethods.pt_optim_step(_handle, 1, out int applied));
        return Count(applied != 0);
    }

    /// <summary>
    /// The usual training step: clears gradients, rejects a non-finite <paramref name="loss"/> before backward,
    /// back-propagates, and applies the update unless a gradient is non-finite.
    /// </summary>
    public StepResult BackwardAndStep(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ZeroGrad();
        bool finite = loss.NumberOfElements == 1 ? double.IsFinite(loss.Item()) : loss.AllFinite();
        if (!finite)
        {
            return Count(false);
        }

        loss.Backward();
        return Step();
    }

    /// <summary>The optimizer state (moments, step counts, hyper-parameters) as bytes, for checkpoints.</summary>
    public byte[] SaveState()
    {
        Check(NativeMethods.pt_optim_save(_handle, out nint bytes));
        try
        {
            Check(NativeMethods.pt_bytes_view(bytes, out byte* data, out long length));
            return new ReadOnlySpan<byte>(data, checked((int)length)).ToArray();
        }
        finally
        {
            NativeMethods.pt_bytes_free(bytes);
        }
    }

    /// <summary>Restores state written by <see cref="SaveState"/> for the same parameter layout.</summary>
    public void LoadState(ReadOnlySpan<byte> state)
    {
        if (state.IsEmpty)
        {
            throw new TorchLoadException("Optimizer state is empty.");
        }

        fixed (byte* s = state)
        {
            Check(NativeMethods.pt_optim_load(_handle, s, state.Length));
        }
    }

    /// <summary>Frees the native optimizer (the parameters stay with their module).</summary>
    public void Dispose()
    {
        _handle.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected static nint Created(int status, nint pointer)
    {
        Check(status);
        return pointer;
    }

    private StepResult Count(bool applied)
    {
        if (applied)
        {
            AppliedSteps++;
            return StepResult.Applied;
        }

        RejectedSteps++;
        return StepResult.RejectedNonFinite;
    }
}
