using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.FanOut;

/// <summary>Emits each element to every output; the slowest output sets the pace. Outputs that cancel are skipped;
/// cancels upstream when all outputs cancelled.</summary>
internal sealed class BroadcastStage<T> : GraphStage
{
    private readonly Inlet<T> _in = new("broadcast.in");
    private readonly Outlet<T>[] _outs;

    public BroadcastStage(int outputs)
    {
        _outs = Enumerable.Range(0, outputs).Select(i => new Outlet<T>($"broadcast.out{i}")).ToArray();
        Shape = new StageShape([_in], _outs);
    }

    public override StageShape Shape { get; }

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic, IInHandler
    {
        private readonly BroadcastStage<T> _s;
        private int _open;

        public Logic(BroadcastStage<T> s) : base(s.Shape)
        {
            _s = s;
            _open = s._outs.Length;
            SetHandler(s._in, this);
            foreach (var o in s._outs) SetHandler(o, new Output(this));
        }

        public void OnPush()
        {
            var item = Grab(_s._in);
            foreach (var o in _s._outs)
                if (!IsClosed(o)) Push(o, item);
            TryPull();
        }

        private void TryPull()
        {
            if (IsClosed(_s._in) || HasBeenPulled(_s._in)) return;
            foreach (var o in _s._outs)
                if (!IsClosed(o) && !IsAvailable(o)) return;
            Pull(_s._in);
        }

        public void OnUpstreamFinish() => CompleteStage();

        public void OnUpstreamFailure(Exception cause) => FailStage(cause);

        private sealed class Output(Logic logic) : IOutHandler
        {
            public void OnPull() => logic.TryPull();

            public void OnDownstreamFinish(Exception? cause)
            {
                logic._open--;
                if (logic._open == 0) logic.CompleteStage();
                else logic.TryPull();
            }
        }
    }
}
