using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>Adam (torch.optim.Adam): adaptive moments with L2 weight decay added to the gradient.</summary>
public sealed unsafe class Adam : Optimizer
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(parameters, handles =>
        {
            fixed (nint* p = handles)
            {
                return Created(NativeMethods.pt_optim_adam(p, handles.Length, learningRate, beta1, beta2, eps, weightDecay, 0, out nint o), o);
            }
        })
    {
    }
}
