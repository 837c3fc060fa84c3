namespace Pipeline.Cluster.Membership.Events;

/// <summary>Base of everything the membership agent publishes to subscribers (Akka's ClusterEvent).</summary>
public abstract record ClusterEvent : Pipeline.Runtime.Actors.INoSerializationVerificationNeeded;
