namespace Pipeline.Models;

/// <summary>How an operation treats autograd; passed to every native call because libtorch's mode is per thread.</summary>
public enum GradMode
{
    /// <summary>No graph is recorded (torch.no_grad()).</summary>
    Disabled = 0,

    /// <summary>Operations on tensors that require grad are recorded for backward.</summary>
    Enabled = 1,

    /// <summary>torch.inference_mode(): no graph and no version counters; the fastest mode for serving.</summary>
    Inference = 2,
}
