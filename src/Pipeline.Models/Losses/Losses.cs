using Pipeline.Models.Native;
using static Pipeline.Models.Native.NativeError;

namespace Pipeline.Models;

/// <summary>The loss functions the pipeline trains with (torch.nn.functional names).</summary>
public static class Losses
{
    /// <summary>Cross-entropy of logits [N, C] against int64 class ids [N] (or class probabilities [N, C]).</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean) => Loss(0, logits, targets, reduction);

    /// <summary>Binary cross-entropy of logits against targets in [0, 1] of the same shape (numerically stable).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean) =>
        Loss(1, logits, targets, reduction);

    /// <summary>Mean squared error between same-shaped tensors.</summary>
    public static Tensor MeanSquaredError(Tensor input, Tensor targets, Reduction reduction = Reduction.Mean) => Loss(2, input, targets, reduction);

    private static Tensor Loss(int kind, Tensor input, Tensor targets, Reduction reduction)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(targets);
        Check(NativeMethods.pt_loss(kind, input.Handle, targets.Handle, (int)reduction, GradModeScope.NativeMode, out nint result));
        return new Tensor(result);
    }
}
