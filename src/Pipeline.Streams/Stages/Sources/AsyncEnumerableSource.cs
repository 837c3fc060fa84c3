using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sources;

/// <summary>Emits the elements of an async enumerable on demand; disposing it (and cancelling its token) when the stream stops.</summary>
internal sealed class AsyncEnumerableSource<T>(Func<CancellationToken, IAsyncEnumerable<T>> items) : SourceStage<T>("async-enumerable")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(Out, items);

    private sealed class Logic : SourceLogic<T>
    {
        private readonly Func<CancellationToken, IAsyncEnumerable<T>> _items;
        private readonly CancellationTokenSource _cts = new();
        private readonly AsyncCallback<bool> _onMoved;
        private readonly AsyncCallback<Exception> _onFailed;
        private IAsyncEnumerator<T>? _enumerator;

        public Logic(Outlet<T> outlet, Func<CancellationToken, IAsyncEnumerable<T>> items) : base(outlet)
        {
            _items = items;
            _onMoved = GetAsyncCallback<bool>(Moved);
            _onFailed = GetAsyncCallback<Exception>(FailStage);
        }

        protected internal override void PreStart() => _enumerator = _items(_cts.Token).GetAsyncEnumerator(_cts.Token);

        public override void OnPull()
        {
            var move = _enumerator!.MoveNextAsync();
            if (move.IsCompletedSuccessfully)
            {
                Moved(move.GetAwaiter().GetResult());
                return;
            }
            _ = Await(move);
        }

        private async Task Await(ValueTask<bool> move)
        {
            try { _onMoved.Invoke(await move.ConfigureAwait(false)); }
            catch (Exception e) { _onFailed.Invoke(e); }
        }

        private void Moved(bool hasNext)
        {
            if (hasNext) Push(Out, _enumerator!.Current);
            else CompleteStage();
        }

        protected internal override void PostStop()
        {
            _cts.Cancel();
            if (_enumerator is { } e) _ = e.DisposeAsync().AsTask().ContinueWith(static _ => { }, TaskScheduler.Default);
            _cts.Dispose();
        }
    }
}
