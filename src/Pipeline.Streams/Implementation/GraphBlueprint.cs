using Pipeline.Streams.Dsl;

namespace Pipeline.Streams.Implementation;

/// <summary>A stage placed in a blueprint, with its attributes and its async-island path.</summary>
internal sealed record StageNode(IGraphStage Stage, Attributes Attributes, object[] IslandPath)
{
    internal bool SameIsland(StageNode other)
    {
        if (IslandPath.Length != other.IslandPath.Length) return false;
        for (var i = 0; i < IslandPath.Length; i++)
            if (!ReferenceEquals(IslandPath[i], other.IslandPath[i])) return false;
        return true;
    }
}

/// <summary>A port of a node in a blueprint.</summary>
internal readonly record struct PortRef(int Node, int Port);

/// <summary>A wire from an outlet to an inlet.</summary>
internal readonly record struct Wire(PortRef From, PortRef To);

/// <summary>
/// The immutable description of a graph: stage nodes, the wires between them and the ports left open
/// (one outlet for a source, one inlet for a sink, both for a flow, none for a runnable graph).
/// </summary>
internal sealed class GraphBlueprint
{
    internal GraphBlueprint(StageNode[] nodes, Wire[] wires, PortRef? openIn, PortRef? openOut)
    {
        Nodes = nodes;
        Wires = wires;
        OpenIn = openIn;
        OpenOut = openOut;
    }

    internal StageNode[] Nodes { get; }
    internal Wire[] Wires { get; }
    internal PortRef? OpenIn { get; }
    internal PortRef? OpenOut { get; }

    internal static GraphBlueprint FromStage(IGraphStage stage)
    {
        var shape = stage.Shape;
        if (shape.Inlets.Count > 1 || shape.Outlets.Count > 1)
            throw new ArgumentException($"Stage {stage.Name} has several ports of one direction; combine it with GraphBlueprint.Combine.");
        return new GraphBlueprint([new StageNode(stage, Attributes.None, [])], [],
            shape.Inlets.Count == 1 ? new PortRef(0, 0) : null,
            shape.Outlets.Count == 1 ? new PortRef(0, 0) : null);
    }

    /// <summary>Connects this graph's open outlet to <paramref name="next"/>'s open inlet; next's nodes follow this graph's.</summary>
    internal GraphBlueprint Connect(GraphBlueprint next)
    {
        var from = OpenOut ?? throw new InvalidOperationException("This graph has no open outlet to connect.");
        var to = next.OpenIn ?? throw new InvalidOperationException("The next graph has no open inlet to connect to.");
        var offset = Nodes.Length;
        var wires = new Wire[Wires.Length + next.Wires.Length + 1];
        Wires.CopyTo(wires, 0);
        for (var i = 0; i < next.Wires.Length; i++)
        {
            var w = next.Wires[i];
            wires[Wires.Length + i] = new Wire(w.From with { Node = w.From.Node + offset }, w.To with { Node = w.To.Node + offset });
        }
        wires[^1] = new Wire(from, to with { Node = to.Node + offset });
        return new GraphBlueprint([.. Nodes, .. next.Nodes], wires, OpenIn,
            next.OpenOut is { } o ? o with { Node = o.Node + offset } : null);
    }

    /// <summary>
    /// Places <paramref name="parts"/> side by side, then a <paramref name="junction"/> node whose inlets take
    /// the parts' open outlets (fan-in) or whose outlets feed the parts' open inlets (fan-out).
    /// Returns the combined graph and each part's node offset.
    /// </summary>
    internal static (GraphBlueprint Graph, int[] Offsets) Combine(IReadOnlyList<GraphBlueprint> parts, IGraphStage junction, bool fanIn)
    {
        var nodes = new List<StageNode>();
        var wires = new List<Wire>();
        var offsets = new int[parts.Count];
        for (var p = 0; p < parts.Count; p++)
        {
            offsets[p] = nodes.Count;
            var off = nodes.Count;
            nodes.AddRange(parts[p].Nodes);
            foreach (var w in parts[p].Wires)
                wires.Add(new Wire(w.From with { Node = w.From.Node + off }, w.To with { Node = w.To.Node + off }));
        }
        var j = nodes.Count;
        nodes.Add(new StageNode(junction, Attributes.None, []));
        for (var p = 0; p < parts.Count; p++)
        {
            if (fanIn)
            {
                var o = parts[p].OpenOut ?? throw new ArgumentException("A fan-in part must be a source (one open outlet).");
                wires.Add(new Wire(o with { Node = o.Node + offsets[p] }, new PortRef(j, p)));
            }
            else
            {
                var i = parts[p].OpenIn ?? throw new ArgumentException("A fan-out part must be a sink (one open inlet).");
                wires.Add(new Wire(new PortRef(j, p), i with { Node = i.Node + offsets[p] }));
            }
        }
        var graph = fanIn
            ? new GraphBlueprint([.. nodes], [.. wires], parts[0].OpenIn, new PortRef(j, 0))
            : new GraphBlueprint([.. nodes], [.. wires], new PortRef(j, 0), null);
        return (graph, offsets);
    }

    /// <summary>
    /// This graph's open outlet feeds a two-output <paramref name="broadcast"/> whose first output goes to
    /// <paramref name="sink"/> and whose second output is the result's open outlet (Akka's alsoTo).
    /// </summary>
    internal GraphBlueprint AlsoTo(GraphBlueprint sink, IGraphStage broadcast, out int sinkOffset)
    {
        var from = OpenOut ?? throw new InvalidOperationException("This graph has no open outlet.");
        var sinkIn = sink.OpenIn ?? throw new ArgumentException("AlsoTo needs a sink.");
        var b = Nodes.Length;
        sinkOffset = b + 1;
        var off = sinkOffset;
        var wires = new List<Wire>(Wires) { new(from, new PortRef(b, 0)), new(new PortRef(b, 0), sinkIn with { Node = sinkIn.Node + off }) };
        foreach (var w in sink.Wires) wires.Add(new Wire(w.From with { Node = w.From.Node + off }, w.To with { Node = w.To.Node + off }));
        return new GraphBlueprint([.. Nodes, new StageNode(broadcast, Attributes.None, []), .. sink.Nodes], [.. wires], OpenIn, new PortRef(b, 1));
    }

    /// <summary>
    /// Appends a one-in-one-out stage after the open outlet; when both it and the stage owning the open outlet are
    /// Selects without attributes in the same island, they are fused into one stage (fewer hops per element).
    /// </summary>
    internal GraphBlueprint Append<TOut, T2>(IGraphStage stage)
    {
        if (stage is Stages.Flows.SelectStage<TOut, T2> next && OpenOut is { } open
            && Nodes[open.Node] is { IslandPath.Length: 0 } node && ReferenceEquals(node.Attributes, Attributes.None)
            && node.Stage is Stages.Flows.ISelectFusable<TOut> prev && !Wires.Any(w => w.From.Node == open.Node))
        {
            var nodes = (StageNode[])Nodes.Clone();
            nodes[open.Node] = node with { Stage = prev.Then(next.Selector) };
            return new GraphBlueprint(nodes, Wires, OpenIn, OpenOut);
        }
        return Connect(FromStage(stage));
    }

    /// <summary>The same graph with <paramref name="attributes"/> as fallback for every node.</summary>
    internal GraphBlueprint WithAttributes(Attributes attributes)
        => new(Nodes.Select(n => n with { Attributes = n.Attributes.OrElse(attributes) }).ToArray(), Wires, OpenIn, OpenOut);

    /// <summary>The same graph in an island of its own (an async boundary around it).</summary>
    internal GraphBlueprint Async()
    {
        var tag = new object();
        return new(Nodes.Select(n => n with { IslandPath = [.. n.IslandPath, tag] }).ToArray(), Wires, OpenIn, OpenOut);
    }
}
