using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages;

namespace Pipeline.Streams.Offsets;

/// <summary>
/// The committing sink: keeps the highest offset per source of the records it received (they went through every
/// stage before it) and commits them every <see cref="CommitterSettings.MaxBatch"/> records or
/// <see cref="CommitterSettings.MaxInterval"/>, without stopping the stream while a commit is in flight: up to
/// <see cref="CommitterSettings.MaxInFlight"/> commits run at once (the store never moves an offset back, so their
/// order does not matter); only when a full batch waits while that many are pending does it stop pulling, so a
/// commit still covers exactly <see cref="CommitterSettings.MaxBatch"/> records. Its task completes after the last
/// commit; a failed commit fails the stream. On an upstream failure nothing more is committed (as after a crash:
/// the next run replays from the last commit).
/// </summary>
internal sealed class CommitterSinkStage<T>(IOffsetStore store, CommitterSettings settings) : SinkStage<T, Task>("committer")
    where T : ICommittableOffset
{
    public override (GraphStageLogic Logic, Task Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var logic = new Logic(this, store, settings);
        return (logic, logic.Promise.Task);
    }

    private sealed class Logic : GraphStageLogic, IInHandler
    {
        private const string Timer = "commit-interval";
        private readonly Inlet<T> _in;
        private readonly IOffsetStore _store;
        private readonly CommitterSettings _settings;
        private readonly AsyncCallback<Exception?> _onCommitted;
        private string? _singleSource;                 // the common case: one source, no dictionary
        private long _singleOffset;
        private Dictionary<string, long>? _others;
        private int _uncommitted;
        private int _inFlight;
        private bool _upstreamDone;

        public Logic(CommitterSinkStage<T> stage, IOffsetStore store, CommitterSettings settings) : base(StageShape.Sink(stage.In))
        {
            _in = stage.In;
            _store = store;
            _settings = settings;
            SetHandler(_in, this);
            _onCommitted = GetAsyncCallback<Exception?>(OnCommitted);
        }

        public TaskCompletionSource Promise { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected internal override void PreStart()
        {
            SetKeepGoing(true);
            ScheduleRepeatedly(Timer, _settings.MaxInterval, _settings.MaxInterval);
            Pull(_in);
        }

        public void OnPush()
        {
            var record = Grab(_in);
            if (_singleSource is null)
            {
                _singleSource = record.SourceId;
                _singleOffset = record.Offset;
            }
            else if (ReferenceEquals(_singleSource, record.SourceId) || _singleSource == record.SourceId)
            {
                if (record.Offset > _singleOffset) _singleOffset = record.Offset;
            }
            else
            {
                _others ??= new Dictionary<string, long>(StringComparer.Ordinal);
                _others[record.SourceId] = _others.TryGetValue(record.SourceId, out var o) ? Math.Max(o, record.Offset) : record.Offset;
            }
            _uncommitted++;
            if (_uncommitted >= _settings.MaxBatch)
            {
                if (_inFlight >= _settings.MaxInFlight) return; // the batch waits for a free commit slot: stop pulling
                Commit();
            }
            Pull(_in);
        }

        private void Commit()
        {
            if (_uncommitted == 0) return;
            var single = _singleSource;
            var offset = _singleOffset;
            var others = _others;
            _singleSource = null;
            _others = null;
            _uncommitted = 0;
            _inFlight++;
            _ = CommitAsync(single, offset, others);
        }

        private async Task CommitAsync(string? single, long offset, Dictionary<string, long>? others)
        {
            try
            {
                if (single is not null) await _store.CommitAsync(single, offset, CancellationToken.None).ConfigureAwait(false);
                if (others is not null)
                    foreach (var (source, o) in others) await _store.CommitAsync(source, o, CancellationToken.None).ConfigureAwait(false);
                _onCommitted.Invoke(null);
            }
            catch (Exception e)
            {
                _onCommitted.Invoke(e);
            }
        }

        private void OnCommitted(Exception? error)
        {
            _inFlight--;
            if (error is not null)
            {
                Promise.TrySetException(error);
                FailStage(error);
                return;
            }
            if (_upstreamDone)
            {
                if (_uncommitted > 0) Commit();
                else if (_inFlight == 0)
                {
                    Promise.TrySetResult();
                    CompleteStage();
                }
                return;
            }
            if (_uncommitted >= _settings.MaxBatch)
            {
                Commit();
                if (!HasBeenPulled(_in) && !IsClosed(_in)) Pull(_in);
            }
        }

        protected internal override void OnTimer(object timerKey)
        {
            if (_inFlight < _settings.MaxInFlight && _uncommitted < _settings.MaxBatch) Commit();
        }

        public void OnUpstreamFinish()
        {
            _upstreamDone = true;
            if (_uncommitted > 0)
            {
                if (_inFlight < _settings.MaxInFlight) Commit(); // else: the next finished commit issues it
            }
            else if (_inFlight == 0)
            {
                Promise.TrySetResult();
                CompleteStage();
            }
        }

        public void OnUpstreamFailure(Exception cause)
        {
            Promise.TrySetException(cause);
            FailStage(cause);
        }

        protected internal override void PostStop()
        {
            Promise.TrySetException(new AbruptTerminationException("The committer stopped before its stream completed."));
        }
    }
}
