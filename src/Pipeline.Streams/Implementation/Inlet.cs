namespace Pipeline.Streams.Implementation;

/// <summary>An input port of a stage: where elements arrive. Its index is its position in the stage's <see cref="StageShape"/>.</summary>
public abstract class Inlet
{
    /// <summary>Creates an inlet.</summary>
    protected Inlet(string name) => Name = name;

    /// <summary>The port's name (for error messages).</summary>
    public string Name { get; }

    internal int Index { get; set; } = -1;

    internal abstract Type ElementType { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A typed input port of a stage.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Inlet<T>(string name) : Inlet(name)
{
    internal override Type ElementType => typeof(T);
}
