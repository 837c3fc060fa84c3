namespace Pipeline.Streams.Implementation;

/// <summary>Computes a graph's materialized value from the values of its nodes (the graph's nodes start at <paramref name="offset"/>).</summary>
internal delegate TMat MatFn<out TMat>(object?[] nodeValues, int offset);
