using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Stages.FanIn;

/// <summary>Pairs the elements of two inputs one to one; completes as soon as either input completes (with no element pending).</summary>
internal sealed class ZipStage<T1, T2> : GraphStage
{
    private readonly Inlet<T1> _in1 = new("zip.in0");
    private readonly Inlet<T2> _in2 = new("zip.in1");
    private readonly Outlet<(T1, T2)> _out = new("zip.out");

    public ZipStage() => Shape = new StageShape([_in1, _in2], [_out]);

    public override StageShape Shape { get; }

    public override GraphStageLogic CreateLogic(Attributes attributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic, IOutHandler
    {
        private readonly ZipStage<T1, T2> _s;

        public Logic(ZipStage<T1, T2> s) : base(s.Shape)
        {
            _s = s;
            SetHandler(s._in1, new Input(this));
            SetHandler(s._in2, new Input(this));
            SetHandler(s._out, this);
        }

        public void OnPull()
        {
            if (!HasBeenPulled(_s._in1) && !IsAvailable(_s._in1)) Pull(_s._in1);
            if (!HasBeenPulled(_s._in2) && !IsAvailable(_s._in2)) Pull(_s._in2);
        }

        private void TryEmit()
        {
            if (!IsAvailable(_s._in1) || !IsAvailable(_s._in2)) return;
            Push(_s._out, (Grab(_s._in1), Grab(_s._in2)));
            if (IsClosed(_s._in1) || IsClosed(_s._in2)) CompleteStage();
        }

        private void InputFinished()
        {
            if (!IsAvailable(_s._in1) && !IsAvailable(_s._in2)) CompleteStage();
            else if ((IsClosed(_s._in1) && !IsAvailable(_s._in1)) || (IsClosed(_s._in2) && !IsAvailable(_s._in2))) CompleteStage();
        }

        public void OnDownstreamFinish(Exception? cause) => CompleteStage();

        private sealed class Input(Logic logic) : IInHandler
        {
            public void OnPush() => logic.TryEmit();

            public void OnUpstreamFinish() => logic.InputFinished();

            public void OnUpstreamFailure(Exception cause) => logic.FailStage(cause);
        }
    }
}
