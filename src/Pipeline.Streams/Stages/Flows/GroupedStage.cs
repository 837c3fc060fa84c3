using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.Flows;

/// <summary>Collects elements into lists of n (the last one may be shorter).</summary>
internal sealed class GroupedStage<T>(int size) : FlowStage<T, IReadOnlyList<T>>("grouped")
{
    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(In, Out, size);

    private sealed class Logic(Inlet<T> inlet, Outlet<IReadOnlyList<T>> outlet, int size) : InAndOutLogic<T, IReadOnlyList<T>>(inlet, outlet)
    {
        private List<T> _group = new(size);

        public override void OnPush()
        {
            _group.Add(Grab(In));
            if (_group.Count < size)
            {
                Pull(In);
                return;
            }
            var full = _group;
            _group = new List<T>(size);
            Push(Out, full);
        }

        public override void OnUpstreamFinish()
        {
            if (_group.Count > 0 && IsAvailable(Out)) Push(Out, _group);
            else if (_group.Count > 0) return; // emitted on the next pull
            CompleteStage();
        }

        public override void OnPull()
        {
            if (IsClosed(In))
            {
                if (_group.Count > 0) Push(Out, _group);
                CompleteStage();
            }
            else Pull(In);
        }

        protected override void OnRestart() => _group = new List<T>(size);
    }
}
