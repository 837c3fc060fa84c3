using System.Threading.Channels;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sources;

/// <summary>Reads a channel on demand; completes when the channel completes (fails when it completes with an error).</summary>
internal sealed class ChannelSource<T>(ChannelReader<T> reader) : SourceStage<T>("channel")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(Out, reader);

    private sealed class Logic : SourceLogic<T>
    {
        private readonly ChannelReader<T> _reader;
        private readonly AsyncCallback<bool> _onReadable;
        private readonly AsyncCallback<Exception> _onFailed;
        private readonly CancellationTokenSource _cts = new();

        public Logic(Outlet<T> outlet, ChannelReader<T> reader) : base(outlet)
        {
            _reader = reader;
            _onReadable = GetAsyncCallback<bool>(Readable);
            _onFailed = GetAsyncCallback<Exception>(FailStage);
        }

        public override void OnPull()
        {
            if (_reader.TryRead(out var item))
            {
                Push(Out, item);
                return;
            }
            var wait = _reader.WaitToReadAsync(_cts.Token);
            if (wait.IsCompletedSuccessfully) Readable(wait.GetAwaiter().GetResult());
            else _ = Await(wait);
        }

        private async Task Await(ValueTask<bool> wait)
        {
            try { _onReadable.Invoke(await wait.ConfigureAwait(false)); }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested) { }
            catch (Exception e) { _onFailed.Invoke(e); }
        }

        private void Readable(bool more)
        {
            if (!more) CompleteStage();
            else if (IsAvailable(Out)) OnPull();
        }

        protected internal override void PostStop()
        {
            _cts.Cancel();
            _cts.Dispose();
        }
    }
}
