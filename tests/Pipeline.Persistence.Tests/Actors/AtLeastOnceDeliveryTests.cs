using Pipeline.Persistence.Actors;
using Pipeline.Persistence.Configuration;
using Pipeline.Persistence.Delivery;
using Pipeline.Runtime.Actors;
using Pipeline.TestKit;

namespace Pipeline.Persistence.Tests.Actors;

public sealed record Send(string Payload);
public sealed record Sent(string Payload);
public sealed record SendTransient(string Payload);
public sealed record Envelope(long DeliveryId, string Payload);
public sealed record Confirm(long DeliveryId);
public sealed record Confirmed(long DeliveryId);

/// <summary>Hands payloads to a destination at least once, persisting intent and confirmations.</summary>
public sealed class Courier(string pid, IActorRef destination, IActorRef probe, int maxUnconfirmed) : AtLeastOnceDeliveryActor
{
    public override string PersistenceId => pid;

    protected override AtLeastOnceDeliverySettings DeliverySettings { get; } = new()
    {
        RedeliverInterval = TimeSpan.FromMilliseconds(100),
        MaxRedeliverInterval = TimeSpan.FromMilliseconds(200),
        WarnAfterNumberOfUnconfirmedAttempts = 3,
        MaxUnconfirmedMessages = maxUnconfirmed,
    };

    protected override void PreStart()
    {
        Recover<Sent>(s => Deliver(destination, id => new Envelope(id, s.Payload)));
        Recover<Confirmed>(c => ConfirmDelivery(c.DeliveryId));
        Recover<RecoveryCompleted>(_ => probe.Tell("recovered", Self));
        Command<Send>(s => Persist(new Sent(s.Payload), e => Deliver(destination, id => new Envelope(id, e.Payload))));
        Command<SendTransient>(s =>
        {
            try
            {
                Deliver(destination, id => new Envelope(id, s.Payload));
            }
            catch (MaxUnconfirmedMessagesExceededException e)
            {
                probe.Tell("limit: " + e.Message, Self);
            }
        });
        Command<Confirm>(c => Persist(new Confirmed(c.DeliveryId), e => ConfirmDelivery(e.DeliveryId)));
        Command<UnconfirmedWarning>(w => probe.Tell($"warning {w.UnconfirmedDeliveries.Count}", Self));
        Command<string>(s => s == "unconfirmed", _ => Reply(NumberOfUnconfirmed));
    }
}

public sealed class AtLeastOnceDeliveryTests : ActorTestKit
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-alo-").FullName;
    private PersistenceStore? _store;

    public override async Task InitializeAsync()
    {
        _store = PersistenceFactory.Create(new PersistenceSettings { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_directory, "j.db")}" });
        await _store.StartAsync();
        PersistenceExtension.Install(Sys, _store);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _store!.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }

    private async Task<IActorRef> StartCourier(TestProbe destination, TestProbe probe, int maxUnconfirmed = 100)
    {
        var courier = Sys.ActorOf(Props.Create(() => new Courier("courier", destination.Ref, probe.Ref, maxUnconfirmed)));
        await probe.ExpectMsgAsync("recovered", TimeSpan.FromSeconds(10));
        return courier;
    }

    [Fact]
    public async Task Unconfirmed_messages_are_redelivered_until_confirmed()
    {
        var destination = CreateTestProbe();
        var probe = CreateTestProbe();
        var courier = await StartCourier(destination, probe);
        courier.Tell(new Send("a"));
        var first = await destination.ExpectMsgAsync<Envelope>();
        var again = await destination.ExpectMsgAsync<Envelope>(TimeSpan.FromSeconds(5));
        Assert.Equal(first, again);
        courier.Tell(new Confirm(first.DeliveryId));
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            probe.Send(courier, "unconfirmed");
            Assert.Equal(0, await probe.FishForMessageAsync<int>());
        });
        await destination.FishForMessageAsync(_ => false, TimeSpan.FromMilliseconds(400)).ContinueWith(_ => { });
        await destination.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task A_warning_comes_after_several_attempts()
    {
        var destination = CreateTestProbe();
        var probe = CreateTestProbe();
        var courier = await StartCourier(destination, probe);
        courier.Tell(new Send("ignored"));
        Assert.Equal("warning 1", await probe.FishForMessageAsync<string>(s => s.StartsWith("warning", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task After_a_restart_recovery_redelivers_exactly_the_unconfirmed()
    {
        var destination = CreateTestProbe();
        var probe = CreateTestProbe();
        var courier = await StartCourier(destination, probe);
        courier.Tell(new Send("one"));
        courier.Tell(new Send("two"));
        var one = await destination.FishForMessageAsync<Envelope>(e => e.Payload == "one");
        courier.Tell(new Confirm(one.DeliveryId));
        await AwaitHelpers.AwaitAssertAsync(async () =>
        {
            probe.Send(courier, "unconfirmed");
            Assert.Equal(1, await probe.FishForMessageAsync<int>());
        });
        var watcher = CreateTestProbe();
        watcher.Watch(courier);
        Sys.Stop(courier);
        await watcher.ExpectTerminatedAsync(courier);

        var fresh = CreateTestProbe();
        await StartCourier(fresh, probe);
        var redelivered = await fresh.ExpectMsgAsync<Envelope>(TimeSpan.FromSeconds(5));
        Assert.Equal("two", redelivered.Payload);
    }

    [Fact]
    public async Task The_unconfirmed_limit_is_enforced()
    {
        var destination = CreateTestProbe();
        var probe = CreateTestProbe();
        var courier = await StartCourier(destination, probe, maxUnconfirmed: 2);
        courier.Tell(new SendTransient("1"));
        courier.Tell(new SendTransient("2"));
        courier.Tell(new SendTransient("3"));
        var limit = await probe.FishForMessageAsync<string>(s => s.StartsWith("limit", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains("2 deliveries are unconfirmed", limit);
        await destination.ReceiveNAsync(2);
    }
}
