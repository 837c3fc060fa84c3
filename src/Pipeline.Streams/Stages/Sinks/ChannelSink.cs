using System.Threading.Channels;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sinks;

/// <summary>Writes elements to a channel, waiting (backpressuring) while a bounded channel is full; completes the
/// channel with the stream when asked to.</summary>
internal sealed class ChannelSink<T>(ChannelWriter<T> writer, bool completeChannel) : SinkStage<T, Task>("channel")
{
    public override (GraphStageLogic Logic, Task Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var logic = new Logic(In, writer, completeChannel);
        return (logic, logic.Promise.Task);
    }

    private sealed class Logic : TaskSinkLogic<T, bool>
    {
        private readonly ChannelWriter<T> _writer;
        private readonly bool _complete;
        private readonly AsyncCallback<bool> _onWritable;
        private readonly AsyncCallback<Exception> _onFailed;
        private readonly CancellationTokenSource _cts = new();
        private T _pending = default!;

        public Logic(Inlet<T> inlet, ChannelWriter<T> writer, bool complete) : base(inlet)
        {
            _writer = writer;
            _complete = complete;
            _onWritable = GetAsyncCallback<bool>(Writable);
            _onFailed = GetAsyncCallback<Exception>(FailStage);
        }

        public override void OnPush()
        {
            var item = Grab(In);
            if (_writer.TryWrite(item))
            {
                Pull(In);
                return;
            }
            _pending = item;
            SetKeepGoing(true);
            _ = Wait();
        }

        private async Task Wait()
        {
            try { _onWritable.Invoke(await _writer.WaitToWriteAsync(_cts.Token).ConfigureAwait(false)); }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested) { }
            catch (Exception e) { _onFailed.Invoke(e); }
        }

        private void Writable(bool open)
        {
            if (!open)
            {
                Promise.TrySetException(new ChannelClosedException("Sink.ToChannel: the channel was completed by someone else."));
                CompleteStage();
                return;
            }
            if (!_writer.TryWrite(_pending))
            {
                _ = Wait();
                return;
            }
            _pending = default!;
            SetKeepGoing(false);
            if (IsClosed(In)) OnUpstreamFinish();
            else Pull(In);
        }

        public override void OnUpstreamFinish()
        {
            if (KeepGoing) return;
            if (_complete) _writer.TryComplete();
            base.OnUpstreamFinish();
        }

        public override void OnUpstreamFailure(Exception cause)
        {
            if (_complete) _writer.TryComplete(cause);
            base.OnUpstreamFailure(cause);
        }

        protected override bool Result() => true;

        protected internal override void PostStop()
        {
            _cts.Cancel();
            _cts.Dispose();
            base.PostStop();
        }
    }
}
