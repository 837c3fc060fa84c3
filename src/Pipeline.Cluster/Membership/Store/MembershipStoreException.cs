namespace Pipeline.Cluster.Membership.Store;

/// <summary>The membership store was used wrongly (unknown member, duplicate incarnation) or holds data it cannot read.</summary>
public sealed class MembershipStoreException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public MembershipStoreException(string message) : base(message) { }
}
