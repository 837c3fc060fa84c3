using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages.Flows;

namespace Pipeline.Streams.Control;

/// <summary>
/// One switch for any number of stages in any number of streams: every stage made by <see cref="Flow{T}()"/> stops
/// when it is triggered (stages materialized later stop at once).
/// </summary>
public sealed class SharedKillSwitch : IKillSwitch
{
    private readonly Lock _lock = new();
    private readonly HashSet<Action<Exception?>> _stages = new();
    private bool _triggered;
    private Exception? _cause;

    /// <summary>Creates a shared kill switch.</summary>
    public SharedKillSwitch(string name) => Name = name;

    /// <summary>The switch's name.</summary>
    public string Name { get; }

    /// <summary>A pass-through flow controlled by this switch.</summary>
    public Flow<T, T, NotUsed> Flow<T>()
        => new(GraphBlueprint.FromStage(new KillSwitchStage<T>(this)), static (_, _) => NotUsed.Instance);

    /// <inheritdoc />
    public void Shutdown() => Trigger(null);

    /// <inheritdoc />
    public void Abort(Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        Trigger(cause);
    }

    private void Trigger(Exception? cause)
    {
        Action<Exception?>[] stages;
        lock (_lock)
        {
            if (_triggered) return;
            _triggered = true;
            _cause = cause;
            stages = [.. _stages];
            _stages.Clear();
        }
        foreach (var s in stages) s(cause);
    }

    internal void Register(Action<Exception?> stage)
    {
        Exception? cause;
        lock (_lock)
        {
            if (!_triggered)
            {
                _stages.Add(stage);
                return;
            }
            cause = _cause;
        }
        stage(cause);
    }

    internal void Unregister(Action<Exception?> stage)
    {
        lock (_lock) _stages.Remove(stage);
    }
}
