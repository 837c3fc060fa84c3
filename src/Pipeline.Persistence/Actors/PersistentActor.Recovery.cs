using Microsoft.Extensions.Logging;
using Pipeline.Persistence.Journal;
using Pipeline.Persistence.Snapshots;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Persistence.Actors;

public abstract partial class PersistentActor
{
    private void StartRecovery()
    {
        _recovering = true;
        _lastSequenceNr = 0;
        _assignedSequenceNr = 0;
        // Runs inside the actor; the mailbox holds commands back until the task completes.
        RunTask(RecoverAsync);
    }

    private async Task RecoverAsync()
    {
        var persistence = Persistence;
        var recovery = Recovery;
        await persistence.RecoveryPermits.WaitAsync();
        try
        {
            var snapshotOffered = false;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (!snapshotOffered)
                    {
                        await OfferSnapshotAsync(persistence, recovery);
                        snapshotOffered = true;
                    }
                    await ReplayAsync(persistence, recovery);
                    break;
                }
                catch (Exception e) when (e is not RecoveryFailedException && attempt < persistence.Settings.RecoveryAttempts)
                {
                    var wait = Runtime.Patterns.BackoffSupervisor.BackoffFor(attempt - 1, persistence.Settings.MinRecoveryBackoff, persistence.Settings.MaxRecoveryBackoff);
                    persistence.Logger.LogWarning(e, "{PersistenceId}: recovery attempt {Attempt} failed; retrying in {Wait} from sequence nr {From}",
                        PersistenceId, attempt, wait, _lastSequenceNr + 1);
                    await Task.Delay(wait, Context.System.TimeProvider);
                }
            }
        }
        catch (Exception e)
        {
            persistence.RecoveryPermits.Release();
            OnRecoveryFailure(e);
            Context.Stop(Self);
            return;
        }
        persistence.RecoveryPermits.Release();
        _recovering = false;
        _assignedSequenceNr = _lastSequenceNr;
        ReceiveRecover(RecoveryCompleted.Instance);
        OnRecoveryCompleted();
    }

    private async Task OfferSnapshotAsync(PersistenceExtension persistence, Recovery recovery)
    {
        if (recovery.FromSnapshot.MaxSequenceNr <= 0) return;
        var snapshot = await persistence.SnapshotStore.LoadLatestAsync(PersistenceId, recovery.FromSnapshot);
        if (snapshot is null) return;
        object state;
        try
        {
            state = Context.System.Serialization.Deserialize(snapshot.SerializerId, snapshot.Manifest, snapshot.Payload.Span);
        }
        catch (Exception e)
        {
            throw new RecoveryFailedException(PersistenceId, snapshot.Metadata.SequenceNr, snapshot.Manifest, snapshot.SerializerId, e);
        }
        _lastSequenceNr = snapshot.Metadata.SequenceNr;
        ReceiveRecover(new SnapshotOffer(snapshot.Metadata, state));
    }

    private async Task ReplayAsync(PersistenceExtension persistence, Recovery recovery)
    {
        if (recovery.ToSequenceNr <= 0 || recovery.ReplayMax <= 0)
        {
            _lastSequenceNr = Math.Max(_lastSequenceNr, await persistence.Journal.ReadHighestSequenceNrAsync(PersistenceId, 0));
            return;
        }
        var highest = await persistence.Journal.ReadHighestSequenceNrAsync(PersistenceId, _lastSequenceNr);
        var to = Math.Min(recovery.ToSequenceNr, highest);
        var serialization = Context.System.Serialization;
        var replayed = 0L;
        if (to > _lastSequenceNr)
        {
            await foreach (var repr in persistence.Journal.ReplayAsync(PersistenceId, _lastSequenceNr + 1, to, recovery.ReplayMax))
            {
                object @event;
                try
                {
                    @event = serialization.Deserialize(repr.SerializerId, repr.Manifest, repr.Payload.Span);
                }
                catch (Exception e)
                {
                    throw new RecoveryFailedException(PersistenceId, repr.SequenceNr, repr.Manifest, repr.SerializerId, e);
                }
                _lastSequenceNr = repr.SequenceNr;
                ReceiveRecover(@event);
                if (++replayed >= recovery.ReplayMax) break;
            }
        }
        // Deleted events still count: their sequence numbers are never reused.
        if (recovery.ToSequenceNr >= highest) _lastSequenceNr = Math.Max(_lastSequenceNr, highest);
    }

    // ---- snapshots and deletes -----------------------------------------------------------------------------

    /// <summary>Saves a snapshot of the state at <see cref="LastSequenceNr"/>; the actor receives
    /// <see cref="SaveSnapshotSuccess"/> or <see cref="SaveSnapshotFailure"/>.</summary>
    protected void SaveSnapshot(object snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var payload = Context.System.Serialization.Serialize(snapshot);
        var metadata = new SnapshotMetadata(PersistenceId, _lastSequenceNr, Context.System.TimeProvider.GetUtcNow());
        var store = Persistence.SnapshotStore;
        var self = Self;
        _ = Task.Run(async () =>
        {
            try
            {
                await store.SaveAsync(new SnapshotRecord(metadata, payload.SerializerId, payload.Manifest, payload.Bytes)).ConfigureAwait(false);
                self.Tell(new SaveSnapshotSuccess(metadata), self);
            }
            catch (Exception e)
            {
                self.Tell(new SaveSnapshotFailure(metadata, e), self);
            }
        });
    }

    /// <summary>Deletes the snapshots matching <paramref name="criteria"/>; the actor receives
    /// <see cref="DeleteSnapshotsSuccess"/> or <see cref="DeleteSnapshotsFailure"/>.</summary>
    protected void DeleteSnapshots(SnapshotSelectionCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var store = Persistence.SnapshotStore;
        var pid = PersistenceId;
        var self = Self;
        _ = Task.Run(async () =>
        {
            try
            {
                await store.DeleteAsync(pid, criteria).ConfigureAwait(false);
                self.Tell(new DeleteSnapshotsSuccess(criteria), self);
            }
            catch (Exception e)
            {
                self.Tell(new DeleteSnapshotsFailure(criteria, e), self);
            }
        });
    }

    /// <summary>Deletes (logically) the events up to <paramref name="toSequenceNr"/>; the actor receives
    /// <see cref="DeleteMessagesSuccess"/> or <see cref="DeleteMessagesFailure"/>.</summary>
    protected void DeleteMessages(long toSequenceNr)
    {
        var journal = Persistence.Journal;
        var pid = PersistenceId;
        var self = Self;
        var to = Math.Min(toSequenceNr, _lastSequenceNr);
        _ = Task.Run(async () =>
        {
            try
            {
                await journal.DeleteMessagesToAsync(pid, to).ConfigureAwait(false);
                self.Tell(new DeleteMessagesSuccess(to), self);
            }
            catch (Exception e)
            {
                self.Tell(new DeleteMessagesFailure(to, e), self);
            }
        });
    }
}
