namespace Pipeline.Cluster.TestHost;

/// <summary>A question to another node's echo actor.</summary>
public sealed record HostPing(string Text);

/// <summary>The echo's answer, naming the node that answered.</summary>
public sealed record HostPong(string Text, string Node);
