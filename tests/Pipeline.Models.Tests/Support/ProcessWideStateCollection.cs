namespace Pipeline.Models.Tests.Support;

/// <summary>Tests that read or change libtorch's process-wide state (seed, thread count, live-tensor count) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideStateCollection
{
    public const string Name = "libtorch process-wide state";
}
