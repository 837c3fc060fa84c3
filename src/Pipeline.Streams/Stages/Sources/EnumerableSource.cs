using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Sources;

/// <summary>Emits the elements of an enumerable on demand; a fresh enumerator per materialization.</summary>
internal sealed class EnumerableSource<T>(IEnumerable<T> items) : SourceStage<T>("enumerable")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(Out, items);

    private sealed class Logic(Outlet<T> outlet, IEnumerable<T> items) : SourceLogic<T>(outlet)
    {
        private IEnumerator<T>? _enumerator;

        protected internal override void PreStart() => _enumerator = items.GetEnumerator();

        public override void OnPull()
        {
            if (_enumerator!.MoveNext()) Push(Out, _enumerator.Current);
            else CompleteStage();
        }

        protected internal override void PostStop() => _enumerator?.Dispose();
    }
}
