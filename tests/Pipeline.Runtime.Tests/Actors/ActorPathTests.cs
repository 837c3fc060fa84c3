using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Tests.Actors;

/// <summary>The path keeps its parent and, on the root only, its address in one field: both must still be found.</summary>
public sealed class ActorPathTests
{
    private static readonly Address Local = new(Address.DefaultProtocol, "sys", null, null);
    private static readonly Address Remote = new(Address.DefaultProtocol, "sys", "host", 2552);

    [Fact]
    public void Root_knows_its_address_and_is_its_own_parent()
    {
        var root = ActorPath.RootOf(Remote);
        Assert.Equal(Remote, root.Address);
        Assert.Same(root, root.Parent);
        Assert.Same(root, root.Root);
        Assert.Equal(0, root.Depth);
        Assert.Empty(root.Elements);
        Assert.Equal("/", root.ToStringWithoutAddress());
    }

    [Fact]
    public void Child_paths_reach_the_address_through_their_ancestors()
    {
        var root = ActorPath.RootOf(Remote);
        var b = root.Child("user").Child("a").Child("b", 42);
        Assert.Equal(Remote, b.Address);
        Assert.Same(root, b.Root);
        Assert.Equal("a", b.Parent.Name);
        Assert.Equal(3, b.Depth);
        Assert.Equal(["user", "a", "b"], b.Elements);
        Assert.Equal(Remote + "/user/a/b", b.ToString());
        Assert.Equal(42, b.Uid);
    }

    [Fact]
    public void WithUid_keeps_the_place_and_leaves_the_root_alone()
    {
        var root = ActorPath.RootOf(Local);
        Assert.Same(root, root.WithUid(7));
        var a = root.Child("user").Child("a", 1);
        var again = a.WithUid(2);
        Assert.Equal(2, again.Uid);
        Assert.Same(a.Parent, again.Parent);
        Assert.Equal(a, again);
    }

    [Fact]
    public void Equality_compares_names_and_the_root_address()
    {
        var here = ActorPath.RootOf(Local).Child("user").Child("a");
        var sameHere = ActorPath.Parse(Local + "/user/a");
        var there = ActorPath.RootOf(Remote).Child("user").Child("a");
        Assert.Equal(here, sameHere);
        Assert.Equal(here.GetHashCode(), sameHere.GetHashCode());
        Assert.NotEqual(here, there);
        Assert.NotEqual(here, ActorPath.RootOf(Local).Child("user").Child("b"));
        Assert.NotEqual(ActorPath.RootOf(Local), ActorPath.RootOf(Remote));
    }
}
