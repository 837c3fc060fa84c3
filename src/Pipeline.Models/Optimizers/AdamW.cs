using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>AdamW (torch.optim.AdamW): Adam with decoupled weight decay, the usual choice for transformers.</summary>
public sealed unsafe class AdamW : Optimizer
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
        : base(parameters, handles =>
        {
            fixed (nint* p = handles)
            {
                return Created(NativeMethods.pt_optim_adam(p, handles.Length, learningRate, beta1, beta2, eps, weightDecay, 1, out nint o), o);
            }
        })
    {
    }
}
