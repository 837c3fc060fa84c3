using Pipeline.Models.Native;

namespace Pipeline.Models;

/// <summary>Stochastic gradient descent with optional momentum, Nesterov and weight decay (torch.optim.SGD).</summary>
public sealed unsafe class Sgd : Optimizer
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters, handles =>
        {
            fixed (nint* p = handles)
            {
                return Created(NativeMethods.pt_optim_sgd(p, handles.Length, learningRate, momentum, weightDecay, nesterov ? 1 : 0, out nint o), o);
            }
        })
    {
    }
}
