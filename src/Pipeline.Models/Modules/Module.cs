namespace Pipeline.Models;

/// <summary>
/// Base of every model part (PyTorch's nn.Module): named children, train/eval, device placement and state entries
/// named as PyTorch names them ("mlp.0.weight"), so weights can move between Python and .NET.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Module>> _children = [];
    private bool _disposed;

    /// <summary>Whether the module is in training mode (dropout active); new modules train.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>The device the module's weights were last moved to.</summary>
    public Device Device { get; private set; } = Device.Cpu;

    /// <summary>Switches training mode on or off for this module and all children.</summary>
    public Module Train(bool on = true)
    {
        ThrowIfDisposed();
        IsTraining = on;
        OnTrain(on);
        foreach (var child in _children)
        {
            child.Value.Train(on);
        }

        return this;
    }

    /// <summary>Switches to evaluation mode (no dropout).</summary>
    public Module Eval() => Train(false);

    /// <summary>Moves every weight to <paramref name="device"/>.</summary>
    public Module To(Device device)
    {
        ThrowIfDisposed();
        OnTo(device);
        foreach (var child in _children)
        {
            child.Value.To(device);
        }

        Device = device;
        return this;
    }

    /// <summary>Trainable parameters with their PyTorch names. The tensors belong to the module: do not dispose them.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> NamedParameters() => Collect(parametersOnly: true);

    /// <summary>Trainable parameters in registration order (what an optimizer takes).</summary>
    public IReadOnlyList<Tensor> Parameters() => NamedParameters().Select(p => p.Value).ToArray();

    /// <summary>Parameters and buffers with their PyTorch names (state_dict). The tensors belong to the module.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict() => Collect(parametersOnly: false);

    /// <summary>
    /// Copies <paramref name="state"/> into this module's entries. With <paramref name="strict"/>, a missing or
    /// unexpected name fails; a shape mismatch always fails naming the entry and both shapes.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = StateDict();
        if (strict)
        {
            var ownNames = own.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
            var missing = ownNames.Where(n => !state.ContainsKey(n)).ToArray();
            var unexpected = state.Keys.Where(n => !ownNames.Contains(n)).ToArray();
            if (missing.Length > 0 || unexpected.Length > 0)
            {
                throw new TorchLoadException(
                    $"State does not match {GetType().Name}: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}].");
            }
        }

        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out Tensor? source))
            {
                continue;
            }

            if (!target.Shape.SequenceEqual(source.Shape))
            {
                throw new TorchShapeException(
                    $"State entry '{name}': expected shape [{string.Join(", ", target.Shape.ToArray())}] but got [{string.Join(", ", source.Shape.ToArray())}].");
            }

            using Tensor converted = source.To(target.Dtype, target.Device);
            target.CopyFrom(converted);
        }
    }

    /// <summary>Frees the native module and its children.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds a child whose entries appear under "<paramref name="name"/>.".</summary>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(module);
        if (_children.Any(c => c.Key == name || c.Key.Length == 0))
        {
            throw new ArgumentException($"A child named '{name}' is already registered.", nameof(name));
        }

        _children.Add(new(name, module));
        return module;
    }

    /// <summary>Adds a child whose entries keep their own names (a wrapper that adds behaviour, not a level).</summary>
    protected T RegisterModuleWithoutPrefix<T>(T module)
        where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        _children.Add(new(string.Empty, module));
        return module;
    }

    /// <summary>This module's own entries (not its children's), for native modules.</summary>
    protected virtual IEnumerable<StateEntry> OwnState() => [];

    /// <summary>Applies training mode to this module's own native part.</summary>
    protected virtual void OnTrain(bool on)
    {
    }

    /// <summary>Moves this module's own native part.</summary>
    protected virtual void OnTo(Device device)
    {
    }

    /// <summary>Releases native resources; overrides must call the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            foreach (var child in _children)
            {
                child.Value.Dispose();
            }
        }
    }

    /// <summary>Fails when the module was disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private List<KeyValuePair<string, Tensor>> Collect(bool parametersOnly)
    {
        ThrowIfDisposed();
        var result = new List<KeyValuePair<string, Tensor>>();
        Collect(string.Empty, parametersOnly, result);
        return result;
    }

    private void Collect(string prefix, bool parametersOnly, List<KeyValuePair<string, Tensor>> result)
    {
        foreach (StateEntry entry in OwnState())
        {
            if (!parametersOnly || entry.IsParameter)
            {
                result.Add(new(prefix + entry.Name, entry.Tensor));
            }
        }

        foreach (var child in _children)
        {
            child.Value.Collect(child.Key.Length == 0 ? prefix : prefix + child.Key + ".", parametersOnly, result);
        }
    }
}
