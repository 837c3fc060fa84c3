using Pipeline.Persistence.Actors;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Scheduling;

namespace Pipeline.Persistence.Delivery;

/// <summary>
/// A persistent actor that hands messages on reliably (Akka's AtLeastOnceDelivery): <see cref="Deliver"/>
/// sends a message stamped with a delivery id and resends it, with growing intervals, until
/// <see cref="ConfirmDelivery"/> is called for that id. Persist the intent to deliver and the confirmation as
/// events, and call Deliver/ConfirmDelivery from their handlers, so that after a crash recovery redelivers
/// exactly the unconfirmed ones. Deliveries made during recovery are sent once it completes.
/// </summary>
public abstract class AtLeastOnceDeliveryActor : ReceivePersistentActor
{
    private readonly SortedDictionary<long, Pending> _unconfirmed = new();
    private long _deliverySequenceNr;
    private ICancelable? _ticks;

    /// <summary>Redelivery settings (override to change).</summary>
    protected virtual AtLeastOnceDeliverySettings DeliverySettings { get; } = new();

    /// <summary>Deliveries not yet confirmed.</summary>
    public int NumberOfUnconfirmed => _unconfirmed.Count;

    /// <summary>Sends <paramref name="messageFactory"/>(deliveryId) to <paramref name="destination"/> until confirmed.</summary>
    /// <returns>The delivery id.</returns>
    protected long Deliver(IActorRef destination, Func<long, object> messageFactory)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(messageFactory);
        if (_unconfirmed.Count >= DeliverySettings.MaxUnconfirmedMessages)
            throw new MaxUnconfirmedMessagesExceededException($"{PersistenceId}: {_unconfirmed.Count} deliveries are unconfirmed, the limit ({DeliverySettings.MaxUnconfirmedMessages}); confirm or slow down.");
        var id = ++_deliverySequenceNr;
        var message = messageFactory(id);
        var now = Context.System.TimeProvider.GetUtcNow();
        var pending = new Pending(destination, message, 0, now);
        _unconfirmed[id] = pending;
        if (!IsRecovering) Send(id, pending, now);
        return id;
    }

    /// <summary>Marks a delivery as confirmed; false when it was not pending.</summary>
    protected bool ConfirmDelivery(long deliveryId) => _unconfirmed.Remove(deliveryId);

    /// <summary>The deliveries in flight (store it in a snapshot).</summary>
    protected AtLeastOnceDeliverySnapshot GetDeliverySnapshot()
        => new(_deliverySequenceNr, _unconfirmed.Select(p => new UnconfirmedDelivery(p.Key, p.Value.Destination, p.Value.Message)).ToArray());

    /// <summary>Restores deliveries from a snapshot (call it from the SnapshotOffer handler).</summary>
    protected void SetDeliverySnapshot(AtLeastOnceDeliverySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _deliverySequenceNr = snapshot.CurrentDeliveryId;
        _unconfirmed.Clear();
        var now = Context.System.TimeProvider.GetUtcNow();
        foreach (var d in snapshot.UnconfirmedDeliveries) _unconfirmed[d.DeliveryId] = new Pending(d.Destination, d.Message, 0, now);
    }

    /// <inheritdoc />
    protected override void OnRecoveryCompleted()
    {
        base.OnRecoveryCompleted();
        var now = Context.System.TimeProvider.GetUtcNow();
        foreach (var (id, pending) in _unconfirmed.ToArray()) Send(id, pending, now);
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, DeliverySettings.RedeliverInterval.Ticks / 2));
        _ticks?.Cancel();
        _ticks = Context.System.Scheduler.ScheduleTellRepeatedly(tick, tick, Self, RedeliveryTick.Instance, Self);
    }

    /// <inheritdoc />
    protected override bool AroundReceive(object message)
    {
        if (message is RedeliveryTick)
        {
            Redeliver();
            return true;
        }
        return base.AroundReceive(message);
    }

    /// <inheritdoc />
    protected override void AroundPostStop()
    {
        _ticks?.Cancel();
        base.AroundPostStop();
    }

    /// <inheritdoc />
    protected override void AroundPreRestart(Exception reason, object? message)
    {
        _ticks?.Cancel();
        base.AroundPreRestart(reason, message);
    }

    private void Send(long id, Pending pending, DateTimeOffset now)
    {
        var attempt = pending.Attempts + 1;
        var wait = Runtime.Patterns.BackoffSupervisor.BackoffFor(attempt - 1, DeliverySettings.RedeliverInterval, DeliverySettings.MaxRedeliverInterval);
        _unconfirmed[id] = pending with { Attempts = attempt, NextAttemptAt = now + wait };
        pending.Destination.Tell(pending.Message, Self);
    }

    private void Redeliver()
    {
        var now = Context.System.TimeProvider.GetUtcNow();
        var warnings = new List<UnconfirmedDelivery>();
        var sent = 0;
        foreach (var (id, pending) in _unconfirmed.ToArray())
        {
            if (pending.NextAttemptAt > now) continue;
            if (sent++ >= DeliverySettings.RedeliveryBurstLimit) break;
            Send(id, pending, now);
            if (pending.Attempts + 1 == DeliverySettings.WarnAfterNumberOfUnconfirmedAttempts)
                warnings.Add(new UnconfirmedDelivery(id, pending.Destination, pending.Message));
        }
        if (warnings.Count > 0) Self.Tell(new UnconfirmedWarning(warnings), Self);
    }

    private sealed record Pending(IActorRef Destination, object Message, int Attempts, DateTimeOffset NextAttemptAt);

    private sealed class RedeliveryTick : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded
    {
        public static RedeliveryTick Instance { get; } = new();
    }
}
