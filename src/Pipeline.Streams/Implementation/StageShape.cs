namespace Pipeline.Streams.Implementation;

/// <summary>The ports of a stage, in order: a stage's logic addresses its connections by these indices.</summary>
public sealed class StageShape
{
    /// <summary>Creates a shape; each port may belong to one shape only.</summary>
    public StageShape(IReadOnlyList<Inlet> inlets, IReadOnlyList<Outlet> outlets)
    {
        Inlets = inlets;
        Outlets = outlets;
        for (var i = 0; i < inlets.Count; i++) inlets[i].Index = i;
        for (var i = 0; i < outlets.Count; i++) outlets[i].Index = i;
    }

    /// <summary>The input ports.</summary>
    public IReadOnlyList<Inlet> Inlets { get; }

    /// <summary>The output ports.</summary>
    public IReadOnlyList<Outlet> Outlets { get; }

    /// <summary>A shape with one outlet (a source).</summary>
    public static StageShape Source(Outlet outlet) => new([], [outlet]);

    /// <summary>A shape with one inlet (a sink).</summary>
    public static StageShape Sink(Inlet inlet) => new([inlet], []);

    /// <summary>A shape with one inlet and one outlet (a flow).</summary>
    public static StageShape Flow(Inlet inlet, Outlet outlet) => new([inlet], [outlet]);
}
