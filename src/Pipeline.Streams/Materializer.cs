using System.Collections.Concurrent;
using Pipeline.Runtime.Actors;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams;

/// <summary>
/// Turns blueprints into running streams: splits the graph into islands at async boundaries, fuses each island's
/// stages into one interpreter driven on the thread pool, connects islands by bounded buffers, and returns the
/// graph's materialized value. Streams it started are aborted when the actor system terminates or on <see cref="Shutdown"/>.
/// </summary>
public sealed class Materializer
{
    private readonly ConcurrentDictionary<IslandShell, byte> _live = new();
    private int _shutdown;

    private Materializer(ActorSystem system, MaterializerSettings settings)
    {
        System = system;
        Settings = settings;
        system.WhenTerminated.ContinueWith(static (_, m) => ((Materializer)m!).Shutdown(), this, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Creates a materializer for streams that run alongside <paramref name="system"/>'s actors.</summary>
    public static Materializer Create(ActorSystem system, MaterializerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new Materializer(system, settings ?? MaterializerSettings.Default);
    }

    /// <summary>The actor system (for actor integration stages and its clock).</summary>
    public ActorSystem System { get; }

    /// <summary>The settings.</summary>
    public MaterializerSettings Settings { get; }

    /// <summary>The clock of timers in stages.</summary>
    public TimeProvider TimeProvider => System.TimeProvider;

    /// <summary>Number of islands (fused interpreters) currently running.</summary>
    public int RunningIslands => _live.Count;

    /// <summary>Aborts every running stream of this materializer: their sinks fail with <see cref="AbruptTerminationException"/>.</summary>
    public void Shutdown()
    {
        Interlocked.Exchange(ref _shutdown, 1);
        foreach (var shell in _live.Keys) shell.Abort(new AbruptTerminationException("The materializer was shut down (or its actor system terminated) while the stream was running."));
    }

    internal void Unregister(IslandShell shell) => _live.TryRemove(shell, out _);

    internal TMat Materialize<TMat>(GraphBlueprint graph, MatFn<TMat> mat, Attributes? outer = null)
    {
        if (Volatile.Read(ref _shutdown) == 1) throw new InvalidOperationException("The materializer was shut down; create a new one.");
        if (graph.OpenIn is not null || graph.OpenOut is not null)
            throw new InvalidOperationException("Cannot run a graph with open ports: connect a source and a sink first (Via/To/RunWith).");
        var nodes = graph.Nodes;
        var defaults = new Attributes { InputBufferSize = Settings.InputBufferSize };
        var logics = new GraphStageLogic[nodes.Length];
        var values = new object?[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            var attributes = nodes[i].Attributes;
            if (outer is not null) attributes = attributes.OrElse(outer);
            attributes = attributes.OrElse(defaults);
            var (logic, value) = nodes[i].Stage is IMaterializerAwareStage aware ? aware.Create(attributes, this) : nodes[i].Stage.Create(attributes);
            logic.Materializer = this;
            logics[i] = logic;
            values[i] = value;
        }

        // islands: union of nodes joined by wires that stay in one island path
        var parent = new int[nodes.Length];
        for (var i = 0; i < parent.Length; i++) parent[i] = i;
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        foreach (var w in graph.Wires)
            if (nodes[w.From.Node].SameIsland(nodes[w.To.Node])) parent[Find(w.From.Node)] = Find(w.To.Node);

        var islands = new Dictionary<int, List<GraphStageLogic>>();
        List<GraphStageLogic> IslandOf(int node)
        {
            var root = Find(node);
            if (!islands.TryGetValue(root, out var list)) islands[root] = list = new List<GraphStageLogic>();
            return list;
        }
        for (var i = 0; i < nodes.Length; i++) IslandOf(i).Add(logics[i]);

        foreach (var w in graph.Wires)
        {
            var outlet = nodes[w.From.Node].Stage.Shape.Outlets[w.From.Port];
            var inlet = nodes[w.To.Node].Stage.Shape.Inlets[w.To.Port];
            if (outlet.ElementType != inlet.ElementType)
                throw new InvalidOperationException($"Cannot connect outlet '{outlet.Name}' of {nodes[w.From.Node].Stage.Name} ({outlet.ElementType.Name}) to inlet '{inlet.Name}' of {nodes[w.To.Node].Stage.Name} ({inlet.ElementType.Name}): the element types differ.");
            if (Find(w.From.Node) == Find(w.To.Node))
            {
                Wire(outlet.CreateConnection(), logics[w.From.Node], w.From.Port, logics[w.To.Node], w.To.Port);
                continue;
            }
            var capacity = logics[w.To.Node].Attributes.InputBufferSize ?? Settings.InputBufferSize;
            var (boundarySink, boundarySource) = outlet.CreateBoundary(capacity);
            boundarySink.Materializer = this;
            boundarySource.Materializer = this;
            IslandOf(w.From.Node).Add(boundarySink);
            IslandOf(w.To.Node).Add(boundarySource);
            Wire(outlet.CreateConnection(), logics[w.From.Node], w.From.Port, boundarySink, 0);
            Wire(outlet.CreateConnection(), boundarySource, 0, logics[w.To.Node], w.To.Port);
        }
        for (var i = 0; i < nodes.Length; i++)
        {
            var l = logics[i];
            for (var p = 0; p < l.InConns.Length; p++)
                if (l.InConns[p] is null) throw new InvalidOperationException($"Inlet {p} of stage {l.StageName} is not connected.");
            for (var p = 0; p < l.OutConns.Length; p++)
                if (l.OutConns[p] is null) throw new InvalidOperationException($"Outlet {p} of stage {l.StageName} is not connected.");
        }

        var shells = new List<IslandShell>(islands.Count);
        foreach (var list in islands.Values)
        {
            var shell = new IslandShell(this);
            shell.Attach(new GraphInterpreter([.. list], shell));
            _live[shell] = 0;
            shells.Add(shell);
        }
        var result = mat(values, 0);
        foreach (var shell in shells) shell.Enqueue(new StartEvent());
        return result;
    }

    private static void Wire(Connection c, GraphStageLogic from, int outPort, GraphStageLogic to, int inPort)
    {
        c.OutOwner = from;
        c.OutIndex = outPort;
        c.OutHandler = from.OutHandlerAt(outPort);
        c.InOwner = to;
        c.InIndex = inPort;
        c.InHandler = to.InHandlerAt(inPort);
        from.OutConns[outPort] = c;
        to.InConns[inPort] = c;
    }
}
