namespace Pipeline.Cluster.Membership;

/// <summary>How the agent connects to members while joining (the transport plus heartbeats, wired by the host).</summary>
public interface IMemberConnector
{
    /// <summary>Connects to <paramref name="member"/>; completes when usable, throws or is cancelled otherwise.</summary>
    Task ConnectAsync(Member member, CancellationToken cancellationToken);
}
