namespace Pipeline.Models;

/// <summary>One named tensor of a module's state: a trainable parameter or a buffer (e.g. running statistics).</summary>
/// <param name="Name">The name relative to the module that owns it, as PyTorch names it.</param>
/// <param name="Tensor">The live tensor (owned by the module).</param>
/// <param name="IsParameter">True for trainable parameters, false for buffers.</param>
public readonly record struct StateEntry(string Name, Tensor Tensor, bool IsParameter);
