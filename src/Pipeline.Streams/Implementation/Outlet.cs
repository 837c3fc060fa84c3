namespace Pipeline.Streams.Implementation;

/// <summary>An output port of a stage: where elements leave. It creates the typed connection to the next stage.</summary>
public abstract class Outlet
{
    /// <summary>Creates an outlet.</summary>
    protected Outlet(string name) => Name = name;

    /// <summary>The port's name (for error messages).</summary>
    public string Name { get; }

    internal int Index { get; set; } = -1;

    internal abstract Type ElementType { get; }

    internal abstract Connection CreateConnection();

    internal abstract (GraphStageLogic Sink, GraphStageLogic Source) CreateBoundary(int capacity);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A typed output port of a stage.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Outlet<T>(string name) : Outlet(name)
{
    internal override Type ElementType => typeof(T);

    internal override Connection CreateConnection() => new Connection<T>();

    internal override (GraphStageLogic Sink, GraphStageLogic Source) CreateBoundary(int capacity)
    {
        var buffer = new BoundaryBuffer<T>(capacity);
        return (new BoundarySinkLogic<T>(buffer), new BoundarySourceLogic<T>(buffer));
    }
}
