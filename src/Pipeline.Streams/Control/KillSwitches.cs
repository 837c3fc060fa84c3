using Pipeline.Streams.Dsl;
using Pipeline.Streams.Stages.Flows;

namespace Pipeline.Streams.Control;

/// <summary>Factories of kill switches.</summary>
public static class KillSwitches
{
    /// <summary>A pass-through flow that materializes its own <see cref="UniqueKillSwitch"/>.</summary>
    public static Flow<T, T, UniqueKillSwitch> Single<T>() => Flow<T, T, UniqueKillSwitch>.FromStage(new KillSwitchStage<T>(null));

    /// <summary>A kill switch to share between streams.</summary>
    public static SharedKillSwitch Shared(string name) => new(name);
}
