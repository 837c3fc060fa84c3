using Pipeline.Runtime.Actors;
using Pipeline.TestKit;

namespace Pipeline.Runtime.Tests.Events;

public sealed class EventStreamTests : ActorTestKit
{
    public abstract record Animal(string Name);
    public sealed record Dog(string Name) : Animal(Name);
    public sealed record Cat(string Name) : Animal(Name);

    [Fact]
    public async Task Subscribers_receive_events_of_their_type_and_subtypes()
    {
        var animals = CreateTestProbe();
        var dogs = CreateTestProbe();
        Sys.EventStream.Subscribe(animals.Ref, typeof(Animal));
        Sys.EventStream.Subscribe(dogs.Ref, typeof(Dog));
        Sys.EventStream.Publish(new Dog("rex"));
        Sys.EventStream.Publish(new Cat("tom"));
        await animals.ExpectMsgAsync(new Dog("rex"));
        await animals.ExpectMsgAsync(new Cat("tom"));
        await dogs.ExpectMsgAsync(new Dog("rex"));
        await dogs.ExpectNoMsgAsync();
    }

    [Fact]
    public async Task Unsubscribe_stops_delivery_and_delegate_subscriptions_dispose()
    {
        var probe = CreateTestProbe();
        var seen = new List<string>();
        Sys.EventStream.Subscribe(probe.Ref, typeof(Dog));
        var sub = Sys.EventStream.Subscribe<Dog>(d => seen.Add(d.Name));
        Sys.EventStream.Publish(new Dog("a"));
        Assert.True(Sys.EventStream.Unsubscribe(probe.Ref));
        sub.Dispose();
        Sys.EventStream.Publish(new Dog("b"));
        await probe.ExpectMsgAsync(new Dog("a"));
        await probe.ExpectNoMsgAsync();
        Assert.Equal(["a"], seen);
    }

    [Fact]
    public async Task Dead_subscribers_are_dropped()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(Dog));
        TestActor.Watch(probe.Ref);
        Sys.Stop(probe.Ref);
        await TestActor.ExpectTerminatedAsync(probe.Ref);
        Sys.EventStream.Publish(new Dog("x"));
        Sys.EventStream.Publish(new Dog("y"));
        Assert.False(Sys.EventStream.Unsubscribe(probe.Ref));
    }
}
